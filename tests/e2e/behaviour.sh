#!/usr/bin/env bash
# behaviour-anomaly, the model learned from the site's own traffic: on
# generated traffic it reports the clients no rule names (a slow brute force
# against a page answering 200) with the features that drove it, and no
# ordinary client; it reports by default and bans only when configured,
# never an allowlisted client; its baseline and windows carry over --state,
# so a cron run scores at once where a fresh one is still learning; a
# damaged saved model is said and learned anew. A client that claims to be
# a crawler is only reported by it, unless crawler claims are verified.
source "$(dirname "$0")/lib/common.sh"

"$LOGGEN" --lines 400000 --seed 5 --benign-only --behaviour --truth "$TMP/truth.tsv" > "$TMP/behaviour.log"
"$LOGGEN" --lines 400000 --seed 6 --benign-only > "$TMP/benign.log"

# Benign traffic: nothing unusual.
"$DEFENDER_SCAN" --format defender "$TMP/benign.log" > "$TMP/benign.jsonl" 2> "$TMP/err" || fail "benign run: $(cat "$TMP/err")"
expect_eq "no behaviour-anomaly on benign traffic" "$(grep -c '"behaviour-anomaly"' "$TMP/benign.jsonl")" 0

# The slow brute forces are found, explained, and only reported.
"$DEFENDER_SCAN" --format defender "$TMP/behaviour.log" > "$TMP/out.jsonl" 2> "$TMP/err" || fail "run: $(cat "$TMP/err")"
for ip in $(awk -F'\t' '$2 == "behaviour:slow-bf-200" {print $1}' "$TMP/truth.tsv"); do
  line=$(grep '"behaviour-anomaly"' "$TMP/out.jsonl" | grep -F "\"ip\":\"$ip\"" | head -1)
  expect_contains "slow brute force $ip reported" "$line" '"suppressed":"simulate"'
  expect_contains "explained by its POSTs" "$line" '{"name":"post_share","value":1,'
  expect_contains "and its one path" "$line" '"name":"top_path_share"'
done
benign_alerts=$(python3 - "$TMP/truth.tsv" "$TMP/out.jsonl" <<'PY'
import ipaddress, json, sys
nets = [ipaddress.ip_network(l.split("\t")[0], strict=False) for l in open(sys.argv[1])]
n = 0
for line in open(sys.argv[2]):
    d = json.loads(line)
    if d["rule"]["name"] == "behaviour-anomaly":
        a = ipaddress.ip_address(d["source"]["ip"])
        n += not any(a in net for net in nets)
print(n)
PY
)
expect_eq "no ordinary client reported among them" "$benign_alerts" 0

# Configured to ban: the brute force is banned, an allowlisted one is not.
printf 'scenarios:\n  behaviour-anomaly:\n    simulate: false\n' > "$TMP/ban.yaml"
first=$(awk -F'\t' '$2 == "behaviour:slow-bf-200" {print $1; exit}' "$TMP/truth.tsv")
second=$(awk -F'\t' '$2 == "behaviour:slow-bf-200" {print $1}' "$TMP/truth.tsv" | sed -n 2p)
"$DEFENDER_SCAN" --format defender --config "$TMP/ban.yaml" --allow "$second" "$TMP/behaviour.log" > "$TMP/ban.jsonl" 2> "$TMP/err" ||
  fail "ban run: $(cat "$TMP/err")"
expect_contains "banned when configured" "$(grep '"behaviour-anomaly"' "$TMP/ban.jsonl" | grep -F "\"ip\":\"$first\"")" '"action":"ban"'
expect_contains "never an allowlisted client" "$(grep '"behaviour-anomaly"' "$TMP/ban.jsonl" | grep -F "\"ip\":\"$second\"")" '"suppressed":"allowlist"'

# Cron: the first run learns the site and saves the model; the second,
# over a few minutes of a new brute force right after, scores it at once.
last=$(tail -1 "$TMP/benign.log" | sed -E 's/.*\[([^]]+)\].*/\1/')
start=$(date -u -d "$(echo "$last" | sed -E 's#^([0-9]+)/([A-Za-z]+)/([0-9]+):([0-9:]+) (.*)#\1 \2 \3 \4 \5#')" +%s)
for k in $(seq 1 12); do
  t=$(date -u -d "@$((start + 60 + k * 20))" '+%d/%b/%Y:%H:%M:%S +0000')
  echo "198.51.100.77 - - [$t] \"POST /wp-admin/admin-ajax.php HTTP/1.1\" 200 812 \"-\" \"curl/8.4\" 0.020 0.020 \"-\""
  # The same from clients that say they are Googlebot: one in Google's
  # published ranges (the sample's), one not.
  for claimant in 198.51.100.78 192.0.2.7; do
    echo "$claimant - - [$t] \"POST /wp-admin/admin-ajax.php HTTP/1.1\" 200 812 \"-\" \"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)\" 0.020 0.020 \"-\""
  done
done > "$TMP/later.log"
"$DEFENDER_SCAN" --format defender --state "$TMP/state.db" "$TMP/benign.log" > /dev/null 2> "$TMP/err" || fail "first cron run: $(cat "$TMP/err")"
expect_eq "the model is saved" "$(sqlite3 "$TMP/state.db" "SELECT name, length(data) > 100000 FROM models")" "behaviour|1"
"$DEFENDER_SCAN" --format defender "$TMP/later.log" > "$TMP/fresh.jsonl" 2> "$TMP/err" || fail "fresh run: $(cat "$TMP/err")"
expect_eq "a fresh run is still learning" "$(grep -c '"behaviour-anomaly"' "$TMP/fresh.jsonl")" 0
cp "$TMP/state.db" "$TMP/learned.db"
"$DEFENDER_SCAN" --format defender --config "$TMP/ban.yaml" --state "$TMP/state.db" "$TMP/later.log" > "$TMP/cron.jsonl" 2> "$TMP/err" ||
  fail "second cron run: $(cat "$TMP/err")"
expect_contains "the next cron run scores at once, and bans as configured" \
  "$(grep '"behaviour-anomaly"' "$TMP/cron.jsonl" | grep -F '"ip":"198.51.100.77"')" '"action":"ban"'
# Crawlers look unusual: without a way to verify a claim, a client that
# says it is one is only reported by the model...
for claimant in 198.51.100.78 192.0.2.7; do
  expect_contains "without allow_crawlers: the claim of $claimant is only reported" \
    "$(grep '"behaviour-anomaly"' "$TMP/cron.jsonl" | grep -F "\"ip\":\"$claimant\"")" '"suppressed":"simulate"'
done
# ...with allow_crawlers: verified the claim is checked: a verified crawler
# is reported, a claim DNS does not confirm is judged like anyone (a user
# agent is not a pass). The run has no network and no DNS server: the
# reverse lookup fails at once.
cp "$SOURCE_DIR/samples/crawlers/example-ranges.json" "$TMP/ranges.json"
printf 'allow_crawlers: verified\ncrawler_ranges: [ranges.json]\nscenarios:\n  behaviour-anomaly:\n    simulate: false\n' > "$TMP/verify.yaml"
printf '127.0.0.1 localhost\n' > "$TMP/hosts"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > "$TMP/resolv.conf"
unshare -n -m bash -c 'ip link set lo up && mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf && shift 2 && exec "$@"' \
  _ "$TMP/hosts" "$TMP/resolv.conf" "$DEFENDER_SCAN" --format defender --config "$TMP/verify.yaml" --state "$TMP/learned.db" \
  "$TMP/later.log" > "$TMP/verify.jsonl" 2> "$TMP/err" || fail "verifying run: $(cat "$TMP/err")"
expect_contains "allow_crawlers: verified: a crawler in the published ranges is reported" \
  "$(grep '"behaviour-anomaly"' "$TMP/verify.jsonl" | grep -F '"ip":"192.0.2.7"')" '"suppressed":"verified_crawler"'
expect_contains "allow_crawlers: verified: a claim not confirmed is banned" \
  "$(grep '"behaviour-anomaly"' "$TMP/verify.jsonl" | grep -F '"ip":"198.51.100.78"')" '"action":"ban"'

# A damaged saved model: said, learned anew, the run goes on.
sqlite3 "$TMP/state.db" "UPDATE models SET data = X'00010203' WHERE name = 'behaviour'"
"$DEFENDER_SCAN" --format defender --state "$TMP/state.db" "$TMP/later.log" > /dev/null 2> "$TMP/err" && ok || fail "run with a damaged model failed"
expect_contains "the damaged model is said" "$(cat "$TMP/err")" "behaviour model"
finish
