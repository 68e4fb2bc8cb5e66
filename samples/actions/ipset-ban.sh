#!/bin/sh
# ipset variant with the set's own timeout, so no unban action is needed:
#   ipset create defender4 hash:net timeout 0 ; ipset create defender6 hash:net family inet6 timeout 0
#   iptables  -I INPUT -m set --match-set defender4 src -j DROP
#   ip6tables -I INPUT -m set --match-set defender6 src -j DROP
#   defender-scan --on-ban '/etc/defender-scan/actions/ipset-ban.sh {ip} {duration}'
set -eu
ip=${1:?usage: ipset-ban.sh IP DURATION}
duration=${2:?usage: ipset-ban.sh IP DURATION}
case "$duration" in ''|*[!0-9]*) echo "ipset-ban.sh: bad duration: $duration" >&2; exit 2 ;; esac
case "$ip" in
  *:*) set=defender6; case "$ip" in *[!0-9a-fA-F:/]*) echo "ipset-ban.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
  *)   set=defender4; case "$ip" in *[!0-9./]*) echo "ipset-ban.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
esac
ipset add "$set" "$ip" timeout "$duration" -exist
