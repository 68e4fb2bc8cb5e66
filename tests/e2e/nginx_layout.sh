#!/usr/bin/env bash
# The layout the README gives, against Debian's stock nginx.conf (which
# includes /etc/nginx/conf.d/*.conf in its http block): the log format
# sample and the include defender-scan writes go in conf.d and nothing else
# is added; nginx -t accepts it with both include styles, and the started
# nginx logs lines defender-scan reads. Adding the include line a second time
# (what the README once said) is the duplicate "log_format" it must not
# suggest. Everything runs under a temp dir; the machine's nginx is untouched.
source "$(dirname "$0")/lib/common.sh"
stock=/etc/nginx/nginx.conf
want=$(dpkg-query -W -f='${Conffiles}\n' nginx-common 2>/dev/null | awk '$1 == "/etc/nginx/nginx.conf" {print $2}')
if [[ -z "$want" || "$(md5sum < "$stock" | cut -d' ' -f1)" != "$want" ]]; then
  echo "nginx_layout.sh: SKIP: $stock is not Debian's stock file (edited, or nginx-common missing)" >&2
  exit 77
fi
etc="$TMP/etc/nginx"
mkdir -p "$etc/conf.d" "$etc/sites-enabled" "$TMP/log"
cp /etc/nginx/mime.types "$etc/"
ln -s /usr/share/nginx/modules "$TMP/modules"  # the stock modules-enabled load "modules/..."
# The stock file, only its paths moved under $TMP (modules stay where they are).
sed -e "s#/etc/nginx/conf.d#$etc/conf.d#; s#/etc/nginx/sites-enabled#$etc/sites-enabled#" \
    -e "s#/etc/nginx/mime.types#$etc/mime.types#; s#/run/nginx.pid#$TMP/nginx.pid#; s#/var/log/nginx#$TMP/log#g" \
    "$stock" > "$etc/nginx.conf"
expect_eq "the stock file includes conf.d in http" "$(grep -c "include $etc/conf.d/\*.conf;" "$etc/nginx.conf")" 1
cp "$SOURCE_DIR/samples/nginx/defender-log-format.conf" "$etc/conf.d/"
port=$(free_port)
cat > "$etc/sites-enabled/site" <<CONF
server {
  listen 127.0.0.1:$port;
  access_log $TMP/log/access.log defender;
  if (\$defender_blocked) { return 403; }
  location / { return 200 "ok\n"; }
}
CONF
nginx_t() { nginx -p "$TMP" -c "$etc/nginx.conf" -t 2>&1; }

line() { echo "$1 - - [31/Mar/2024:01:00:00 +0000] \"GET $2 HTTP/1.1\" 404 0 \"-\" \"curl/8.0\""; }
for f in /.env /.git/config /backup.sql /id_rsa /.htpasswd; do line 203.0.113.7 "$f"; done > "$TMP/attack.log"
# geo style: the site's `if ($defender_blocked)` needs the geo block.
"$DEFENDER_SCAN" --nginx-conf "$etc/conf.d/defender-blocks.conf" --nginx-style geo "$TMP/attack.log" > /dev/null
expect_contains "geo include written" "$(cat "$etc/conf.d/defender-blocks.conf")" "203.0.113.7"
out=$(nginx_t) && ok || fail "nginx -t refuses the README's layout (geo): $out"
# deny style, with the site's geo check taken out.
sed -i '/defender_blocked/d' "$etc/sites-enabled/site"
"$DEFENDER_SCAN" --nginx-conf "$etc/conf.d/defender-blocks.conf" "$TMP/attack.log" > /dev/null
expect_contains "deny include written" "$(cat "$etc/conf.d/defender-blocks.conf")" "deny 203.0.113.7;"
out=$(nginx_t) && ok || fail "nginx -t refuses the README's layout (deny): $out"
# The README's old advice on top of it: the format is defined twice.
sed "s#include $etc/conf.d/\*.conf;#&\n\tinclude $etc/conf.d/defender-*.conf;#" "$etc/nginx.conf" > "$etc/twice.conf"
out=$(nginx -p "$TMP" -c "$etc/twice.conf" -t 2>&1) && fail "a second include passed nginx -t" ||
  expect_contains "a second include is a duplicate" "$out" 'duplicate "log_format"'
expect_not_contains "the README does not say to add it" "$(cat "$SOURCE_DIR/README.md")" \
  'With `include /etc/nginx/conf.d/defender-*.conf;` in nginx'"'"'s http block.'

# The stock nginx started as is, one request: defender-scan reads its line.
sed -i 's/^daemon off;//' "$etc/nginx.conf"
nginx -p "$TMP" -c "$etc/nginx.conf" 3>&-
trap 'nginx -p "$TMP" -c "$etc/nginx.conf" -s stop 2>/dev/null; rm -rf "$TMP"' EXIT
expect_eq "served" "$(curl -s "http://127.0.0.1:$port/")" "ok"
wait_until 5 test -s "$TMP/log/access.log" || fail "nginx logged nothing"
"$DEFENDER_SCAN" --stats --dry-run "$TMP/log/access.log" > /dev/null 2> "$TMP/stats"
expect_contains "nginx's line is read" "$(cat "$TMP/stats")" "parsed 1, rejected 0"
finish
