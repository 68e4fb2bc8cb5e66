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

# --follow --state: the state is not held while following (`bans list`
# gets in at once), and a restart reads the lines written while nothing
# ran, from the checkpoint, as fail2ban users expect.
probe() { local f; for f in .env .git/config backup.sql id_rsa .htpasswd; do line "$1" "$f"; done; }
log="$TMP/state-follow.log"
line 10 first > "$log"
"$DEFENDER_SCAN" --follow --state "$TMP/follow.db" --format combined "$log" > "$TMP/run1.jsonl" 2>&1 &
scan=$!
wait_until 60 has_open "$scan" "$log" || fail "defender-scan never opened $log"
probe 11 >> "$log"
wait_until 10 grep -q '198.51.100.11' "$TMP/run1.jsonl" || fail "the first run did not ban"
start=$(date +%s%N)
"$DEFENDER_SCAN" bans list --state "$TMP/follow.db" > "$TMP/list" && ok || fail "bans list while --follow runs"
took=$(( ($(date +%s%N) - start) / 1000000 ))
(( took < 2000 )) && ok || fail "bans list waited ${took} ms for the follower's lock"
expect_contains "bans list sees the follower's ban" "$(cat "$TMP/list")" "198.51.100.11"
kill -TERM "$scan"; wait "$scan" || true
probe 12 >> "$log"    # written while nothing runs
"$DEFENDER_SCAN" --follow --state "$TMP/follow.db" --format combined "$log" > "$TMP/run2.jsonl" 2>&1 &
scan=$!
wait_until 10 grep -q '198.51.100.12' "$TMP/run2.jsonl" && ok || fail "a restart did not read the lines written while it was down"
expect_not_contains "nor read again what the first run read" "$(cat "$TMP/run2.jsonl")" '"ip":"198.51.100.11"'
kill -TERM "$scan"; wait "$scan" || true
# Past --max-catch-up, the oldest of what was written while down is skipped.
probe 13 >> "$log"
for i in $(seq 1 200); do line 14 "filler-$i-$(head -c 200 /dev/zero | tr '\0' x)"; done >> "$log"
"$DEFENDER_SCAN" --follow --state "$TMP/follow.db" --format combined --max-catch-up 0 --explain "$log" \
  > "$TMP/run3.jsonl" 2>&1 &
scan=$!
sleep 1
line 15 after >> "$log"
wait_until 10 grep -q '198.51.100.15' "$TMP/run3.jsonl" || fail "the third run reads new lines"
kill -TERM "$scan"; wait "$scan" || true
expect_not_contains "--max-catch-up 0: nothing of the gap is read" "$(cat "$TMP/run3.jsonl")" '198.51.100.13'

# A file that does not exist yet: said once, then read from when it appears.
log="$TMP/later.log"
"$DEFENDER_SCAN" --follow --format combined "$log" > "$TMP/later.jsonl" 2> "$TMP/later.err" &
scan=$!
wait_until 10 grep -q "does not exist yet" "$TMP/later.err" && ok || fail "a missing --follow file is not said"
probe 16 > "$log"
wait_until 10 grep -q '198.51.100.16' "$TMP/later.jsonl" && ok || fail "the file that appeared later is not read"
kill -TERM "$scan"; wait "$scan" || true

# --stats of a run stopped while following counts what it read: bytes, and
# the lines skipped as too long.
log="$TMP/stats.log"
: > "$log"
"$DEFENDER_SCAN" --follow --stats --max-line 256 --format combined "$log" > /dev/null 2> "$TMP/stats.err" &
scan=$!
wait_until 10 has_open "$scan" "$log" || fail "the followed file is not opened"
{ line 20 a; line 21 "$(head -c 400 /dev/zero | tr '\0' x)"; line 22 b; } >> "$log"
sleep 1
kill -TERM "$scan"; wait "$scan" || true
expect_contains "stopped: bytes read" "$(cat "$TMP/stats.err")" "lines 3, bytes $(stat -c %s "$log"),"
expect_contains "stopped: the too long line" "$(cat "$TMP/stats.err")" "rejected too_long: 1"
finish
