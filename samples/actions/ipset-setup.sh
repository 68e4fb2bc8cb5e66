#!/bin/sh
# Creates, once, the ipsets that ipset-ban.sh fills and the iptables rules
# that drop their members: run it at boot or before defender-scan starts
# (ExecStartPre=). Idempotent.
#   defender-scan --on-ban '/etc/defender-scan/actions/ipset-ban.sh {ip} {duration}' \
#                 --on-unban '/etc/defender-scan/actions/ipset-unban.sh {ip}'
set -eu
ipset create defender4 hash:net timeout 0 -exist
ipset create defender6 hash:net family inet6 timeout 0 -exist
iptables  -C INPUT -m set --match-set defender4 src -j DROP 2>/dev/null ||
  iptables  -I INPUT -m set --match-set defender4 src -j DROP
ip6tables -C INPUT -m set --match-set defender6 src -j DROP 2>/dev/null ||
  ip6tables -I INPUT -m set --match-set defender6 src -j DROP
