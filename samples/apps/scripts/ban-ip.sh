#!/bin/sh
# ban-ip.sh IP [SECONDS] [REASON]: bans IP through defender-scan serve (every
# sink: nginx include, actions, state) and drops it in the firewall at once.
#   DEFENDER_URL    (default http://127.0.0.1:8080)
#   DEFENDER_TOKEN  the API token, if serve has --api-token-file
#   IPTABLES        the firewall command (default iptables; ip6tables for IPv6)
# Needs curl and jq.
set -eu
ip=${1:?usage: ban-ip.sh IP [SECONDS] [REASON]}
seconds=${2:-3600}
reason=${3:-manual}
url=${DEFENDER_URL:-http://127.0.0.1:8080}

# Only a plain address, a number and a plain name go any further.
case $ip in
  *[!0-9a-fA-F.:]*|"") echo "ban-ip.sh: '$ip' is not an IP address" >&2; exit 2 ;;
esac
case $seconds in *[!0-9]*|"") echo "ban-ip.sh: '$seconds' is not a number of seconds" >&2; exit 2 ;; esac
case $reason in *[!A-Za-z0-9_.-]*|"") echo "ban-ip.sh: the reason must be a plain name" >&2; exit 2 ;; esac

# defender-scan checks the address strictly and answers 400 if it is not one.
answer=$(curl -sS --fail-with-body -X POST "$url/api/block" \
  ${DEFENDER_TOKEN:+-H "Authorization: Bearer $DEFENDER_TOKEN"} \
  -H 'Content-Type: application/json' \
  -d "{\"ip\":\"$ip\",\"duration\":$seconds,\"reason\":\"$reason\"}") || {
  echo "ban-ip.sh: defender-scan refused: $answer" >&2
  exit 1
}
echo "$answer"

# What was banned: the address, or for IPv6 its /64 (as defender-scan counts).
target=$(printf '%s' "$answer" | jq -r '.ip')
case $target in
  *[!0-9a-fA-F.:/]*|"") echo "ban-ip.sh: unexpected answer: $answer" >&2; exit 1 ;;
esac
case $target in
  *:*) firewall=${IPTABLES:-ip6tables} ;;
  *) firewall=${IPTABLES:-iptables} ;;
esac
$firewall -C INPUT -s "$target" -j DROP 2>/dev/null || $firewall -I INPUT -s "$target" -j DROP
