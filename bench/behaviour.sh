#!/usr/bin/env bash
# What the rules catch of the clients no rule names (issue 22's workloads,
# loggen --behaviour): a slow brute force against a page answering 200, a
# scraper rotating user agents, referer spam from rotating addresses, one
# exploit request repeated hundreds of times; and whether heavy benign users
# are flagged. Per kind: clients, clients with any alert, clients banned.
# The baseline a behaviour model is measured against.
#   bench/behaviour.sh [LINES]     (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build --target defender-scan loggen > /dev/null
lines=${1:-1000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
./build/bench/loggen --lines "$lines" --seed 22 --benign-only --behaviour --truth "$tmp/truth.tsv" > "$tmp/access.log"
./build/cli/defender-scan --format defender "$tmp/access.log" > "$tmp/decisions.jsonl"
echo "== the rules alone on behaviour-only clients in ${lines} benign lines (issue 22's baseline)"
python3 - "$tmp/truth.tsv" "$tmp/decisions.jsonl" <<'PY'
import ipaddress, json, sys
truth = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
alerted, banned = {}, set()
for line in open(sys.argv[2]):
    d = json.loads(line)
    ip = d.get("source", {}).get("ip")
    if not ip:
        continue
    alerted.setdefault(ip, set()).add(d["rule"]["name"])
    if d["event"]["action"] == "ban":
        banned.add(ip)
def hits(client, pool):
    net = ipaddress.ip_network(client, strict=False)
    return {ip for ip in pool if ipaddress.ip_address(ip) in net}
kinds = {}
for client, kind, _ in truth:
    k = kinds.setdefault(kind, [0, 0, 0, set()])
    k[0] += 1
    a = hits(client, alerted)
    if a:
        k[1] += 1
        for ip in a:
            k[3] |= alerted[ip]
    if hits(client, banned):
        k[2] += 1
for kind, (n, a, b, rules) in sorted(kinds.items()):
    note = f" ({', '.join(sorted(rules))})" if rules else ""
    print(f"{kind}: {n} clients, alerted {a}, banned {b}{note}")
PY
