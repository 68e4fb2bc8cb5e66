#!/bin/sh
# The --on-unban companion of ban-ip.sh: unban-ip.sh IP
set -eu
ip=${1:?usage: unban-ip.sh IP}
case "$ip" in
  *:*) cmd=ip6tables; case "$ip" in *[!0-9a-fA-F:/]*) echo "unban-ip.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
  *)   cmd=iptables;  case "$ip" in *[!0-9./]*) echo "unban-ip.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
esac
# Remove every defender-scan rule for this source, whatever its reason.
"$cmd" -S INPUT | grep -- "-s $ip" | grep -- "defender-scan:" | sed 's/^-A /-D /' | while read -r rule; do
  # shellcheck disable=SC2086 # the rule is iptables' own output, split on purpose
  "$cmd" $rule
done
