#!/usr/bin/env bash
# --progress: a progress line on stderr while files are read, redrawn in
# place and erased at the end; on by default only when stderr is a terminal
# (run under `script`, a real pseudo-terminal) and the JSON lines do not go
# to it too; never in the JSON output, never for a live input.
source "$(dirname "$0")/lib/common.sh"

"$LOGGEN" --lines 400000 > "$TMP/access.log"
gzip -k "$TMP/access.log"
"$DEFENDER_SCAN" --format defender "$TMP/access.log" > "$TMP/plain.json" 2> /dev/null

"$DEFENDER_SCAN" --progress --format defender "$TMP/access.log.gz" > "$TMP/progress.json" 2> "$TMP/err"
expect_eq "the JSON output is the same with --progress" "$(md5sum < "$TMP/progress.json")" "$(md5sum < "$TMP/plain.json")"
err=$(cat -v "$TMP/err")
expect_contains "a progress line, drawn in place" "$err" '^M^[[Kdefender-scan: '
expect_contains "of the compressed file's size, with lines/s and bans" "$err" "% of $(awk -v s="$(stat -c %s "$TMP/access.log.gz")" 'BEGIN { printf "%.1f", s / 1e6 }') MB, "
expect_contains "lines/s" "$err" " lines/s, "
expect_eq "erased at the end" "${err: -6}" '^M^[[K'

"$DEFENDER_SCAN" --format defender "$TMP/access.log" > /dev/null 2> "$TMP/err"
expect_eq "not by default when stderr is not a terminal" "$(cat "$TMP/err")" ""
script -qec "$DEFENDER_SCAN --format defender --json /dev/null $TMP/access.log" /dev/null > "$TMP/tty" 2>&1 || true
expect_contains "by default on a terminal" "$(cat -v "$TMP/tty")" "lines/s"
script -qec "$DEFENDER_SCAN --no-progress --format defender --json /dev/null $TMP/access.log" /dev/null > "$TMP/tty" 2>&1 || true
expect_eq "--no-progress on a terminal" "$(cat "$TMP/tty")" ""
script -qec "$DEFENDER_SCAN --format defender $TMP/access.log" /dev/null > "$TMP/tty" 2>&1 || true
expect_not_contains "not by default when the JSON lines go to the same terminal" "$(cat -v "$TMP/tty")" "lines/s"
head -1000 "$TMP/access.log" | "$DEFENDER_SCAN" --progress --format defender > /dev/null 2> "$TMP/err"
expect_eq "never for a live input" "$(cat "$TMP/err")" ""
finish
