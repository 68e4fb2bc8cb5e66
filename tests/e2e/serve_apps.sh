#!/usr/bin/env bash
# The application samples against a real defender-scan serve: the Express
# middleware (express from npm), the Django middleware (Debian's Django),
# the PHP client of the Laravel middleware, and the guide's three scripts:
# ban-ip.sh, process-logs.sh and update-nginx-blocklist.sh (with a real
# nginx). The service runs with an API token, which the scripts pass on.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/nginx.sh"
apps="$SOURCE_DIR/samples/apps"

chmod 755 "$TMP"
port=$(free_port); url="http://127.0.0.1:$port"
echo "sample-token-0123456789" > "$TMP/token"
export DEFENDER_URL=$url DEFENDER_TOKEN=sample-token-0123456789
start_serve "$port" --api-token-file "$TMP/token" < /dev/null
auth=(-H "Authorization: Bearer $DEFENDER_TOKEN")
curl -s "${auth[@]}" -H 'Content-Type: application/json' -X POST "$url/api/block" -d '{"ip":"203.0.113.7","duration":600}' > /dev/null

# Express.
cp -r "$apps/express" "$TMP/express"
(cd "$TMP/express" && npm ci --no-audit --no-fund --loglevel=error > "$TMP/npm.log" 2>&1) || { cat "$TMP/npm.log" >&2; fail "npm ci"; }
app_port=$(free_port)
PORT=$app_port node "$TMP/express/app.js" > "$TMP/express.log" 2>&1 &
wait_until 20 curl -s -o /dev/null "http://127.0.0.1:$app_port/" || fail "the Express app did not start"
express() { curl -s -w ' %{http_code}' -H "X-Forwarded-For: $1" "http://127.0.0.1:$app_port/"; }
expect_eq "Express: a client" "$(express 198.51.100.1)" "hello 198.51.100.1 score=0
 200"
expect_eq "Express: a banned client" "$(express 203.0.113.7)" '{"error":"Forbidden"} 403'
expect_eq "Express: a sqlmap-style first request" \
  "$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 198.51.100.2' "http://127.0.0.1:$app_port/item?id=1%27%20AND%20SLEEP(5)--%20-")" 403

# Django.
# Debian's python3 (python3-django), whatever python3 comes first in PATH.
out=$(/usr/bin/python3 "$SOURCE_DIR/tests/e2e/lib/django_check.py" "$url" "$apps/django" 198.51.100.1 203.0.113.7)
expect_eq "Django: a client, then a banned one" "$out" '200 hello score=0
403 {"error": "Forbidden"}'
# The middleware passes the request target and the user agent on: a first
# request from sqlmap, or one carrying an injection, is refused.
out=$(/usr/bin/python3 "$SOURCE_DIR/tests/e2e/lib/django_check.py" "$url" "$apps/django" \
  '198.51.100.3|/|sqlmap/1.7.2#stable (https://sqlmap.org)' "198.51.100.4|/item?id=1%27%20AND%20SLEEP(5)--%20-|Mozilla/5.0")
expect_eq "Django: sqlmap's agent, an injected target" "$out" '403 {"error": "Forbidden"}
403 {"error": "Forbidden"}'

# Laravel's client, in plain PHP.
php_check() {  # php_check URL IP [METHOD URI USER_AGENT]
  php -r 'require $argv[1]; $c = new App\Http\Middleware\DefenderClient($argv[2]);
          echo json_encode($argc > 4 ? $c->check($argv[3], $argv[4], $argv[5], $argv[6]) : $c->check($argv[3]));' \
    "$apps/laravel/DefenderClient.php" "$@"
}
expect_eq "PHP: a client" "$(php_check "$url" 198.51.100.1)" "[200,0]"
expect_eq "PHP: a banned client" "$(php_check "$url" 203.0.113.7)" "[403,100]"
expect_eq "PHP: not an address" "$(php_check "$url" '1.2.3.4
X-Evil: 1')" "null"
expect_contains "PHP: sqlmap's agent" "$(php_check "$url" 198.51.100.5 GET / 'sqlmap/1.7.2#stable (https://sqlmap.org)')" "[403,"
expect_contains "PHP: an injected target" "$(php_check "$url" 198.51.100.6 GET "/item?id=1' AND SLEEP(5)-- -" 'Mozilla/5.0')" "[403,"
expect_eq "PHP: a line break in the agent goes nowhere" \
  "$(php_check "$url" 198.51.100.7 GET / $'Mozilla/5.0\r\nX-Real-IP: 203.0.113.7')" "[200,0]"
expect_eq "PHP: service down" "$(php_check "http://127.0.0.1:1" 198.51.100.1)" "null"

# ban-ip.sh: the API, then the firewall (a recorder here, not iptables).
printf '#!/bin/sh\n[ "$1" = -C ] && exit 1\necho "$*" >> %s\n' "$TMP/firewall.log" > "$TMP/firewall"
chmod +x "$TMP/firewall"
IPTABLES="$TMP/firewall" sh "$apps/scripts/ban-ip.sh" 203.0.113.20 3600 manual > /dev/null
expect_eq "ban-ip.sh: the firewall rule" "$(cat "$TMP/firewall.log")" "-I INPUT -s 203.0.113.20 -j DROP"
expect_eq "ban-ip.sh: banned in serve" "$(curl -s -o /dev/null -w '%{http_code}' "$url/api/check?ip=203.0.113.20")" 403
IPTABLES="$TMP/firewall" sh "$apps/scripts/ban-ip.sh" 2001:db8:9::5 60 > /dev/null
expect_eq "ban-ip.sh: an IPv6 /64" "$(tail -n 1 "$TMP/firewall.log")" "-I INPUT -s 2001:db8:9::/64 -j DROP"
for bad in '1.2.3.4;reboot' '$(id)' '999.1.1.1' '::1'; do
  IPTABLES="$TMP/firewall" sh "$apps/scripts/ban-ip.sh" "$bad" 2> /dev/null && fail "ban-ip.sh accepted '$bad'" || ok
done
expect_eq "ban-ip.sh: nothing else reached the firewall" "$(wc -l < "$TMP/firewall.log")" 2

# process-logs.sh: lines (with quotes and backslashes) to /api/analyze.
touch "$TMP/access.log"
sh "$apps/scripts/process-logs.sh" "$TMP/access.log" > "$TMP/process.out" 2> "$TMP/process.err" &
sleep 1  # tail -F starts at the end
for f in /.env /.git/config /backup.sql /id_rsa /.htpasswd; do
  echo "203.0.113.30 - - [$(date -u '+%d/%b/%Y:%H:%M:%S') +0000] \"GET $f HTTP/1.1\" 404 0 \"-\" \"Mozilla/5.0 \\\"quoted\\\" \\\\x\"" >> "$TMP/access.log"
done
wait_until 10 grep -q '"ip":"203.0.113.30"' "$TMP/process.out" && ok || fail "process-logs.sh: no ban printed: $(cat "$TMP/process.out" "$TMP/process.err")"
expect_contains "process-logs.sh: the decision" "$(cat "$TMP/process.out")" '"rule":{"name":"http-sensitive-files"}'

# update-nginx-blocklist.sh: deny lines, nginx -t, reload; a real nginx refuses the banned.
dir="$TMP/nginx"
mkdir -p "$dir/www"; echo ok > "$dir/www/index.html"; chmod -R a+rX "$dir"
: > "$dir/blocklist.conf"
nginx_port=$(free_port)
write_nginx_conf "$dir" <<CONF
  server {
    listen 127.0.0.1:$nginx_port;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
    include $dir/blocklist.conf;
    location / { root $dir/www; }
  }
CONF
start_nginx "$dir"
nginx_status() { curl -s -o /dev/null -w '%{http_code}' -H "X-Forwarded-For: $1" "http://127.0.0.1:$nginx_port/index.html"; }
expect_eq "nginx before the list" "$(nginx_status 203.0.113.7)" 200
NGINX_CMD="nginx -p $dir -c $dir/nginx.conf" sh "$apps/scripts/update-nginx-blocklist.sh" "$dir/blocklist.conf"
expect_contains "the list" "$(cat "$dir/blocklist.conf")" "deny 203.0.113.7;"
expect_contains "the list has the /64" "$(cat "$dir/blocklist.conf")" "deny 2001:db8:9::/64;"
wait_until 5 bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 203.0.113.30' http://127.0.0.1:$nginx_port/index.html) == 403 ]]" \
  && ok || fail "nginx does not refuse a listed client"
expect_eq "nginx: another client" "$(nginx_status 198.51.100.1)" 200
finish
