#!/usr/bin/env bash
# The command line: help, version, exit statuses, and the man page covering
# every option.
source "$(dirname "$0")/lib/common.sh"

help=$("$DEFENDER_SCAN" --help)
expect_contains "help has the input options" "$help" "--format"
version=$("$DEFENDER_SCAN" --version)
expect_eq "version is one line" "$(wc -l <<<"$version")" 1
expect_contains "version names the program" "$version" "defender-scan"

set +e
"$DEFENDER_SCAN" --no-such-flag </dev/null >/dev/null 2>"$TMP/err"; s1=$?
"$DEFENDER_SCAN" --format 'not a format' </dev/null >/dev/null 2>"$TMP/err2"; s2=$?
"$DEFENDER_SCAN" /nonexistent/access.log >/dev/null 2>"$TMP/err3"; s3=$?
"$DEFENDER_SCAN" "$SOURCE_DIR/samples/access.log" >/dev/null 2>&1; s4=$?
set -e
expect_eq "unknown flag exits 2" "$s1" 2
expect_eq "bad format exits 2" "$s2" 2
expect_contains "bad format explained" "$(cat "$TMP/err2")" "defender-scan: error: unknown format"
expect_eq "unreadable input exits 1" "$s3" 1
expect_contains "unreadable input named" "$(cat "$TMP/err3")" "defender-scan: error: /nonexistent/access.log: No such file"
expect_eq "a good run exits 0" "$s4" 0

# Every long option in --help (main job and subcommands) is in the man page.
man="$SOURCE_DIR/man/defender-scan.1"
all_help="$help"
for sub in $(sed -n 's/^  \([a-z]\+\) .*/\1/p' <<<"$(sed -n '/^SUBCOMMANDS:/,$p' <<<"$help")"); do
  all_help+=$'\n'"$("$DEFENDER_SCAN" "$sub" --help 2>/dev/null || true)"
done
for opt in $(grep -o -- '--[a-z][a-z0-9-]*' <<<"$all_help" | sort -u); do
  if grep -q -- "${opt//-/\\\\-}" "$man" || grep -q -- "$opt" "$man"; then ok; else fail "man page lacks $opt"; fi
done
# A typo in --format is an error that names it; a variable of the user's own is a warning.
set +e
err=$("$DEFENDER_SCAN" --format '$remote_addr [$time_local] "$reqest" $status' /dev/null 2>&1); status=$?
set -e
expect_eq "--format typo: exit 2" "$status" 2
expect_contains "--format typo: named, with the fix" "$err" 'unknown variable $reqest (did you mean $request?)'
err=$("$DEFENDER_SCAN" --format '$remote_addr [$time_local] "$request" $status $loggable' /dev/null 2>&1)
expect_contains "--format own variable: a warning" "$err" 'warning: --format: $loggable is not an nginx variable'

# --anomaly-threshold takes a number from 1 to 100; "nan" passed the range
# check (no comparison with NaN is true), and every scored window alerted.
for t in nan NaN -nan 0 101 inf; do
  set +e
  err=$("$DEFENDER_SCAN" --anomaly-threshold "$t" /dev/null 2>&1); status=$?
  set -e
  expect_eq "--anomaly-threshold $t: exit 2" "$status" 2
  expect_contains "--anomaly-threshold $t: explained" "$err" "--anomaly-threshold"
done
"$DEFENDER_SCAN" --anomaly-threshold 7.5 /dev/null && ok || fail "--anomaly-threshold 7.5 refused"

# An --on-ban placeholder that does not exist is an error at start, also in a dry run.
set +e
err=$("$DEFENDER_SCAN" --dry-run --on-ban 'echo {ip} {score}' /dev/null 2>&1); status=$?
set -e
expect_eq "--on-ban unknown placeholder: exit 2" "$status" 2
expect_contains "--on-ban unknown placeholder: named, with the known ones" "$err" \
  '--on-ban: unknown placeholder {score} (known: {ip}, {duration}, {reason}, {scenario}, {until})'
out=$("$DEFENDER_SCAN" --on-ban 'logger -t defender "{ip} for {duration}s: {reason} ({scenario}) until {until} {1,2}"' \
  /dev/null 2>&1) && ok || fail "--on-ban with every known placeholder and a brace that is none: refused: $out"

# A log in a format that is not the one given: most lines rejected, and a hint.
for i in $(seq 20); do echo "Mar 31 01:00:$i host sshd[1]: Failed password for root from 203.0.113.9 port 22"; done > "$TMP/other.log"
err=$("$DEFENDER_SCAN" "$TMP/other.log" 2>&1 >/dev/null)
expect_contains "another format: a hint" "$err" "20 of 20 lines were not recognised as --format auto"
err=$("$DEFENDER_SCAN" "$SOURCE_DIR/samples/access.log" 2>&1 >/dev/null)
expect_not_contains "the sample: no hint" "$err" "not recognised"

# bans list/del with a state path that does not exist: an error, no new empty database.
set +e
err=$("$DEFENDER_SCAN" bans list --state "$TMP/typo.db" 2>&1); status=$?
set -e
expect_eq "bans list on a missing state: exit 1" "$status" 1
expect_contains "bans list on a missing state: says so" "$err" "no state database at $TMP/typo.db"
expect_eq "bans list on a missing state: creates nothing" "$(ls "$TMP" | grep -c typo || true)" 0

# A mistyped option gets the fix.
set +e
err=$("$DEFENDER_SCAN" --folow "$TMP/x.log" 2>&1); status=$?
set -e
expect_eq "mistyped option: exit 2" "$status" 2
expect_contains "mistyped option: the fix" "$err" "(--folow: did you mean --follow?)"

# --nginx-conf in a directory that does not exist: the directory is named.
set +e
err=$("$DEFENDER_SCAN" --nginx-conf "$TMP/missing/dir/blocks.conf" /dev/null 2>&1); status=$?
set -e
expect_eq "--nginx-conf in a missing directory: exit 2" "$status" 2
expect_contains "  names the directory" "$err" "$TMP/missing/dir: cannot write $TMP/missing/dir/blocks.conf in it: No such file or directory"

# rules -c shows what the configuration sets: custom rules' patterns and every other setting.
printf 'allowlist: [192.0.2.0/24]\nbans: {max: 2d}\ncustom_rules:\n  - name: old-api\n    field: path\n    regex: "^/api/v0/"\n    status: [404, 410]\n' > "$TMP/rules.yaml"
out=$("$DEFENDER_SCAN" rules -c "$TMP/rules.yaml")
expect_contains "rules -c: a custom rule's pattern" "$out" "old-api                            path regex '^/api/v0/', status 404 410"
expect_contains "rules -c: the allowlist" "$out" "allowlist              192.0.2.0/24"
expect_contains "rules -c: the ban limit" "$out" "bans.max               2d"

# A reader that stops early (| head) ends the listing quietly, with no crash.
set +o pipefail
"$DEFENDER_SCAN" rules 2> "$TMP/rules.err" | head -n 1 > /dev/null
status=${PIPESTATUS[0]}
set -o pipefail
expect_eq "rules | head: exit 0" "$status" 0
expect_eq "rules | head: nothing on stderr" "$(cat "$TMP/rules.err")" ""

# --stats says which thread carries a replay: the input is read and parsed
# on a thread of its own, ahead of the detecting one.
: "${LOGGEN:?set by ctest}"
"$LOGGEN" --lines 50000 --seed 3 > "$TMP/cpu.log"
stats=$("$DEFENDER_SCAN" --stats "$TMP/cpu.log" 2>&1 >/dev/null)
cpu_line=$(grep "stats: CPU time:" <<<"$stats")
expect_contains "--stats: a file's run has both threads' CPU time" "$cpu_line" "reading and parsing thread"
detecting=$(sed -n 's/.*detecting thread \([0-9.]*\) s.*/\1/p' <<<"$cpu_line")
reading=$(sed -n 's/.*reading and parsing thread \([0-9.]*\) s.*/\1/p' <<<"$cpu_line")
if awk -v d="$detecting" -v r="$reading" 'BEGIN { exit !(d > 0 && r > 0) }'; then ok; else fail "CPU times not both positive: $cpu_line"; fi

warnings=$(LC_ALL=C.UTF-8 groff -man -ww -Tutf8 -z "$man" 2>&1)
expect_eq "groff -man -ww is clean" "$warnings" ""

finish
