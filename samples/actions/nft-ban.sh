#!/bin/sh
# nftables variant with element timeouts, so no unban action is needed:
#   nft add table inet defender
#   nft add set inet defender ban4 '{ type ipv4_addr; flags interval, timeout; }'
#   nft add set inet defender ban6 '{ type ipv6_addr; flags interval, timeout; }'
#   nft add chain inet defender input '{ type filter hook input priority -10; }'
#   nft add rule inet defender input ip saddr @ban4 drop
#   nft add rule inet defender input ip6 saddr @ban6 drop
#   defender-scan --on-ban '/etc/defender-scan/actions/nft-ban.sh {ip} {duration}'
set -eu
ip=${1:?usage: nft-ban.sh IP DURATION}
duration=${2:?usage: nft-ban.sh IP DURATION}
case "$duration" in ''|*[!0-9]*) echo "nft-ban.sh: bad duration: $duration" >&2; exit 2 ;; esac
case "$ip" in
  *:*) set=ban6; case "$ip" in *[!0-9a-fA-F:/]*) echo "nft-ban.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
  *)   set=ban4; case "$ip" in *[!0-9./]*) echo "nft-ban.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
esac
nft add element inet defender "$set" "{ $ip timeout ${duration}s }"
