#!/usr/bin/env bash
# serve's dashboard (GET /ui/) in a real headless Chromium: it lists the
# bans (one from the followed log, one made through the API) and the recent
# alerts with their evidence, draws its charts, and shows a <script> that a
# client put in its user agent as text, never running it. Its files come
# with a Content-Security-Policy that allows nothing inline or from
# elsewhere; with --api-token-file it asks for the token and shows nothing
# without it. The data endpoints (/api/bans, /api/activity) answer JSON.
# The screenshot is kept as $BUILD_DIR/dashboard.png (docs/dashboard.png).
source "$(dirname "$0")/lib/common.sh"
command -v chromium > /dev/null || { echo "chromium is not installed (scripts/setup.sh)"; exit 77; }
chrome=(chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$TMP/chrome"
        --virtual-time-budget=6000)

log="$TMP/access.log"
: > "$log"
port=$(free_port)
start_serve "$port" --follow --format combined "$log" > /dev/null 2> "$TMP/serve.err" < /dev/null
url="http://127.0.0.1:$port"
wait_until 30 has_open "$serve" "$log" || fail "serve never opened the log"
now=$(date -u '+%d/%b/%Y:%H:%M:%S +0000')
for i in $(seq 20); do echo "192.0.2.$i - - [$now] \"GET /page$i HTTP/1.1\" 200 512 \"-\" \"Mozilla/5.0\""; done >> "$log"
for f in .env .git/config backup.sql id_rsa .htpasswd; do
  echo "203.0.113.66 - - [$now] \"GET /$f HTTP/1.1\" 404 5 \"-\" \"<script>document.title='pwned'</script><img src=x onerror=document.title='pwned'>\""
done >> "$log"
banned() { curl -s "$url/api/bans" | grep -q '"203.0.113.66"'; }
wait_until 10 banned || fail "the prober was not banned"
curl -s -X POST -H 'Content-Type: application/json' "$url/api/block" -d '{"ip":"198.51.100.0/24","reason":"api-test"}' > /dev/null

# The data endpoints.
bans=$(curl -s "$url/api/bans")
expect_eq "/api/bans lists both" "$(jq -r '[.bans[].target] | sort | join(" ")' <<<"$bans")" "198.51.100.0/24 203.0.113.66"
expect_eq "/api/bans: the API's reason" "$(jq -r '.bans[] | select(.target == "198.51.100.0/24") | .reason' <<<"$bans")" "api-test"
activity=$(curl -s "$url/api/activity")
expect_eq "/api/activity: 60 minutes" "$(jq '.pipeline.activity.minutes | length' <<<"$activity")" 60
expect_eq "/api/activity: the requests of this minute" "$(jq '[.pipeline.activity.minutes[].requests] | add' <<<"$activity")" 25
expect_contains "/api/activity: the evidence as it was" "$(jq -r '.pipeline.activity.recent[] | select(.target == "203.0.113.66") | .evidence' <<<"$activity")" \
  "<script>document.title='pwned'</script>"
expect_eq "/api/activity: the check latency" "$(jq '.check | has("p99_ms")' <<<"$activity")" true
expect_eq "/api/bans from another site's page: refused" \
  "$(curl -s -o /dev/null -w '%{http_code}' -H 'Origin: http://evil.example' "$url/api/bans")" 403
headers=$(curl -sI "$url/ui/")
expect_contains "/ui/: a strict policy" "$headers" "Content-Security-Policy: default-src 'none'; script-src 'self'"
expect_contains "/ui/: no sniffing" "$headers" "X-Content-Type-Options: nosniff"
expect_contains "/ redirects to the dashboard" "$(curl -sI "$url/")" "Location: /ui/"
expect_eq "an unknown file" "$(curl -s -o /dev/null -w '%{http_code}' "$url/ui/../../etc/passwd")" 404
for f in index.html app.js app.css; do
  expect_not_contains "$f: no inline handler" "$(curl -s "$url/ui/$f")" " onclick="
done

# Rendered by Chromium.
"${chrome[@]}" --dump-dom "$url/ui/" > "$TMP/dom.html" 2> "$TMP/chrome.err" || fail "chromium: $(tail -3 "$TMP/chrome.err")"
dom=$(cat "$TMP/dom.html")
expect_contains "the title is the dashboard's (no script of the log ran)" "$dom" "<title>defender-scan</title>"
expect_eq "one script element: the page's own" "$(grep -o '<script' <<<"$dom" | wc -l)" 1
expect_not_contains "no img element" "$dom" "<img"
expect_contains "the detected ban is listed" "$dom" '<td class="target">203.0.113.66</td>'
expect_contains "the API's ban is listed" "$dom" '<td class="target">198.51.100.0/24</td>'
expect_contains "each with an unban button" "$dom" 'data-target="198.51.100.0/24">unban</button>'
expect_contains "the alert's line, as text" "$dom" "&lt;script&gt;document.title='pwned'&lt;/script&gt;"
expect_contains "top scenarios" "$(sed -n '/id="scenarios"/,/<\/table>/p' <<<"$dom")" "http-sensitive-files"
rects=$(grep -o '<rect' <<<"$dom" | wc -l)
(( rects >= 3 )) && ok || fail "the charts have $rects bars"
"${chrome[@]}" --window-size=1280,1000 --screenshot="$TMP/dashboard.png" "$url/ui/" > /dev/null 2>&1
[[ -s "$TMP/dashboard.png" ]] && ok || fail "no screenshot"
if [[ -n "${BUILD_DIR:-}" && -d "$BUILD_DIR" ]]; then cp "$TMP/dashboard.png" "$BUILD_DIR/dashboard.png"; fi
kill -TERM "$serve"; wait "$serve" 2> /dev/null || true

# With a token: the page asks for it and shows no data without it.
echo "dashboard-token-0123456789abcdef" > "$TMP/token"
port=$(free_port)
start_serve "$port" --api-token-file "$TMP/token" --format combined "$log" > /dev/null 2>&1 < /dev/null
url="http://127.0.0.1:$port"
expect_eq "/api/bans without the token" "$(curl -s -o /dev/null -w '%{http_code}' "$url/api/bans")" 401
"${chrome[@]}" --dump-dom "$url/ui/" > "$TMP/locked.html" 2> /dev/null
locked=$(cat "$TMP/locked.html")
expect_contains "the token form is shown" "$locked" '<form id="token-form">'
expect_not_contains "no ban without the token" "$locked" "203.0.113.66"
"${chrome[@]}" --dump-dom "$url/ui/#token=dashboard-token-0123456789abcdef" > "$TMP/unlocked.html" 2> /dev/null
expect_contains "with the token, the bans" "$(cat "$TMP/unlocked.html")" '<td class="target">203.0.113.66</td>'
kill -TERM "$serve"; wait "$serve" 2> /dev/null || true
finish
