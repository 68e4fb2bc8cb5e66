#!/usr/bin/env bash
# Start-up: the built-in signature databases come with the binary; when
# they cannot be used (DEFENDER_SCAN_IGNORE_BUILT_IN stands for a Hyperscan
# other than the one the binary was built with), the databases compiled on
# the first run are cached, read back by the next, and a cache file that is
# corrupt, truncated, foreign or writable by others is rebuilt, never
# trusted. Processes starting together never read half a file. Subcommands
# that need no rules compile none.
source "$(dirname "$0")/lib/common.sh"

log="$TMP/access.log"
for i in $(seq 10 30); do
  echo "203.0.113.9 - - [31/Mar/2024:01:00:$i +0000] \"GET /.env?$i HTTP/1.1\" 404 153 \"-\" \"sqlmap/1.7\""
done > "$log"
want=$("$DEFENDER_SCAN" "$log")
origin() { grep -o 'signature databases: .*' "$TMP/stats" | sed -E "s|$TMP/cache/signatures-[0-9a-f]{16}\.hsdb|CACHE|"; }

"$DEFENDER_SCAN" --stats "$log" > /dev/null 2> "$TMP/stats"
expect_eq "the built-in databases are used" "$(origin)" "signature databases: built in"

export DEFENDER_SCAN_IGNORE_BUILT_IN=1
mkdir "$TMP/cache"
run() { "$DEFENDER_SCAN" --cache-dir "$TMP/cache" --stats "$log" 2> "$TMP/stats"; }
out=$(run)
expect_eq "first run: compiled" "$(origin)" "signature databases: compiled, cached in CACHE"
expect_eq "  same decisions" "$out" "$want"
file=$(ls "$TMP"/cache/signatures-*.hsdb)
out=$(run)
expect_eq "second run: read from the cache" "$(origin)" "signature databases: loaded from CACHE"
expect_eq "  same decisions" "$out" "$want"

size=$(stat -c %s "$file")
for damage in truncate flip foreign empty writable; do
  case $damage in
    truncate) truncate -s $((size / 2)) "$file" ;;
    flip) printf '\xff' | dd of="$file" bs=1 seek=$((size / 3)) conv=notrunc status=none ;;
    foreign) head -c "$size" /dev/urandom > "$file" ;;
    empty) : > "$file" ;;
    writable) chmod 666 "$file" ;;
  esac
  out=$(run) || fail "$damage: exit status $?"
  expect_eq "$damage cache: rebuilt" "$(origin)" "signature databases: compiled, cached in CACHE"
  expect_eq "$damage cache: same decisions" "$out" "$want"
  expect_eq "$damage cache: replaced by a good one" "$(run > /dev/null; origin)" "signature databases: loaded from CACHE"
done

# Eight processes start at once on an empty cache: each reads a whole file
# or none, and all decide the same.
rm -f "$TMP"/cache/*
for i in $(seq 8); do
  "$DEFENDER_SCAN" --cache-dir "$TMP/cache" --stats "$log" > "$TMP/out.$i" 2> "$TMP/stats.$i" &
done
wait
same=0
for i in $(seq 8); do [[ "$(cat "$TMP/out.$i")" == "$want" ]] && same=$((same + 1)); done
expect_eq "concurrent starts: all decide the same" "$same" 8
expect_eq "concurrent starts: one cache file, no temporary left" "$(ls -A "$TMP/cache" | wc -l)" 1
run > /dev/null
expect_eq "concurrent starts: the file they left is whole" "$(origin)" "signature databases: loaded from CACHE"
out=$("$DEFENDER_SCAN" --cache-dir none --stats "$log" 2> "$TMP/stats")
expect_eq "--cache-dir none: compiled, no cache" "$(origin)" "signature databases: compiled (no cache)"
unset DEFENDER_SCAN_IGNORE_BUILT_IN

# Subcommands that need no rules compile none: they take no longer than
# the whole start-up with the built-in databases.
for cmd in "--version" "--help" "bans list --state $TMP/state.db" "rules"; do
  start=$(date +%s%N)
  DEFENDER_SCAN_IGNORE_BUILT_IN=1 $DEFENDER_SCAN --cache-dir none $cmd > /dev/null 2>&1 || true
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if (( ms < 250 )); then ok; else fail "$cmd took $ms ms: it compiled the rules?"; fi
done

finish
