#!/bin/sh
# The --on-unban companion of ban-ip.sh: unban-ip.sh IP
# Removes the rules ban-ip.sh inserted for exactly this source (an address or
# a prefix as defender-scan gives it), whatever their reason; other rules,
# and rules for other addresses that merely start the same, stay.
set -eu
ip=${1:?usage: unban-ip.sh IP}
case "$ip" in
  *:*) cmd=ip6tables; host=128; case "$ip" in *[!0-9a-fA-F:/]*) echo "unban-ip.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
  *)   cmd=iptables;  host=32;  case "$ip" in *[!0-9./]*) echo "unban-ip.sh: bad address: $ip" >&2; exit 2 ;; esac ;;
esac
# iptables -S prints the source with its prefix length (203.0.113.5/32) and
# the comment quoted ("defender-scan:reason"): compare whole fields.
case "$ip" in */*) src=$ip ;; *) src=$ip/$host ;; esac
rules=$("$cmd" -S INPUT)  # a failure ends the script (set -e): retried, never "nothing to lift"
comments=$(printf '%s\n' "$rules" | awk -v src="$src" '
  $1 == "-A" {
    s = ""; c = ""
    for (i = 3; i < NF; i++) { if ($i == "-s") s = $(i + 1); if ($i == "--comment") c = $(i + 1) }
    gsub(/"/, "", c)
    if (s == src && c ~ /^defender-scan:[A-Za-z0-9_.-]*$/) print c
  }')
for comment in $comments; do
  "$cmd" -D INPUT -s "$ip" -j DROP -m comment --comment "$comment"
done
