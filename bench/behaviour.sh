#!/usr/bin/env bash
# What the rules and the behaviour model (behaviour-anomaly) catch of the
# clients no rule names (issue 22's workloads, loggen --behaviour): a slow
# brute force against a page answering 200, a scraper rotating user agents,
# referer spam from rotating addresses, one exploit request repeated
# hundreds of times; and whether heavy benign users are flagged. Per kind:
# clients, clients alerted by the rules, by the model alone, by either.
# Then the model's curve (thresholds), its false alerts per million benign
# lines, and what it costs the pipeline.
#   bench/behaviour.sh [LINES]     (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build --target defender-scan loggen wall > /dev/null
lines=${1:-1000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
./build/bench/loggen --lines "$lines" --seed 22 --benign-only --behaviour --truth "$tmp/truth.tsv" > "$tmp/access.log"
./build/bench/loggen --lines "$lines" --seed 23 --benign-only > "$tmp/benign.log"
for t in 5 6 7 8 9 10 12 15; do
  ./build/cli/defender-scan --format defender --anomaly-threshold "$t" "$tmp/access.log" > "$tmp/decisions-$t.jsonl"
  ./build/cli/defender-scan --format defender --anomaly-threshold "$t" "$tmp/benign.log" > "$tmp/benign-$t.jsonl"
done
cp "$tmp/decisions-9.jsonl" "$tmp/decisions.jsonl"
echo "== the rules and behaviour-anomaly (default threshold 9) on behaviour-only clients in ${lines} benign lines (issue 22)"
python3 - "$tmp/truth.tsv" "$tmp/decisions.jsonl" <<'PY'
import ipaddress, json, sys
truth = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
alerted, anomalous = {}, set()
for line in open(sys.argv[2]):
    d = json.loads(line)
    ip = d.get("source", {}).get("ip")
    if not ip:
        continue
    if d["rule"]["name"] == "behaviour-anomaly":
        anomalous.add(ip)
    else:
        alerted.setdefault(ip, set()).add(d["rule"]["name"])
def hits(client, pool):
    net = ipaddress.ip_network(client, strict=False)
    return {ip for ip in pool if ipaddress.ip_address(ip) in net}
kinds = {}
for client, kind, _ in truth:
    k = kinds.setdefault(kind, [0, 0, 0, 0, set()])
    k[0] += 1
    a = hits(client, alerted)
    m = hits(client, anomalous)
    k[1] += bool(a)
    k[2] += bool(m)
    k[3] += bool(a or m)
    for ip in a:
        k[4] |= alerted[ip]
for kind, (n, a, m, either, rules) in sorted(kinds.items()):
    note = f" ({', '.join(sorted(rules))})" if rules else ""
    print(f"{kind}: {n} clients; rules {a}{note}, behaviour-anomaly {m}, either {either}")
PY
echo "== behaviour-anomaly by threshold: clients of the kinds the rules miss found (recall), its alerts that are attackers (precision), false alerts per million benign lines"
python3 - "$tmp" "$lines" <<'PY'
import ipaddress, json, sys
tmp, lines = sys.argv[1], int(sys.argv[2])
truth = [l.rstrip("\n").split("\t") for l in open(f"{tmp}/truth.tsv")]
nets = [(ipaddress.ip_network(c, strict=False), k) for c, k, _ in truth]
missed = {"behaviour:slow-bf-200", "behaviour:referer-spam"}  # what the rules alone catch none of
def kind(ip):
    a = ipaddress.ip_address(ip)
    return next((k for n, k in nets if a in n), "benign")
for t in (5, 6, 7, 8, 9, 10, 12, 15):
    found, alerts, good = set(), 0, 0
    for line in open(f"{tmp}/decisions-{t}.jsonl"):
        d = json.loads(line)
        if d["rule"]["name"] != "behaviour-anomaly":
            continue
        k = kind(d["source"]["ip"])
        alerts += 1
        good += k.startswith("behaviour:")
        if k in missed:
            found.add(next(str(n) for n, kk in nets if ipaddress.ip_address(d["source"]["ip"]) in n))
    total = sum(1 for _, k, _ in truth if k in missed)
    benign = sum(1 for line in open(f"{tmp}/benign-{t}.jsonl") if '"behaviour-anomaly"' in line)
    print(f"threshold {t:>2}: recall {len(found)}/{total} = {len(found) / total:.2f}, precision {good}/{alerts} = "
          f"{good / max(alerts, 1):.2f}, false alerts on {lines} benign lines: {benign} ({benign * 1e6 / lines:.1f} per million)")
PY
echo "== the same with a model learned the day before (--state after a benign day, as cron or a service runs it): behaviour-anomaly's clients per kind, and its false alerts"
./build/bench/loggen --lines "$lines" --seed 24 --benign-only --start $((1711843200 - 86400)) > "$tmp/day-before.log"
./build/cli/defender-scan --format defender --state "$tmp/learned.db" "$tmp/day-before.log" > /dev/null
cp "$tmp/learned.db" "$tmp/learned-benign.db"
./build/cli/defender-scan --format defender --state "$tmp/learned.db" "$tmp/access.log" > "$tmp/warm.jsonl"
./build/cli/defender-scan --format defender --state "$tmp/learned-benign.db" "$tmp/benign.log" > "$tmp/warm-benign.jsonl"
python3 - "$tmp/truth.tsv" "$tmp/warm.jsonl" "$tmp/warm-benign.jsonl" "$lines" <<'PY'
import ipaddress, json, sys
truth = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
flagged = set()
for line in open(sys.argv[2]):
    d = json.loads(line)
    if d["rule"]["name"] == "behaviour-anomaly":
        flagged.add(ipaddress.ip_address(d["source"]["ip"]))
kinds = {}
for client, kind, _ in truth:
    net = ipaddress.ip_network(client, strict=False)
    k = kinds.setdefault(kind, [0, 0])
    k[0] += 1
    k[1] += any(a in net for a in flagged)
for kind, (n, f) in sorted(kinds.items()):
    print(f"{kind}: {n} clients, behaviour-anomaly {f}")
benign = sum(1 for line in open(sys.argv[3]) if '"behaviour-anomaly"' in line)
print(f"false alerts on {sys.argv[4]} benign lines: {benign}")
PY
echo "== what the model costs: the 1M-line benchmark log with behaviour-anomaly on vs off (medians of 11 paired runs: wall, and the CPU time of the detecting thread, which carries the model, and of both threads, from --stats)"
log=bench/data/access-1000000.log
if [[ -f "$log" ]]; then
  printf 'scenarios:\n  behaviour-anomaly:\n    enabled: false\n' > "$tmp/off.yaml"
  # "detecting-thread both-threads" CPU seconds from a --stats report.
  cpu() { "$@" --stats 2>&1 >/dev/null | sed -n 's/.*CPU time: detecting thread \([0-9.]*\) s.*reading and parsing thread \([0-9.]*\) s.*/\1 \2/p' | awk '{print $1, $1 + $2}'; }
  for i in $(seq 11); do
    on=$(./build/bench/wall ./build/cli/defender-scan --format defender "$log")
    off=$(./build/bench/wall ./build/cli/defender-scan --format defender --config "$tmp/off.yaml" "$log")
    on_cpu=$(cpu ./build/cli/defender-scan --format defender "$log")
    off_cpu=$(cpu ./build/cli/defender-scan --format defender --config "$tmp/off.yaml" "$log")
    echo "$on $off $on_cpu $off_cpu"
  done > "$tmp/cost"
  mid() { sort -n | sed -n 6p; }
  echo "wall: on $(cut -d' ' -f1 "$tmp/cost" | mid) s, off $(cut -d' ' -f2 "$tmp/cost" | mid) s, ratio $(awk '{print $1 / $2}' "$tmp/cost" | mid) (target <= 1.10)"
  echo "CPU of the detecting thread: on $(cut -d' ' -f3 "$tmp/cost" | mid) s, off $(cut -d' ' -f5 "$tmp/cost" | mid) s, ratio $(awk '{print $3 / $5}' "$tmp/cost" | mid)"
  echo "CPU of both threads: on $(cut -d' ' -f4 "$tmp/cost" | mid) s, off $(cut -d' ' -f6 "$tmp/cost" | mid) s, ratio $(awk '{print $4 / $6}' "$tmp/cost" | mid)"
fi
