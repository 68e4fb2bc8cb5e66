#!/usr/bin/env bash
# Method 2: samples/lua/nginx_defender.lua in a real nginx with Debian's
# lua-nginx-module, configured as samples/lua/nginx-lua.conf: a blocked
# client gets 403, others 200 with their score passed on; answers are
# cached for cache_ttl (1 s here), so an unblock takes effect after it;
# with the service down it fails open.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/nginx.sh"
lua_module=/usr/lib/nginx/modules/ngx_http_lua_module.so
[[ -f $lua_module ]] || { echo "serve_lua.sh: libnginx-mod-http-lua not installed"; exit 1; }

chmod 755 "$TMP"
api_port=$(free_port); port=$(free_port); app_port=$(free_port)
dir="$TMP/nginx"
mkdir -p "$dir/lua"
cp "$SOURCE_DIR/samples/lua/nginx_defender.lua" "$dir/lua/"
chmod -R a+rX "$dir"
# The sample with this test's paths and port, a 1 s cache, and the
# application behind it instead of static files, to see the score it gets.
sed -e "s|/etc/nginx/lua/|$dir/lua/|" -e "s/127.0.0.1:8080/127.0.0.1:$api_port/" -e "s/cache_ttl = 5/cache_ttl = 1/" \
    -e "s/listen 80;/listen 127.0.0.1:$port;/" -e "s|try_files .*|proxy_pass http://127.0.0.1:$app_port;|" \
    "$SOURCE_DIR/samples/lua/nginx-lua.conf" > "$dir/lua.conf"
write_nginx_conf "$dir" "load_module /usr/lib/nginx/modules/ndk_http_module.so;
load_module $lua_module;" <<CONF
  set_real_ip_from 127.0.0.1;
  real_ip_header X-Forwarded-For;
  include $dir/lua.conf;
  server {
    listen 127.0.0.1:$app_port;
    location / { return 200 "app score=\$http_x_threat_score\n"; }
  }
CONF
start_serve "$api_port"
start_nginx "$dir" && ok || fail "nginx -t with the Lua sample"

status_for() { curl -s -o /dev/null -w '%{http_code}' -H "X-Forwarded-For: $1" "http://127.0.0.1:$port/"; }
body_for() { curl -s -H "X-Forwarded-For: $1" "http://127.0.0.1:$port/"; }

expect_eq "a client is served, score 0" "$(body_for 198.51.100.1)" "app score=0"
curl -s -H 'Content-Type: application/json' -X POST "http://127.0.0.1:$api_port/api/block" -d '{"ip":"203.0.113.7","duration":600}' > /dev/null
expect_eq "blocked client refused" "$(status_for 203.0.113.7)" 403
expect_eq "another client served" "$(status_for 198.51.100.2)" 200
curl -s -X DELETE "http://127.0.0.1:$api_port/api/block/203.0.113.7" > /dev/null
expect_eq "the cached answer holds for cache_ttl" "$(status_for 203.0.113.7)" 403
sleep 1.2
# The score outlives the ban and reaches the application.
expect_eq "an unblocked client keeps its score" "$(body_for 203.0.113.7)" "app score=100"

kill "$serve"; wait "$serve" 2>/dev/null || true
sleep 1.2
expect_eq "fails open while the service is down" "$(status_for 198.51.100.3)" 200
finish
