#!/usr/bin/env bash
# --follow is tail -F: starts at the end, survives rename rotation (draining
# the old file) and copytruncate.
source "$(dirname "$0")/lib/common.sh"

line() { echo "198.51.100.$1 - - [31/Mar/2024:01:00:00 +0000] \"GET /$2 HTTP/1.1\" 200 5 \"-\" \"x\""; }
log="$TMP/access.log"
line 1 old > "$log"
"$DEFENDER_SCAN" --follow --format combined --explain "$log" > "$TMP/out" &
scan=$!
wait_until 60 has_open "$scan" "$log" || fail "defender-scan never opened $log"
line 2 a >> "$log"
sleep 0.5
mv "$log" "$log.1"
line 3 late-to-old >> "$log.1"
line 4 b > "$log"
sleep 0.5
line 5 c >> "$log"
sleep 0.5
: > "$log"           # copytruncate
sleep 0.3
line 6 d >> "$log"
sleep 0.7
kill "$scan"
wait "$scan" 2>/dev/null || true
paths=$(grep -o '"path":"[^"]*"' "$TMP/out" | tr '\n' ' ')
expect_eq "followed lines" "$paths" '"path":"/a" "path":"/late-to-old" "path":"/b" "path":"/c" "path":"/d" '
finish
