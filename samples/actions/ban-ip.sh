#!/bin/sh
# fail2ban-style action for iptables/ip6tables: ban-ip.sh IP DURATION REASON
#   defender-scan --on-ban '/etc/defender-scan/actions/ban-ip.sh {ip} {duration} {reason}' \
#                 --on-unban '/etc/defender-scan/actions/unban-ip.sh {ip}'
# defender-scan passes typed, validated values and runs this without a shell,
# but the script checks its arguments anyway before they reach iptables.
set -eu
ip=${1:?usage: ban-ip.sh IP DURATION REASON}
duration=${2:?usage: ban-ip.sh IP DURATION REASON}
reason=${3:-defender-scan}

case "$duration" in ''|*[!0-9]*) echo "ban-ip.sh: bad duration: $duration" >&2; exit 2 ;; esac
case "$reason" in *[!A-Za-z0-9_.-]*) echo "ban-ip.sh: bad reason: $reason" >&2; exit 2 ;; esac
case "$ip" in
  *:*) cmd=ip6tables; case "$ip" in *[!0-9a-fA-F:/]*) echo "ban-ip.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
  *)   cmd=iptables;  case "$ip" in *[!0-9./]*) echo "ban-ip.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
esac

# Idempotent: insert only if the rule is not there yet. iptables has no
# timeouts; the matching --on-unban (unban-ip.sh) removes the rule.
if ! "$cmd" -C INPUT -s "$ip" -j DROP -m comment --comment "defender-scan:$reason" 2>/dev/null; then
  "$cmd" -I INPUT -s "$ip" -j DROP -m comment --comment "defender-scan:$reason"
fi
