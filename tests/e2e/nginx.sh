#!/usr/bin/env bash
# A real nginx on loopback (realip from X-Forwarded-For, so the test can be
# any client): after defender-scan bans a client and reloads nginx, that
# client gets 403 and others 200; when the ban expires it gets 200 again.
# Both the deny and the geo include. Also: a failing reload restores the
# previous include, and a symlink at the output path is refused.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/nginx.sh"
command -v nginx >/dev/null || { echo "nginx.sh: nginx not installed"; exit 1; }

chmod 755 "$TMP"  # nginx's workers (nobody) read the document root below it
port=$(free_port)
status_for() {  # status_for CLIENT_IP
  curl -s -o /dev/null -w '%{http_code}' -H "X-Forwarded-For: $1" "http://127.0.0.1:$port/"
}
wait_for_status() {  # wait_for_status CLIENT WANT: polls up to 10 s
  for _ in $(seq 1 100); do
    [[ "$(status_for "$1")" == "$2" ]] && return 0
    sleep 0.1
  done
  return 1
}
line() {  # line CLIENT TIME PATH STATUS
  echo "$1 - - [$2 +0000] \"GET $3 HTTP/1.1\" $4 0 \"-\" \"Mozilla/5.0\""
}

for style in deny geo; do
  dir="$TMP/$style"
  mkdir -p "$dir/www" "$dir/logs"
  echo ok > "$dir/www/index.html"
  chmod -R a+rX "$dir"
  if [[ $style == deny ]]; then
    http_include=""
    server_include="include $dir/defender-blocks.conf;"
  else
    http_include="include $dir/defender-blocks.conf;"
    server_include='if ($defender_blocked) { return 403; }'
  fi
  write_nginx_conf "$dir" <<CONF
  access_log off;
  $http_include
  server {
    listen 127.0.0.1:$port;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;
    $server_include
    location / { root $dir/www; index index.html; }
  }
CONF
  # defender-scan starts first and creates the (empty) include nginx needs.
  mkfifo "$dir/fifo"
  "$DEFENDER_SCAN" --nginx-conf "$dir/defender-blocks.conf" --nginx-style "$style" --reload-interval 0 \
    --reload-cmd "nginx -p $dir -c $dir/nginx.conf -s reload" --format combined \
    < "$dir/fifo" > "$dir/decisions.jsonl" 2> "$dir/scan.err" &
  scan=$!
  exec 3> "$dir/fifo"
  wait_until 60 test -f "$dir/defender-blocks.conf" || fail "$style: the include was not created"
  nginx -p "$dir" -c "$dir/nginx.conf" -t 2>/dev/null && ok || fail "$style: nginx -t on the empty include"
  nginx -p "$dir" -c "$dir/nginx.conf" 3>&-  # the daemon must not keep the pipe open
  expect_eq "$style: before any ban" "$(status_for 203.0.113.7)" 200

  for f in /.env /.git/config /backup.sql /id_rsa /.htpasswd; do line 203.0.113.7 "31/Mar/2024:01:00:00" "$f" 404 >&3; done
  line 2001:db8:1:2::7 "31/Mar/2024:01:00:00" /vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php 404 >&3
  wait_for_status 203.0.113.7 403 && ok || fail "$style: banned client not refused (got $(status_for 203.0.113.7))"
  expect_eq "$style: another client is served" "$(status_for 198.51.100.1)" 200
  wait_for_status 2001:db8:1:2::99 403 && ok || fail "$style: the banned /64 is not refused"
  expect_eq "$style: the next /64 is served" "$(status_for 2001:db8:1:3::99)" 200
  expect_contains "$style: include lists the /64" "$(cat "$dir/defender-blocks.conf")" "2001:db8:1:2::/64"
  # Five hours later (log time) both bans have expired.
  line 198.51.100.1 "31/Mar/2024:06:00:00" / 200 >&3
  wait_for_status 203.0.113.7 200 && ok || fail "$style: ban did not expire (got $(status_for 203.0.113.7))"
  wait_for_status 2001:db8:1:2::99 200 && ok || fail "$style: the /64 is not served again"
  exec 3>&-
  wait "$scan" && ok || fail "$style: defender-scan exit status $? ($(cat "$dir/scan.err"))"
  expect_contains "$style: unban reported" "$(cat "$dir/decisions.jsonl")" '"action":"unban"'
  nginx -p "$dir" -c "$dir/nginx.conf" -s quit
done

# A reload that fails (nginx -t refusing, here: false) puts the previous
# include back, reports it, and the run ends with status 1.
dir="$TMP/restore"
mkdir -p "$dir"
printf 'deny 192.0.2.1;\n' > "$dir/blocks.conf"
for f in /.env /.git/config /backup.sql /id_rsa /.htpasswd; do line 203.0.113.8 "31/Mar/2024:01:00:00" "$f" 404; done > "$dir/attack.log"
set +e
"$DEFENDER_SCAN" --nginx-conf "$dir/blocks.conf" --reload-cmd false "$dir/attack.log" > /dev/null 2> "$dir/err"
s=$?
set -e
expect_eq "failed reload: exit 1" "$s" 1
expect_contains "failed reload: reported" "$(cat "$dir/err")" "reload failed"
expect_eq "failed reload: previous include restored" "$(cat "$dir/blocks.conf")" "deny 192.0.2.1;"

# A symlink planted at the output path is refused; its target is untouched.
echo "precious" > "$dir/target"
ln -s "$dir/target" "$dir/link.conf"
set +e
"$DEFENDER_SCAN" --nginx-conf "$dir/link.conf" "$dir/attack.log" > /dev/null 2> "$dir/err2"
s=$?
set -e
expect_eq "symlink: refused at start-up (exit 2)" "$s" 2
expect_contains "symlink: refused" "$(cat "$dir/err2")" "is a symbolic link; refusing"
expect_eq "symlink: target untouched" "$(cat "$dir/target")" "precious"

# 10 000 bans within 60 s of log time, as fast as a pipe brings them: at
# most 12 reloads (one per --reload-interval, 5 s), and nginx takes the list.
dir="$TMP/many"
mkdir -p "$dir/www" "$dir/logs"
echo ok > "$dir/www/index.html"
chmod -R a+rX "$dir"
sed -e "s|$TMP/geo|$dir|g" "$TMP/geo/nginx.conf" > "$dir/nginx.conf"
cat > "$dir/reload.sh" <<SH
#!/bin/sh
echo reload >> "$dir/reloads"
exec nginx -p "$dir" -c "$dir/nginx.conf" -s reload
SH
chmod +x "$dir/reload.sh"
awk 'BEGIN { for (i = 0; i < 10000; i++)
  printf "11.%d.%d.%d - - [31/Mar/2024:01:00:%02d +0000] \"POST /vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php HTTP/1.1\" 404 0 \"-\" \"x\"\n",
         int(i / 65536), int(i / 256) % 256, i % 256, int(i * 60 / 10000) }' > "$dir/probes.log"
mkfifo "$dir/fifo"
"$DEFENDER_SCAN" --nginx-conf "$dir/defender-blocks.conf" --nginx-style geo --reload-cmd "$dir/reload.sh" \
  < "$dir/fifo" > "$dir/decisions.jsonl" &
scan=$!
exec 3> "$dir/fifo"
wait_until 60 test -f "$dir/defender-blocks.conf" || fail "the include was not created"
nginx -p "$dir" -c "$dir/nginx.conf" 3>&-
cat "$dir/probes.log" >&3
exec 3>&-
wait "$scan"
reloads=$(wc -l < "$dir/reloads")
echo "10000 bans in 60 s of log time: $reloads reloads"
if (( reloads >= 1 && reloads <= 12 )); then ok; else fail "$reloads reloads for 10000 bans"; fi
expect_eq "10000 bans in the include" "$(grep -c ' 1;$' "$dir/defender-blocks.conf")" 10000
nginx -p "$dir" -c "$dir/nginx.conf" -t 2>/dev/null && ok || fail "nginx -t refuses the 10000-entry include"
wait_for_status 11.0.39.15 403 && ok || fail "a client of the 10000 is not refused"
expect_eq "a client not in the list is served" "$(status_for 11.0.39.16)" 200
nginx -p "$dir" -c "$dir/nginx.conf" -s quit

# An unchanged list rewrites nothing: a second run with the same bans leaves the file alone.
dir="$TMP/restore"
"$DEFENDER_SCAN" --nginx-conf "$dir/same.conf" "$dir/attack.log" > /dev/null
before=$(stat -c %Y.%i "$dir/same.conf")
sleep 1.1
"$DEFENDER_SCAN" --nginx-conf "$dir/same.conf" "$dir/attack.log" > /dev/null
expect_eq "unchanged list: file not rewritten" "$(stat -c %Y.%i "$dir/same.conf")" "$before"

finish
