#!/usr/bin/env bash
# Issue 5's throughput figure: wrk on loopback against the same nginx, with
# auth_request going (a) to defender-scan serve and (b) to a server block
# that only returns 204, in a second nginx (one worker), so that each
# answering service is a process of its own as defender-scan is. Both go
# through a keep-alive upstream and the samples' check location. Rounds
# alternate; medians are compared.
#   bench/bench_serve.sh [SECONDS_PER_RUN] [ROUNDS]   (default 5, 3)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
rounds=${2:-3}
scan=${DEFENDER_SCAN:-./build/cli/defender-scan}
command -v wrk >/dev/null || { echo "bench_serve.sh: wrk is not installed (scripts/setup.sh)"; exit 1; }

tmp=$(mktemp -d)
chmod 755 "$tmp"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
api=$(free_port); stub=$(free_port); via_defender=$(free_port); via_stub=$(free_port)
mkdir -p "$tmp/www"
echo "hello" > "$tmp/www/index.html"
chmod -R a+rX "$tmp"
check_location() {  # check_location UPSTREAM: samples/nginx/serve/defender-check.conf for that upstream
  sed "s|proxy_pass http://defender/api/check;|proxy_pass http://$1/api/check;|" samples/nginx/serve/defender-check.conf
}
source tests/e2e/lib/nginx.sh  # write_nginx_conf
write_nginx_conf "$tmp" <<CONF
  access_log off;
  upstream defender { server 127.0.0.1:$api; keepalive 32; }
  upstream stub { server 127.0.0.1:$stub; keepalive 32; }
  server {
    listen 127.0.0.1:$via_defender;
    $(check_location defender)
    location / { auth_request /_defender_check; root $tmp/www; }
  }
  server {
    listen 127.0.0.1:$via_stub;
    $(check_location stub)
    location / { auth_request /_defender_check; root $tmp/www; }
  }
CONF
write_nginx_conf "$tmp/stub" <<CONF
  access_log off;
  server {
    listen 127.0.0.1:$stub;
    location / { return 204; }
  }
CONF
"$scan" serve --listen "127.0.0.1:$api" < /dev/null > /dev/null 2>&1 &
serve=$!
trap 'kill $serve 2>/dev/null; for c in "$tmp" "$tmp/stub"; do nginx -p "$c" -c "$c/nginx.conf" -s stop 2>/dev/null; done; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$api/healthz" -o /dev/null && break; sleep 0.1; done
nginx -p "$tmp/stub" -c "$tmp/stub/nginx.conf"
nginx -p "$tmp" -c "$tmp/nginx.conf"
# Both paths must work before they are timed.
[[ $(curl -s "http://127.0.0.1:$via_defender/") == hello && $(curl -s "http://127.0.0.1:$via_stub/") == hello ]] || {
  echo "bench_serve.sh: nginx does not serve through the checks"; exit 1; }

rate() {  # rate PORT: requests/s from wrk
  wrk -t1 -c32 -d"${secs}s" -H 'X-Forwarded-For: 198.51.100.7' "http://127.0.0.1:$1/" |
    awk '/^Requests\/sec/ {print $2}'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
d=(); s=()
for _ in $(seq 1 "$rounds"); do
  s+=("$(rate "$via_stub")")
  d+=("$(rate "$via_defender")")
done
dm=$(printf '%s\n' "${d[@]}" | median); sm=$(printf '%s\n' "${s[@]}" | median)
echo "nginx, auth_request to a 204 server block:       ${sm} req/s (runs: ${s[*]})"
echo "nginx, auth_request to defender-scan serve:      ${dm} req/s (runs: ${d[*]})"
echo "ratio: $(echo "scale=2; $dm / $sm" | bc) (issue 5: >= 0.80)"
