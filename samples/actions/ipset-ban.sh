#!/bin/sh
# ipset variant with the set's own timeout (the sets are made by ipset-setup.sh):
#   defender-scan --on-ban '/etc/defender-scan/actions/ipset-ban.sh {ip} {duration}' \
#                 --on-unban '/etc/defender-scan/actions/ipset-unban.sh {ip}'
# The timeout lifts the ban by itself (bans under 25 days); ipset-unban.sh
# lifts it when defender-scan does (its end, `bans del`, the API).
set -eu
ip=${1:?usage: ipset-ban.sh IP DURATION}
duration=${2:?usage: ipset-ban.sh IP DURATION}
case "$duration" in ''|*[!0-9]*) echo "ipset-ban.sh: bad duration: $duration" >&2; exit 2 ;; esac
case "$ip" in
  *:*) set=defender6; case "$ip" in *[!0-9a-fA-F:/]*) echo "ipset-ban.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
  *)   set=defender4; case "$ip" in *[!0-9./]*) echo "ipset-ban.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
esac
# ipset takes timeouts up to 2147483 s (under 25 days): a longer ban gets
# none (timeout 0) and ends with its unban, as defender-scan runs
# ipset-unban.sh when it ends.
if [ ${#duration} -gt 7 ] || [ "$duration" -gt 2147483 ]; then duration=0; fi
ipset add "$set" "$ip" timeout "$duration" -exist
