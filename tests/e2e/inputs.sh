#!/usr/bin/env bash
# Files are read oldest first, whatever their compression; stdin streams.
source "$(dirname "$0")/lib/common.sh"

sample="$SOURCE_DIR/samples/access.log"
sed -n '1,500p' "$sample" > "$TMP/a"
sed -n '501,1000p' "$sample" > "$TMP/b"
sed -n '1001,1500p' "$sample" > "$TMP/c"
sed -n '1501,2000p' "$sample" > "$TMP/d"
gzip -c "$TMP/a" > "$TMP/access.log.3.gz"
bzip2 -c "$TMP/b" > "$TMP/access.log.2"
xz -c "$TMP/c" > "$TMP/weird-name.txt"
zstd -q -c "$TMP/d" > "$TMP/access.log.1"
# Only the --explain lines (decisions are interleaved), without line numbers.
explained() { grep '"line_no"' | sed 's/"line_no":[0-9]*,//'; }
want=$(cat "$TMP/a" "$TMP/b" "$TMP/c" "$TMP/d" | "$DEFENDER_SCAN" --explain | explained)
got=$("$DEFENDER_SCAN" --explain "$TMP/access.log.1" "$TMP/weird-name.txt" "$TMP/access.log.3.gz" "$TMP/access.log.2" | explained)
expect_eq "compressed inputs in order give what the plain text gives" "$(md5sum <<<"$got")" "$(md5sum <<<"$want")"
expect_eq "2000 lines" "$(wc -l <<<"$got")" 2000

# Compressed data on a pipe is recognised when it comes, however late.
got=$( (sleep 1; gzip -c "$TMP/a") | "$DEFENDER_SCAN" --explain | explained)
expect_eq "late gzip on a pipe" "$(md5sum <<<"$got")" "$(md5sum <<<"$("$DEFENDER_SCAN" --explain "$TMP/a" | explained)")"

# '-' is stdin, between files.
got=$(cat "$TMP/b" | "$DEFENDER_SCAN" --explain "$TMP/a" - | grep -c '"line_no"')
expect_eq "a file then stdin" "$got" 1000

# A line written to a pipe is processed at once, while the pipe stays open.
mkfifo "$TMP/fifo"
"$DEFENDER_SCAN" --explain < "$TMP/fifo" > "$TMP/stream.out" &
scan=$!
exec 3>"$TMP/fifo"
# A first line once it has started (compiling the signatures takes a moment).
head -n 1 "$sample" >&3
wait_until 60 test -s "$TMP/stream.out" || fail "no output for the first line"
start=$(date +%s%N)
sed -n 2p "$sample" >&3
explained_two() { [[ $(grep -c '"line_no"' "$TMP/stream.out") -ge 2 ]]; }
wait_until 5 explained_two && ok || fail "no output 5 s after a line reached the pipe"
latency_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "stdin streaming: a line out ${latency_ms} ms after it reached the pipe (pipe still open)"
exec 3>&-
wait "$scan"

# A closed stdout ends the run quietly and successfully.
set +e
"$DEFENDER_SCAN" --explain "$sample" "$sample" "$sample" 2>"$TMP/err" | head -n 2 >/dev/null
status=${PIPESTATUS[0]}
set -e
expect_eq "| head exits 0" "$status" 0
expect_eq "| head prints nothing on stderr" "$(cat "$TMP/err")" ""

finish
