#!/usr/bin/env bash
# The Debian package (cpack -G DEB in the build tree): its dependencies are
# Debian 12 packages, its files are where the README says, /etc is made of
# conffiles, and what the packaged systemd unit starts (its ExecStart line,
# run as written but with every path moved under a temp dir and a real nginx
# on loopback) follows the logs, bans, reloads nginx, reloads on SIGHUP and
# stops cleanly on SIGTERM. Nothing is installed on this machine.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/nginx.sh"
: "${BUILD_DIR:?set by ctest}"

cpack -G DEB -B "$TMP/pkg" --config "$BUILD_DIR/CPackConfig.cmake" > "$TMP/cpack.out" 2>&1 ||
  { cat "$TMP/cpack.out" >&2; fail "cpack -G DEB failed"; finish; exit 1; }
deb=$(ls "$TMP"/pkg/defender-scan_*_amd64.deb)
info=$(dpkg-deb -f "$deb" Package Version Depends)
expect_contains "package name" "$info" "Package: defender-scan"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libhyperscan5 libsqlite3-0 libyaml-cpp0.7 libre2-9 libfmt9; do
  expect_contains "Depends names $lib" "$depends" "$lib"
done
# Every dependency is a Debian package (installed here, as the build used it).
for dep in $(tr ',' '\n' <<<"$depends" | sed 's/(.*//; s/|.*//' | tr -d ' '); do
  dpkg-query -W -f='${Status}' "$dep" 2>/dev/null | grep -q "install ok installed" && ok ||
    fail "Depends: $dep is not an installed Debian package"
done

# apt would install it here (simulated: nothing changes on this machine).
expect_contains "apt-get install ./defender-scan.deb resolves" \
  "$(apt-get install --simulate --no-install-recommends -q "$deb" 2>&1)" "Conf defender-scan"

files=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/defender-scan ./usr/share/man/man1/defender-scan.1 ./usr/lib/systemd/system/defender-scan.service \
         ./etc/defender-scan/config.yaml ./etc/logrotate.d/defender-scan ./etc/defender-scan/actions/ban-ip.sh \
         ./etc/defender-scan/actions/unban-ip.sh ./usr/share/doc/defender-scan/examples/cron/defender-scan \
         ./usr/share/doc/defender-scan/examples/nginx/defender-log-format.conf; do
  expect_contains "the package has $f" "$files" "$f"
done
expect_not_contains "no build-tree paths" "$files" "_CPack"
expect_not_contains "only the main binary" "$files" "loggen"
dpkg-deb -e "$deb" "$TMP/control"
conffiles=$(cat "$TMP/control/conffiles")
for f in $(grep '^\./etc/.*[^/]$' <<<"$files" | sed 's/^\.//'); do
  expect_contains "$f is a conffile" "$conffiles" "$f"
done
expect_eq "maintainer scripts are executable" "$(stat -c %a "$TMP/control/postinst" "$TMP/control/postrm")" $'755\n755'

root="$TMP/root"
dpkg-deb -x "$deb" "$root"
bin="$root/usr/bin/defender-scan"
expect_contains "the packaged binary runs" "$("$bin" --version)" "defender-scan"
out=$("$bin" --config "$root/etc/defender-scan/config.yaml" --dry-run \
  "$root/usr/share/doc/defender-scan/examples/access.log" 2>/dev/null)
expect_contains "the packaged binary bans on the packaged sample" "$out" '"action":"ban"'
man -l "$root/usr/share/man/man1/defender-scan.1" 2>&1 | grep -q "bans add" && ok || fail "the packaged man page"

# The unit file: systemd accepts it (only the binary is where it will be
# once installed) ...
unit="$root/usr/lib/systemd/system/defender-scan.service"
if command -v systemd-analyze >/dev/null; then
  sed "s#/usr/bin/defender-scan#$bin#" "$unit" > "$TMP/defender-scan.service"
  expect_eq "systemd-analyze verify" "$(systemd-analyze verify "$TMP/defender-scan.service" 2>&1)" ""
fi
# ... and its ExecStart line works. Paths move under $TMP, nginx is a test
# nginx on loopback; the directories systemd makes (StateDirectory,
# LogsDirectory) are made here.
exec_start=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$unit" | sed 's/^ExecStart=//; s/\\$//' | tr '\n' ' ')
expect_contains "ExecStart runs the packaged path" "$exec_start" "/usr/bin/defender-scan --follow"
ng="$TMP/nginx"
mkdir -p "$ng/conf.d" "$TMP/var/lib/defender-scan" "$TMP/var/log/defender-scan"
port=$(free_port)
cp "$root/usr/share/doc/defender-scan/examples/nginx/defender-log-format.conf" "$ng/conf.d/"
write_nginx_conf "$ng" <<CONF
  include $ng/conf.d/*.conf;
  server {
    listen 127.0.0.1:$port;
    access_log $ng/logs/access.log defender;
    location / { return 200 "ok\n"; }
  }
CONF
start_nginx "$ng"
mapfile -t argv < <(python3 - "$exec_start" "$root" "$TMP" "$ng" <<'PY'
import shlex, sys
line, root, tmp, ng = sys.argv[1:]
moves = [("/usr/bin/defender-scan", root + "/usr/bin/defender-scan"),
         ("/etc/defender-scan", root + "/etc/defender-scan"),
         ("/var/lib/defender-scan", tmp + "/var/lib/defender-scan"),
         ("/var/log/defender-scan", tmp + "/var/log/defender-scan"),
         ("/var/log/nginx", ng + "/logs"), ("/etc/nginx/conf.d", ng + "/conf.d"),
         ("/usr/sbin/nginx", "/usr/sbin/nginx -p %s -c %s/nginx.conf" % (ng, ng))]
for arg in shlex.split(line):
    for old, new in moves:
        arg = arg.replace(old, new)
    print(arg)
PY
)
expect_contains "the reload command checks the test nginx" "${argv[*]}" "nginx -p $ng -c $ng/nginx.conf -t -q"
curl -s -o /dev/null "http://127.0.0.1:$port/"  # nginx writes its logs
"${argv[@]}" 2> "$TMP/service.err" &
service=$!
wait_until 10 has_open "$service" "$ng/logs/access.log" || fail "the service does not follow access.log"
for f in /.env /.git/config /backup.sql /id_rsa /.htpasswd; do
  echo "203.0.113.7 - - [$(date -u '+%d/%b/%Y:%H:%M:%S +0000')] \"GET $f HTTP/1.1\" 404 0 \"-\" \"curl/8.0\" 0.001 - \"-\"" \
    >> "$ng/logs/access.log"
done
wait_until 15 grep -q "deny 203.0.113.7;" "$ng/conf.d/defender-blocks.conf" || fail "the service wrote no ban to the include"
wait_until 15 grep -q '"action":"ban"' "$TMP/var/log/defender-scan/decisions.jsonl" || fail "no decisions log"
nginx -p "$ng" -c "$ng/nginx.conf" -t -q && ok || fail "nginx -t refuses the service's include"
kill -HUP "$service"  # ExecReload
sleep 0.5
kill -0 "$service" 2>/dev/null && ok || fail "the service died on SIGHUP (systemctl reload)"
start=$(date +%s)
kill -TERM "$service"
wait "$service" && ok || fail "the service did not exit 0 on SIGTERM: $(cat "$TMP/service.err")"
(( $(date +%s) - start < 15 )) && ok || fail "the service took longer than TimeoutStopSec to stop"
expect_contains "the state keeps the ban" \
  "$("$bin" bans list --state "$TMP/var/lib/defender-scan/state.db")" "203.0.113.7"
finish
