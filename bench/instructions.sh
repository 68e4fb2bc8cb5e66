#!/usr/bin/env bash
# Instructions a line of the memchr C loop, the log_format scanner and the
# whole default chain (bench_parse's three loops), counted by callgrind on
# the first LINES lines (default 200 000) of the 1M-line benchmark log. The
# machine's noise does not move these counts, so they tell small changes
# apart where wall-clock medians cannot; they do not see cache misses, so
# bench/run.sh's timed ratios stay the figures that count.
#   bench/instructions.sh [LINES]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j "$(nproc)" --target loggen bench_parse >/dev/null
lines=${1:-200000}
data=bench/data
mkdir -p "$data"
log="$data/access-1000000.log"
[[ -f "$log" ]] || ./build/bench/loggen --lines 1000000 --truth "$data/truth-1000000.tsv" > "$log"
sample=$(mktemp)
out=$(mktemp)
trap 'rm -f "$sample" "$out"' EXIT
head -n "$lines" "$log" > "$sample"
# One run: bench_parse calls the memchr loop twice, the others once.
valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no \
  --toggle-collect='*MemchrLoop*' --toggle-collect='*ParserLoop*' --toggle-collect='*ChainLoop*' \
  ./build/bench/bench_parse "$sample" 1 >/dev/null 2>&1
callgrind_annotate --inclusive=yes "$out" | awk -v n="$lines" '
  function count(s) { gsub(",", "", s); return s + 0 }
  /::MemchrLoop\(/ { m = count($1) / (2 * n) }
  /::ParserLoop\(/ { p = count($1) / n }
  /::ChainLoop\(/  { c = count($1) / n }
  END {
    if (!m || !p || !c) { print "instructions.sh: callgrind did not see the three loops" > "/dev/stderr"; exit 1 }
    printf "instructions a line (callgrind, first %d lines):\n", n
    printf "memchr C loop:   %6.0f\n", m
    printf "log_format scan: %6.0f   ratio memchr/parser: %.2f\n", p, m / p
    printf "default chain:   %6.0f   ratio memchr/chain:  %.2f\n", c, m / c
  }'
