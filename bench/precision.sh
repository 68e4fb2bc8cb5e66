#!/usr/bin/env bash
# Detection quality against loggen's ground truth: precision and recall of
# the bans on a 1M-line workload with every attack kind mixed into benign
# traffic (browsers, SPAs, crawlers, NAT addresses carrying hundreds of
# users), and false alerts per million lines of benign traffic alone.
#   bench/precision.sh [LINES]     (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -x build/cli/defender-scan || ! -x build/bench/loggen ]]; then
  bash scripts/setup.sh
  cmake -S . -B build -G Ninja >/dev/null
  cmake --build build -j "$(nproc)" --target defender-scan loggen >/dev/null
fi
lines=${1:-1000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
scan=./build/cli/defender-scan

echo "== detection quality on ${lines} lines with every attack kind and 4 NAT addresses (issue 16)"
./build/bench/loggen --lines "$lines" --seed 12 --truth "$tmp/truth.tsv" > "$tmp/attack.log"
"$scan" "$tmp/attack.log" > "$tmp/attack.jsonl"
python3 tests/e2e/lib/evaluate.py "$tmp/truth.tsv" "$tmp/attack.jsonl" | tail -n 20 || true
echo "attack kinds: $(cut -f2 "$tmp/truth.tsv" | sort -u | wc -l), attackers: $(wc -l < "$tmp/truth.tsv")"

./build/bench/loggen --lines "$lines" --seed 11 --benign-only > "$tmp/benign.log"
"$scan" "$tmp/benign.log" > "$tmp/benign.jsonl"
alerts=$(grep -c '"action":"\(ban\|detect\)"' "$tmp/benign.jsonl" || true)
bans=$(grep -c '"action":"ban"' "$tmp/benign.jsonl" || true)
echo "benign only: ${alerts} alerts, ${bans} bans in ${lines} lines" \
     "($(echo "scale=2; $alerts * 1000000 / $lines" | bc) false alerts per million lines)"
