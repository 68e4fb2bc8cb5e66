#!/bin/sh
# process-logs.sh [ACCESS_LOG]: sends each new line of the log to
# defender-scan serve's /api/analyze and prints the bans it decides.
# (serve can read the log itself with --follow; this is for logs that only
# reach you as a stream, e.g. from another machine.)
#   DEFENDER_URL, DEFENDER_TOKEN as for ban-ip.sh. Needs curl and jq.
set -eu
log=${1:-/var/log/nginx/access.log}
url=${DEFENDER_URL:-http://127.0.0.1:8080}

tail -F -n 0 "$log" 2>/dev/null | while IFS= read -r line; do
  # jq encodes the line as JSON: quotes and backslashes in it stay data.
  jq -cn --arg line "$line" '{log_entry: $line}' |
    curl -sS -X POST "$url/api/analyze" ${DEFENDER_TOKEN:+-H "Authorization: Bearer $DEFENDER_TOKEN"} \
      -H 'Content-Type: application/json' --data-binary @- |
    jq -c 'select(.blocked == true) | {ip, score, decisions}' || true
done
