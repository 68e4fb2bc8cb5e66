#!/usr/bin/env bash
# Fleet mode's ban propagation (issue 20): a redis-server and three
# `defender-scan serve --redis` nodes on loopback; 1000 bans made through
# node 1's API, each timed until /api/check refuses it on nodes 2 and 3.
# Prints p50, p99 and max. Usage: bench/fleet_latency.sh [BANS]
set -euo pipefail
cd "$(dirname "$0")/.."
bans=${1:-1000}
scan=./build/cli/defender-scan
cmake --build build --target defender-scan > /dev/null
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
rport=$(port)
redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" --logfile "$tmp/redis.log" &
until redis-cli -p "$rport" ping > /dev/null 2>&1; do sleep 0.05; done
ports=()
for n in 1 2 3; do
  p=$(port)
  ports+=("$p")
  : > "$tmp/access$n.log"
  "$scan" serve --listen "127.0.0.1:$p" --follow --format combined --redis "redis://127.0.0.1:$rport" \
    "$tmp/access$n.log" > /dev/null 2> "$tmp/node$n.err" &
  until curl -sf "http://127.0.0.1:$p/healthz" -o /dev/null; do sleep 0.05; done
done
python3 - "$bans" "${ports[@]}" <<'PY'
import http.client, json, sys, time
bans, ports = int(sys.argv[1]), [int(p) for p in sys.argv[2:]]
conns = [http.client.HTTPConnection("127.0.0.1", p) for p in ports]
def call(c, method, path, body=None):
    c.request(method, path, body=body, headers={"Content-Type": "application/json"})
    r = c.getresponse(); r.read(); return r.status
latencies = []
for i in range(bans):
    ip = f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256 or 1}"
    start = time.perf_counter()
    assert call(conns[0], "POST", "/api/block", json.dumps({"ip": ip, "duration": "1h"})) == 200
    for c in conns[1:]:
        while call(c, "GET", f"/api/check?ip={ip}") != 403:
            if time.perf_counter() - start > 10: sys.exit(f"{ip} never reached a node")
    latencies.append((time.perf_counter() - start) * 1000)
latencies.sort()
q = lambda f: latencies[min(len(latencies) - 1, int(f * len(latencies)))]
print(f"ban propagation over {bans} bans, node 1 -> nodes 2 and 3: p50 {q(0.5):.1f} ms, p99 {q(0.99):.1f} ms, max {latencies[-1]:.1f} ms")
PY
