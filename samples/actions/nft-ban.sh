#!/bin/sh
# nftables variant with element timeouts (the set is made by nft-setup.sh):
#   defender-scan --on-ban '/etc/defender-scan/actions/nft-ban.sh {ip} {duration}' \
#                 --on-unban '/etc/defender-scan/actions/nft-unban.sh {ip}'
# The timeout lifts the ban by itself (bans under 3 years); nft-unban.sh
# lifts it when defender-scan does (its end, `bans del`, the API).
set -eu
ip=${1:?usage: nft-ban.sh IP DURATION}
duration=${2:?usage: nft-ban.sh IP DURATION}
case "$duration" in ''|*[!0-9]*) echo "nft-ban.sh: bad duration: $duration" >&2; exit 2 ;; esac
case "$ip" in
  *:*) set=ban6; case "$ip" in *[!0-9a-fA-F:/]*) echo "nft-ban.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
  *)   set=ban4; case "$ip" in *[!0-9./]*) echo "nft-ban.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
esac
# nft takes timeouts up to 99999999 s (about 3 years): a longer ban gets
# none and ends with its unban, as defender-scan runs nft-unban.sh when it
# ends.
element="$ip timeout ${duration}s"
if [ ${#duration} -gt 8 ]; then element="$ip"; fi
# Banned again while still banned: the old element goes, the new timeout
# counts (adding an element that exists keeps its old timeout). Not `nft get`
# first: it fails at random while other nft commands run.
nft delete element inet defender "$set" "{ $ip }" 2>/dev/null || true
nft add element inet defender "$set" "{ $element }"
