#!/usr/bin/env bash
# Verified crawlers (allow_crawlers: verified): a client in a published
# crawler range, or whose claim to be Googlebot reverse-then-forward DNS
# confirms, is reported and not banned; a claim DNS does not confirm is
# banned like anyone. The scan runs in its own network and mount namespaces
# (unshare -n -m) with a test /etc/hosts and a test DNS server on its
# loopback, so nothing leaves the machine.
source "$(dirname "$0")/lib/common.sh"

google_ua="Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
probe() {  # probe CLIENT UA: 12 distinct 404s in 12 s, which http-probing bans
  for i in $(seq 10 21); do
    echo "$1 - - [31/Mar/2024:01:00:$i +0000] \"GET /old-link-$i HTTP/1.1\" 404 153 \"-\" \"$2\""
  done
}
{
  probe 192.0.2.7 "$google_ua"                # in the published ranges
  probe 198.51.100.20 "Mozilla/5.0 (X11; Linux x86_64) Firefox/124.0"  # no claim
  probe 66.249.66.1 "$google_ua"              # reverse and forward agree
  probe 203.0.113.77 "$google_ua"             # reverse name is not Google's
  probe 203.0.113.78 "$google_ua"             # no reverse name at all
  probe 203.0.113.79 "$google_ua"             # its PTR says googlebot.com, the name's A record disagrees
  probe 66.249.66.3 "$google_ua"              # PTR and A agree, from the DNS server
  probe 2001:db8:4801:7::9 "$google_ua"       # an IPv6 crawler range
} > "$TMP/access.log"
sort -t: -k3 -s "$TMP/access.log" -o "$TMP/access.log"

cat > "$TMP/config.yaml" <<YAML
allow_crawlers: verified
crawler_ranges: [ranges.json]
YAML
cp "$SOURCE_DIR/samples/crawlers/example-ranges.json" "$TMP/ranges.json"
cat > "$TMP/hosts" <<HOSTS
127.0.0.1 localhost
66.249.66.1 crawl-66-249-66-1.googlebot.com
203.0.113.77 crawl-66-249-66-1.googlebot.com.attacker.example
HOSTS
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' > "$TMP/resolv.conf"
# What an attacker controls: the PTR record of its own address.
cat > "$TMP/dns.txt" <<DNS
79.113.0.203.in-addr.arpa PTR crawl-spoof.googlebot.com
crawl-spoof.googlebot.com A 66.249.66.2
3.66.249.66.in-addr.arpa PTR crawl-66-249-66-3.googlebot.com
crawl-66-249-66-3.googlebot.com A 66.249.66.3
DNS

run_isolated() {  # the scan with the test's hosts file and DNS server
  unshare -n -m bash -c '
    ip link set lo up
    mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf
    python3 "$3" "$4" "$5" & dns=$!
    for _ in $(seq 100); do [[ -f "$5" ]] && break; sleep 0.05; done
    shift 5
    "$@"; status=$?
    kill $dns
    exit $status' _ "$TMP/hosts" "$TMP/resolv.conf" "$SOURCE_DIR/tests/e2e/lib/dns_server.py" "$TMP/dns.txt" \
    "$TMP/dns.ready" "$@"
}
out=$(run_isolated "$DEFENDER_SCAN" --config "$TMP/config.yaml" --stats "$TMP/access.log" 2> "$TMP/stats")
ban_of() { grep "\"action\":\"ban\"" <<<"$out" | grep -c "\"ip\":\"$1\"" || true; }
suppressed_as() { grep "\"ip\":\"$1\"" <<<"$out" | grep -o '"suppressed":"[a-z_]*"' | sort -u | tr -d '\n'; }

expect_eq "in the published ranges: not banned" "$(ban_of 192.0.2.7)" 0
expect_eq "  and reported as a verified crawler" "$(suppressed_as 192.0.2.7)" '"suppressed":"verified_crawler"'
expect_eq "IPv6 range: reported as a verified crawler" "$(suppressed_as 2001:db8:4801:7::9)" '"suppressed":"verified_crawler"'
expect_eq "reverse then forward DNS confirms Googlebot: not banned" "$(ban_of 66.249.66.1)" 0
expect_eq "  and reported as a verified crawler" "$(suppressed_as 66.249.66.1)" '"suppressed":"verified_crawler"'
expect_eq "a reverse name that only contains googlebot.com: banned" "$(ban_of 203.0.113.77)" 1
expect_eq "no reverse name: banned" "$(ban_of 203.0.113.78)" 1
expect_eq "a PTR that claims googlebot.com but does not resolve back: banned" "$(ban_of 203.0.113.79)" 1
expect_eq "PTR and A from DNS agree: not banned" "$(ban_of 66.249.66.3)" 0
expect_eq "no claim, no lookup: banned" "$(ban_of 198.51.100.20)" 1
expect_contains "stats count the DNS checks" "$(cat "$TMP/stats")" \
  "crawler claims checked by DNS 5, verified 2, not verified 3, over the lookup budget 0"

# Without allow_crawlers the same claim is only a user agent: banned.
out=$(run_isolated "$DEFENDER_SCAN" "$TMP/access.log")
expect_eq "without allow_crawlers: the real Googlebot is judged by what it does" "$(ban_of 66.249.66.1)" 1

# A broken or too wide list is a configuration error, named.
printf '{"prefixes":[{"ipv4Prefix":"0.0.0.0/1"}]}' > "$TMP/ranges.json"
set +e
err=$("$DEFENDER_SCAN" --config "$TMP/config.yaml" /dev/null 2>&1); status=$?
set -e
expect_eq "a range wider than a /16: exit 2" "$status" 2
expect_contains "  says why" "$err" "'0.0.0.0/1' is wider than any crawler's range"

finish
