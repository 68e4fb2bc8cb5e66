#!/usr/bin/env bash
# serve mode behind a real nginx, configured with the samples in
# samples/nginx/serve/ (Method 1: auth_request, fail-closed; Method 3:
# auth_request in front of an application, fail-open). The client is chosen
# with X-Forwarded-For (realip). Checks: others get 200 and a banned client
# 403 with X-Threat-Score; POST /api/block takes effect within a second and
# the unban too; the log that nginx writes is followed, so a client probing
# for pages is banned by the pipeline; a sqlmap request is refused on its
# first try; with the service stopped Method 1 fails closed (500) and
# Method 3 fails open (200).
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/nginx.sh"
command -v nginx >/dev/null || { echo "serve_nginx.sh: nginx not installed"; exit 1; }

chmod 755 "$TMP"
api_port=$(free_port); m1_port=$(free_port); m3_port=$(free_port); app_port=$(free_port)
dir="$TMP/nginx"
mkdir -p "$dir/www" "$dir/logs" "$dir/defender"
echo "static ok" > "$dir/www/index.html"
chmod -R a+rX "$dir"
samples="$SOURCE_DIR/samples/nginx/serve"
# The samples as they are, with this test's ports and paths.
sed "s/127.0.0.1:8080/127.0.0.1:$api_port/" "$samples/defender-upstream.conf" > "$dir/defender/upstream.conf"
cp "$samples/defender-check.conf" "$dir/defender/defender-check.conf"
sed -e "s/listen 80;/listen 127.0.0.1:$m1_port;/" -e "s|/var/www/html|$dir/www|" \
    -e "s|/etc/nginx/defender/|$dir/defender/|" "$samples/method1-auth-request.conf" > "$dir/defender/method1.conf"
sed -e "s/listen 80;/listen 127.0.0.1:$m3_port;/" -e "s/127.0.0.1:3000/127.0.0.1:$app_port/" \
    -e "s|/etc/nginx/defender/|$dir/defender/|" "$samples/method3-fail-open.conf" > "$dir/defender/method3.conf"
write_nginx_conf "$dir" <<CONF
  access_log $dir/logs/access.log combined;
  set_real_ip_from 127.0.0.1;
  real_ip_header X-Forwarded-For;
  include $dir/defender/upstream.conf;
  include $dir/defender/method1.conf;
  include $dir/defender/method3.conf;
  server {  # the application behind Method 3: says what score it was given
    listen 127.0.0.1:$app_port;
    access_log off;
    location / { return 200 "app score=\$http_x_threat_score\n"; }
  }
CONF
start_nginx "$dir" && ok || fail "nginx -t on the samples"

api() { curl -s -H 'Content-Type: application/json' "$@"; }
status_for() {  # status_for PORT CLIENT [PATH [CURL ARGS...]]
  local port=$1 client=$2 path=${3:-/}; shift 3 || shift $#
  curl -s -o /dev/null -w '%{http_code}' -H "X-Forwarded-For: $client" "$@" "http://127.0.0.1:$port$path"
}
within() {  # within SECONDS PORT CLIENT WANT
  local deadline=$(( $(date +%s%N) + $1 * 1000000000 ))
  while (( $(date +%s%N) < deadline )); do
    [[ "$(status_for "$2" "$3")" == "$4" ]] && return 0
    sleep 0.02
  done
  return 1
}

start_serve "$api_port" --follow "$dir/logs/access.log" --format combined --json "$dir/decisions.jsonl"
expect_eq "Method 1 serves a client" "$(status_for "$m1_port" 198.51.100.1)" 200
expect_eq "Method 3 serves a client" "$(curl -s -H 'X-Forwarded-For: 198.51.100.1' "http://127.0.0.1:$m3_port/")" "app score=0"
# A 200 kB body is not sent to the check (serve refuses bodies over 64 kB):
# Method 1 gets past auth_request to nginx's own 405 for a POST to a file.
expect_eq "Method 1: a large POST passes the check" \
  "$(head -c 200000 "$SOURCE_DIR/samples/access.log" | curl -s -o /dev/null -w '%{http_code}' -X POST --data-binary @- -H 'X-Forwarded-For: 198.51.100.1' "http://127.0.0.1:$m1_port/")" 405
expect_eq "Method 3 serves a POST (its body stays with the application)" \
  "$(head -c 200000 "$SOURCE_DIR/samples/access.log" | curl -s -X POST --data-binary @- -H 'X-Forwarded-For: 198.51.100.1' "http://127.0.0.1:$m3_port/form")" \
  "app score=0"

# POST /api/block: refused within a second, with the score; others still served.
out=$(api -X POST "http://127.0.0.1:$api_port/api/block" -d '{"ip":"203.0.113.7","duration":3600,"reason":"manual"}')
expect_contains "block answer" "$out" '"blocked":true'
within 1 "$m1_port" 203.0.113.7 403 && ok || fail "Method 1: blocked client not refused within 1 s"
within 1 "$m3_port" 203.0.113.7 403 && ok || fail "Method 3: blocked client not refused within 1 s"
headers=$(curl -s -D - -o /dev/null -H 'X-Forwarded-For: 203.0.113.7' "http://127.0.0.1:$m1_port/")
expect_contains "403 carries X-Threat-Score" "$headers" "X-Threat-Score: 100"
expect_eq "another client is served" "$(status_for "$m1_port" 198.51.100.2)" 200
expect_eq "blocked-ips lists it" "$(api "http://127.0.0.1:$api_port/api/blocked-ips")" '["203.0.113.7"]'
# DELETE /api/block/{ip}: served again within a second.
api -X DELETE "http://127.0.0.1:$api_port/api/block/203.0.113.7" > /dev/null
within 1 "$m1_port" 203.0.113.7 200 && ok || fail "unblocked client not served within 1 s"
# POST /api/unblock does the same for an IPv6 client (banned per /64).
api -X POST "http://127.0.0.1:$api_port/api/block" -d '{"ip":"2001:db8:5::1","duration":"1h"}' > /dev/null
within 1 "$m1_port" 2001:db8:5::77 403 && ok || fail "IPv6 /64 block not in force"
expect_contains "the /64 is listed" "$(api "http://127.0.0.1:$api_port/api/blocked-ips")" '"2001:db8:5::/64"'
api -X POST "http://127.0.0.1:$api_port/api/unblock" -d '{"ip":"2001:db8:5::1"}' > /dev/null
within 1 "$m1_port" 2001:db8:5::77 200 && ok || fail "IPv6 unblock not in force"

# The first sqlmap-style request is refused before it reaches the backend.
expect_eq "sqlmap user agent refused at once" \
  "$(status_for "$m1_port" 198.51.100.30 / -A 'sqlmap/1.7.2#stable (https://sqlmap.org)')" 403
expect_eq "SQL injection refused at once" \
  "$(status_for "$m3_port" 198.51.100.31 "/item?id=1%27%20AND%20SLEEP(5)--%20-")" 403
expect_eq "a search for 'select union' is served" "$(status_for "$m3_port" 198.51.100.32 "/search?q=select+union")" 200

# The pipeline follows nginx's log: a client probing for pages (404s) is banned.
for i in $(seq 1 14); do status_for "$m1_port" 198.51.100.40 "/probe-$i.php" > /dev/null; done
within 5 "$m1_port" 198.51.100.40 403 && ok || fail "prober not banned from the followed log"
expect_contains "ban decided by http-probing" "$(cat "$dir/decisions.jsonl")" '"rule":{"name":"http-probing"},"source":{"ip":"198.51.100.40"}'
expect_eq "a visitor is still served" "$(status_for "$m1_port" 198.51.100.41)" 200

# The service is down: Method 1 fails closed, Method 3 fails open.
kill "$serve"; wait "$serve" 2>/dev/null || true
expect_eq "Method 1 fails closed" "$(status_for "$m1_port" 198.51.100.1)" 500
expect_eq "Method 3 fails open" "$(curl -s -H 'X-Forwarded-For: 198.51.100.1' "http://127.0.0.1:$m3_port/")" "app score="
expect_eq "Method 3 status while down" "$(status_for "$m3_port" 198.51.100.1)" 200
finish
