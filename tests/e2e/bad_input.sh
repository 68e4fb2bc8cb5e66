#!/usr/bin/env bash
# Bad input never crashes the binary, never confuses the client, and every
# rejected line is counted by reason.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/nginx.sh"

good='198.51.100.7 - - [31/Mar/2024:01:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "Mozilla/5.0"'
{
  echo "$good"
  head -c $((10 * 1024 * 1024)) /dev/zero | tr '\0' 'A'; echo            # a 10 MB line
  printf '198.51.100.7 - - [31/Mar/2024:01:00:01 +0000] "GET /\0x HTTP/1.1" 200 5 "-" "nul"\n'
  printf '198.51.100.7 - - [31/Mar/2024:01:00:02 +0000] "GET /\xff\xfe\xc0\xaf HTTP/1.1" 200 5 "-" "\xe9t\xe9"\n'
  printf '198.51.100.7 - - [31/Mar/2024:01:00:03 +0000] "\\x16\\x03\\x01\\x00\\xF1\\x01" 400 157 "-" "-"\n'
  # a user agent and a URI that carry a whole fake log line with another address
  echo '198.51.100.7 - - [31/Mar/2024:01:00:04 +0000] "GET /?x=\x226.6.6.6 - - [31/Mar/2024:01:00:04 +0000] \x22GET / HTTP/1.1\x22 200 HTTP/1.1" 404 0 "-" "6.6.6.6 - - [31/Mar/2024:01:00:04 +0000] \x22GET /\x22 200 0 \x22-\x22 \x22x\x22"'
  for addr in 010.1.1.1 1.2.3 0x7f.1 2130706433 256.1.1.1 'fe80::1%eth0' ' 1.2.3.4' '::ffff:01.2.3.4' '6.6.6.6,1.1.1.1'; do
    echo "$addr - - [31/Mar/2024:01:00:05 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\""
  done
  printf '\x00\x01\x02\x03\x04binary junk\xff\n'
  echo 'garbage'
  printf '\n'
  echo "$good"
} > "$TMP/bad.log"

out=$("$DEFENDER_SCAN" --format combined --explain --stats "$TMP/bad.log" 2>"$TMP/stats") || fail "exit status $?"
stats=$(cat "$TMP/stats")
clients=$(grep -o '"client":"[^"]*"' <<<"$out" | sort -u)
expect_eq "only the real client is ever a client" "$clients" '"client":"198.51.100.7"'
expect_contains "10 MB line counted" "$stats" "rejected too_long: 1"
expect_contains "non-canonical addresses counted" "$stats" "rejected bad_client: 9"
expect_contains "junk counted" "$stats" "rejected format_mismatch: 2"
expect_contains "blank line counted" "$stats" "rejected empty: 1"
expect_contains "all lines seen" "$stats" "lines 19,"
expect_contains "good lines parsed" "$stats" "parsed 6,"
expect_eq "output is valid JSON lines" "$(python3 -c 'import json,sys
[json.loads(l) for l in sys.stdin]
print("ok")' <<<"$out")" "ok"
expect_contains "TLS bytes are a record with an empty method" "$out" '"method":"","path":"","query":"","status":400'

# A truncated .gz: the lines before the damage count, the run goes on with the
# next input, and the exit status says an input failed.
for i in $(seq 1 20000); do echo "$good"; done | gzip -c > "$TMP/full.gz"
head -c $(( $(stat -c %s "$TMP/full.gz") / 2 )) "$TMP/full.gz" > "$TMP/cut.gz"
echo "$good" > "$TMP/after.log"
set +e
"$DEFENDER_SCAN" --stats "$TMP/cut.gz" "$TMP/after.log" >/dev/null 2>"$TMP/stats2"
status=$?
set -e
stats=$(cat "$TMP/stats2")
expect_eq "truncated input exits 1" "$status" 1
expect_contains "truncated input reported" "$stats" "cut.gz: truncated compressed input"
expect_contains "the input error is counted" "$stats" "inputs 2 (errors 1)"
parsed=$(sed -n 's/.*parsed \([0-9]*\),.*/\1/p' <<<"$stats")
if (( parsed > 1000 && parsed < 20001 )); then ok; else fail "parsed $parsed lines of a half .gz"; fi

# The longest lines a client can make a real nginx write, with its default
# buffers (8 KB a header line): a request line, a user agent, a referer and
# an X-Forwarded-For of bytes nginx logs as \xHH, four bytes each. Such a
# line (about 126 KB) was over the 64 KiB --max-line of old: skipped
# unread, so the client's probes were never seen.
port=$(free_port)
write_nginx_conf "$TMP/nginx" <<CONF
  include $SOURCE_DIR/samples/nginx/defender-log-format.conf;
  access_log $TMP/nginx/logs/access.log defender;
  server {
    listen 127.0.0.1:$port;
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Real-IP;
    location / { return 404; }
  }
CONF
start_nginx "$TMP/nginx" || fail "nginx did not start"
python3 - "$port" <<'PY'
import socket, sys
high = bytes(range(0x80, 0x100)) * 61  # 7808 bytes nginx logs as \xHH
for i in range(12):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.sendall(b"GET /.env" + str(i).encode() + b"?" + high[:7900 - 20] + b" HTTP/1.1\r\nHost: x\r\nX-Real-IP: 203.0.113.41\r\n"
              b"User-Agent: " + high + b"\r\nReferer: " + high + b"\r\nX-Forwarded-For: " + high + b"\r\nConnection: close\r\n\r\n")
    s.recv(100)
    s.close()
PY
wait_until 10 test "$(wc -l < "$TMP/nginx/logs/access.log")" -ge 12 || fail "nginx logged $(wc -l < "$TMP/nginx/logs/access.log") lines"
longest=$(awk '{ if (length($0) > n) n = length($0) } END { print n }' "$TMP/nginx/logs/access.log")
if (( longest > 120000 )); then ok; else fail "nginx wrote lines of $longest bytes at most"; fi
out=$("$DEFENDER_SCAN" --format defender --stats "$TMP/nginx/logs/access.log" 2> "$TMP/long.stats")
expect_contains "the longest lines nginx writes are read: the client is banned" "$(grep '"action":"ban"' <<<"$out")" \
  '"source":{"ip":"203.0.113.41"}'
expect_not_contains "  none skipped" "$(cat "$TMP/long.stats")" "too_long"

finish
