#!/usr/bin/env bash
# `defender-scan report`: a dry run over a log written as one self-contained
# HTML page, rendered by a real headless Chromium: the charts and the
# attackers are there, a <script> and an <img onerror> a client put in its
# request and user agent show as text and never run, the page loads nothing
# from anywhere; the JSON form has the same content. The screenshot is kept
# as $BUILD_DIR/report.png (docs/report.png is one).
source "$(dirname "$0")/lib/common.sh"
command -v chromium > /dev/null || { echo "chromium is not installed (scripts/setup.sh)"; exit 77; }

log="$TMP/access.log"
cp "$SOURCE_DIR/samples/access.log" "$log"
# A client that probes for sensitive files with markup in its request and user agent.
for f in .env .git/config backup.sql id_rsa .htpasswd; do
  echo "203.0.113.66 - - [31/Mar/2024:00:32:00 +0000] \"GET /$f?<img%20src=x%20onerror=alert(1)> HTTP/1.1\" 404 5 \"-\" \"<script>document.title='pwned'</script><img src=x onerror=document.title='pwned'>\" 0.010 0.010 \"-\""
done >> "$log"
"$DEFENDER_SCAN" report -o "$TMP/report.html" "$log" 2> "$TMP/err" && ok || fail "report failed: $(cat "$TMP/err")"
expect_contains "it says where the report went" "$(cat "$TMP/err")" "report written to $TMP/report.html"
html=$(cat "$TMP/report.html")
expect_not_contains "no script in the page" "$html" "<script"
expect_contains "the log's markup escaped" "$html" "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"
grep -Eq '<[a-z]+ [^>]*(src|href)=' "$TMP/report.html" && fail "the page loads something" || ok
expect_contains "a policy that forbids scripts" "$html" "default-src 'none'"
size=$(stat -c %s "$TMP/report.html")
(( size < 2000000 )) && ok || fail "the page is $size bytes"

# Rendered by Chromium: its DOM after load, and a screenshot.
chrome=(chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$TMP/chrome")
"${chrome[@]}" --dump-dom "file://$TMP/report.html" > "$TMP/dom.html" 2> "$TMP/chrome.err" ||
  fail "chromium did not render the report: $(tail -3 "$TMP/chrome.err")"
dom=$(cat "$TMP/dom.html")
expect_contains "the title is the report's (no script ran)" "$dom" "<title>defender-scan report</title>"
expect_not_contains "no script element in the rendered page" "$dom" "<script"
expect_not_contains "no img element either" "$dom" "<img"
expect_contains "the attacker is listed" "$dom" "<code>203.0.113.66</code>"
expect_contains "... with its scenario" "$(grep -A3 '203.0.113.66' <<<"$dom")" "http-sensitive-files"
expect_contains "... and its line, as text" "$dom" "&lt;script&gt;document.title='pwned'&lt;/script&gt;"
bars=$(grep -o '<rect' <<<"$dom" | wc -l)
(( bars > 30 )) && ok || fail "the charts have $bars bars"
for id in totals attackers scenarios statuses rejects settings; do
  expect_contains "section $id" "$dom" "id=\"$id\""
done
"${chrome[@]}" --window-size=1200,1500 --screenshot="$TMP/report.png" "file://$TMP/report.html" > /dev/null 2>&1
[[ -s "$TMP/report.png" ]] && ok || fail "no screenshot"
if [[ -n "${BUILD_DIR:-}" && -d "$BUILD_DIR" ]]; then cp "$TMP/report.png" "$BUILD_DIR/report.png"; fi

# JSON: the same content for other tools; --top bounds the list.
"$DEFENDER_SCAN" report -o "$TMP/report.json" --top 5 "$log" 2> /dev/null
expect_eq "JSON: five attackers" "$(jq '.attackers | length' "$TMP/report.json")" 5
expect_eq "JSON: the same bans as the page" "$(jq '.totals.bans' "$TMP/report.json")" \
  "$(grep -o '<b>[0-9]*</b>bans' "$TMP/report.html" | grep -o '[0-9]*')"
"$DEFENDER_SCAN" report -o "$TMP/all.json" "$log" 2> /dev/null
expect_contains "JSON: the evidence as it was" \
  "$(jq -r '.attackers[] | select(.client == "203.0.113.66") | .evidence' "$TMP/all.json")" "<script>document.title='pwned'</script>"
expect_eq "JSON: timeline bars add up to the lines" "$(jq '[.timeline.bars[].requests] | add' "$TMP/all.json")" \
  "$(jq '.totals.parsed' "$TMP/all.json")"
set +e
"$DEFENDER_SCAN" report -o "$TMP/x.html" --report-format pdf "$log" 2> /dev/null; status=$?
set -e
expect_eq "an unknown report format: exit 2" "$status" 2
set +e
"$DEFENDER_SCAN" report -o "$TMP/x.html" --follow "$log" 2> "$TMP/follow.err"; status=$?
set -e
expect_eq "a report of a followed file (it would never end): exit 2" "$status" 2
expect_contains "... saying why" "$(cat "$TMP/follow.err")" "not with --follow"
# A pipe is read to its end.
cat "$log" | "$DEFENDER_SCAN" report -o "$TMP/piped.json" 2> /dev/null
expect_eq "a piped log: the same bans" "$(jq '.totals.bans' "$TMP/piped.json")" "$(jq '.totals.bans' "$TMP/all.json")"
finish
