#!/usr/bin/env bash
# One defender-scan for a fleet's logs over syslog: two real nginx servers
# send their access logs with `access_log syslog:server=...`; a client that
# probes each of them for sensitive files, too few times on either to be
# banned, is banned because defender-scan counts its requests on both. A
# sender outside --syslog-allow and a datagram that is not syslog are
# dropped and counted; a bad --syslog-listen is refused at start. Served
# (`serve --syslog-listen`), it answers /api/check for the whole fleet. (TCP,
# which nginx does not send, is tested in tests/sources/syslog_source_test.cc.)
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/nginx.sh"
command -v nginx >/dev/null || { echo "syslog.sh: nginx not installed"; exit 1; }

udp_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
send_udp() {  # send_udp PORT TEXT: one datagram from loopback
  python3 -c 'import socket, sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(sys.argv[2].encode(), ("127.0.0.1", int(sys.argv[1])))' "$1" "$2"
}

sport=$(udp_port)
chmod 755 "$TMP"
ports=()
for name in web1 web2; do
  port=$(free_port); ports+=("$port")
  # The samples as they are, with this test's address; one server sends its
  # host name (RFC 3164 in full), the other not (nohostname).
  extra=$([[ $name == web2 ]] && echo ",nohostname" || true)
  mkdir -p "$TMP/$name"
  cp "$SOURCE_DIR/samples/nginx/defender-log-format.conf" "$TMP/$name/"
  sed "s/server=10.0.0.9:5514,tag=nginx/server=127.0.0.1:$sport,tag=nginx$extra/" \
    "$SOURCE_DIR/samples/nginx/defender-syslog.conf" > "$TMP/$name/defender-syslog.conf"
  write_nginx_conf "$TMP/$name" <<CONF
  include $TMP/$name/defender-log-format.conf;
  include $TMP/$name/defender-syslog.conf;
  set_real_ip_from 127.0.0.1;
  real_ip_header X-Forwarded-For;
  server { listen 127.0.0.1:$port; location / { return 404; } }
CONF
  start_nginx "$TMP/$name" && ok || fail "nginx -t with access_log syslog: ($name)"
done

"$DEFENDER_SCAN" --syslog-listen "udp://127.0.0.1:$sport" --format defender --stats \
  --json "$TMP/decisions.jsonl" 2> "$TMP/stats" &
scan=$!
wait_until 10 has_open "$scan" "socket:" || fail "defender-scan did not open its socket"
# Five sensitive files ban (http-sensitive-files); each server sees fewer.
get() { curl -s -o /dev/null -H "X-Forwarded-For: $1" "http://127.0.0.1:$2$3"; }
get 198.51.100.7 "${ports[0]}" /.env
get 198.51.100.7 "${ports[1]}" /.git/config
get 198.51.100.7 "${ports[0]}" /backup.sql
get 198.51.100.7 "${ports[1]}" /id_rsa
get 198.51.100.7 "${ports[0]}" /.htpasswd
get 198.51.100.8 "${ports[0]}" /index.html  # an ordinary client
send_udp "$sport" "not syslog at all"
banned() { grep -q '"action":"ban".*"value":"198.51.100.7"' "$TMP/decisions.jsonl" 2>/dev/null; }
wait_until 10 banned && ok || fail "the client probing both servers is banned: $(cat "$TMP/decisions.jsonl" 2>/dev/null)"
expect_not_contains "the ordinary client is not" "$(cat "$TMP/decisions.jsonl")" '198.51.100.8'
# The fifth request, which banned, went to web1, which sends its host name.
expect_contains "the ban names the server that logged it" "$(cat "$TMP/decisions.jsonl")" \
  "\"source\":{\"ip\":\"198.51.100.7\"},\"host\":{\"name\":\"$(hostname)\"},\"defender\":{"
kill -TERM "$scan"
wait "$scan" && st=0 || st=$?
expect_eq "SIGTERM ends the run cleanly" "$st" 0
expect_contains "stats: the messages and what was dropped" "$(cat "$TMP/stats")" \
  "syslog messages 7, dropped: not allowed 0, malformed 1"
expect_contains "stats: the lines from both servers" "$(cat "$TMP/stats")" "lines 6,"

# A client whose requests nginx logs as lines of 20 KB (a user agent of
# bytes it logs as \xHH): nginx sends such a line whole, but datagrams over
# 16 KB were cut and dropped as malformed, so its probes were never seen.
"$DEFENDER_SCAN" --syslog-listen "udp://127.0.0.1:$sport" --format defender --stats \
  --json "$TMP/long.jsonl" 2> "$TMP/stats3" &
scan=$!
wait_until 10 has_open "$scan" "socket:" || fail "defender-scan did not open its socket"
for path in /.env /.git/config /backup.sql /id_rsa /.htpasswd; do
  python3 - "${ports[0]}" "$path" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET " + sys.argv[2].encode() + b" HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100.10\r\n"
          b"User-Agent: " + b"\xff" * 5000 + b"\r\nConnection: close\r\n\r\n")
s.recv(100)
PY
done
long_banned() { grep -q '"action":"ban".*"value":"198.51.100.10"' "$TMP/long.jsonl" 2>/dev/null; }
wait_until 10 long_banned && ok || fail "a client logged in 20 KB lines is banned: $(head -c 300 "$TMP/long.jsonl" 2>/dev/null)"
kill -TERM "$scan"
wait "$scan" || true
expect_contains "  none of its lines dropped" "$(cat "$TMP/stats3")" "syslog messages 5, dropped: not allowed 0, malformed 0"

# Senders outside --syslog-allow are dropped and counted.
"$DEFENDER_SCAN" --syslog-listen "udp://127.0.0.1:$sport" --syslog-allow 10.0.0.0/8 --format defender --stats \
  --json "$TMP/refused.jsonl" 2> "$TMP/stats2" &
scan=$!
wait_until 10 has_open "$scan" "socket:" || fail "defender-scan did not open its socket"
get 198.51.100.9 "${ports[0]}" /.env
sleep 0.5
kill -TERM "$scan"
wait "$scan" || true
expect_contains "a sender not allowed is counted" "$(cat "$TMP/stats2")" "syslog messages 1, dropped: not allowed 1"
expect_contains "and its line not read" "$(cat "$TMP/stats2")" "lines 0,"

# A port in use fails the start; a bad listen address is a usage error.
"$DEFENDER_SCAN" --syslog-listen "udp://127.0.0.1:$sport" > /dev/null 2>&1 &
holder=$!
wait_until 10 has_open "$holder" "socket:" || fail "defender-scan did not open its socket"
timeout 10 "$DEFENDER_SCAN" --syslog-listen "udp://127.0.0.1:$sport" < /dev/null > /dev/null 2> "$TMP/err" && st=0 || st=$?
expect_eq "port in use: exit" "$st" 1
expect_contains "port in use: message" "$(cat "$TMP/err")" "--syslog-listen udp://127.0.0.1:$sport: Address already in use"
kill -TERM "$holder"
wait "$holder" || true
"$DEFENDER_SCAN" --syslog-listen "sctp://127.0.0.1:$sport" < /dev/null > /dev/null 2> "$TMP/err" && st=0 || st=$?
expect_eq "another scheme: exit" "$st" 2
expect_contains "another scheme: message" "$(cat "$TMP/err")" "not udp://ADDRESS:PORT or tcp://ADDRESS:PORT"
"$DEFENDER_SCAN" --syslog-listen "udp://127.0.0.1:$sport" --syslog-allow nonsense < /dev/null > /dev/null 2> "$TMP/err" && st=0 || st=$?
expect_eq "bad --syslog-allow: exit" "$st" 2

# serve fed by both servers' syslog: the fleet's one /api/check.
api_port=$(free_port)
start_serve "$api_port" --syslog-listen "udp://127.0.0.1:$sport" --format defender < /dev/null > "$TMP/serve.jsonl"
check() { curl -s -o /dev/null -w '%{http_code}' -H "X-Real-IP: $1" "http://127.0.0.1:$api_port/api/check"; }
expect_eq "served: a client is let through" "$(check 198.51.100.20)" 200
get 198.51.100.20 "${ports[0]}" /.env
get 198.51.100.20 "${ports[1]}" /.git/config
get 198.51.100.20 "${ports[0]}" /backup.sql
get 198.51.100.20 "${ports[1]}" /id_rsa
get 198.51.100.20 "${ports[1]}" /.htpasswd
refused() { [[ "$(check 198.51.100.20)" == 403 ]]; }
wait_until 5 refused && ok || fail "served: the client probing both servers is refused by /api/check"
kill -TERM "$serve"
wait "$serve" || true
# samples/deploy/nginx/fleet.conf (docker-compose.fleet.yml: replicas that
# send their log to a central defender-scan) is a configuration nginx
# takes, with the service's name replaced by loopback.
mkdir -p "$TMP/deploy/defender"
cp "$SOURCE_DIR/samples/nginx/serve/defender-check.conf" "$TMP/deploy/defender/"
sed -e "s/defender:8080/127.0.0.1:$(free_port)/" -e "s/defender:5514/127.0.0.1:$sport/" \
    -e "s/listen 80;/listen 127.0.0.1:$(free_port);/" -e "s|/etc/nginx/defender/|$TMP/deploy/defender/|" \
    -e "s|/usr/share/nginx/html|$TMP/deploy|" "$SOURCE_DIR/samples/deploy/nginx/fleet.conf" > "$TMP/deploy/fleet.conf"
write_nginx_conf "$TMP/deploy" <<CONF
  include $SOURCE_DIR/samples/nginx/defender-log-format.conf;
  include $TMP/deploy/fleet.conf;
CONF
nginx -p "$TMP/deploy" -c "$TMP/deploy/nginx.conf" -t 2> "$TMP/deploy/t.err" && ok ||
  fail "nginx -t on samples/deploy/nginx/fleet.conf: $(cat "$TMP/deploy/t.err")"
finish
