#!/usr/bin/env bash
# Detection on generated workloads with ground truth: no benign client is
# banned, every attacker is banned by the scenario of its kind within
# seconds of log time; allowlist, trusted proxies and the error log.
source "$(dirname "$0")/lib/common.sh"
: "${LOGGEN:?set by ctest}"
evaluate="$(dirname "$0")/lib/evaluate.py"

# 1M benign lines: browsing, SPAs, assets, favicon/robots 404s, searches with
# quotes and SQL-ish words, logins with typos, crawlers, a 5xx incident.
"$LOGGEN" --lines 1000000 --benign-only --seed 11 > "$TMP/benign.log"
"$DEFENDER_SCAN" --stats "$TMP/benign.log" > "$TMP/benign.jsonl" 2> "$TMP/benign.stats"
expect_contains "benign: 1M lines parsed" "$(cat "$TMP/benign.stats")" "parsed 1000000, rejected 0"
expect_contains "benign: zero bans" "$(cat "$TMP/benign.stats")" "bans 0,"
expect_eq "benign: no decisions at all" "$(wc -l < "$TMP/benign.jsonl")" 0

# 1M lines with every kind of attack mixed in.
"$LOGGEN" --lines 1000000 --seed 12 --truth "$TMP/truth.tsv" > "$TMP/attack.log"
"$DEFENDER_SCAN" "$TMP/attack.log" > "$TMP/attack.jsonl"
result=$(python3 "$evaluate" "$TMP/truth.tsv" "$TMP/attack.jsonl") && ok || fail "evaluation: $result"
echo "$result" | tail -1
attackers=$(wc -l < "$TMP/truth.tsv")
expect_contains "every attacker caught by its scenario, none late, no false ban" "$result" \
  "$attackers attackers, $attackers caught by their scenario, 0 late, 0 missed, 0 false bans"

# Every decision is well-formed JSON with the schema's fields.
python3 - "$TMP/attack.jsonl" <<'PY' && ok || fail "schema"
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    assert d["event"]["action"] in ("ban", "unban", "detect"), d
    assert d["rule"]["name"] and d["source"]["ip"] and "@timestamp" in d, d
    if d["event"]["action"] == "ban":
        dec = d["defender"]["decision"]
        assert dec["scope"] in ("ip", "range") and dec["duration_s"] > 0 and dec["until"], d
        assert 0 < d["defender"]["score"] <= 100 and d["defender"]["events_count"] >= 1, d
PY

# An allowlisted attacker is reported as detect, never banned.
attacker=$(awk -F'\t' '$2 == "http-sensitive-files" && $1 !~ /:/ {print $1; exit}' "$TMP/truth.tsv")
out=$("$DEFENDER_SCAN" --allow "$attacker" "$TMP/attack.log")
expect_contains "allowlisted attacker reported" "$out" "\"ip\":\"$attacker\"},\"defender\":{\"events_count\":5,\"score\":60,\"suppressed\":\"allowlist\"}"
expect_not_contains "allowlisted attacker not banned" "$out" "\"value\":\"$attacker\""

# Behind a trusted proxy the client comes from X-Forwarded-For, right to left.
{
  i=0
  for f in /.env /.git/config /backup.sql /id_rsa /.htpasswd; do
    i=$((i + 1))
    echo "10.0.0.1 - - [31/Mar/2024:01:00:0$i +0000] \"GET $f HTTP/1.1\" 404 0 \"-\" \"x\" 0.001 - \"6.6.6.6, 203.0.113.50\""
  done
  for i in $(seq 10 130); do  # ordinary visitors through the same proxy
    echo "10.0.0.1 - - [31/Mar/2024:01:02:00 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\" 0.001 0.001 \"198.51.100.$i\""
  done
} > "$TMP/proxied.log"
out=$("$DEFENDER_SCAN" --format defender --trusted-proxy 10.0.0.0/8 "$TMP/proxied.log" 2>&1)
expect_contains "the client behind the proxy is banned" "$out" '"value":"203.0.113.50"'
expect_not_contains "the forged first hop is not" "$out" '6.6.6.6'
out=$("$DEFENDER_SCAN" --format defender "$TMP/proxied.log" 2>&1)
expect_contains "without --trusted-proxy the proxy itself is the client" "$out" '"ip":"10.0.0.1"'
expect_contains "and a warning says realip is missing" "$out" "warning: most lines come from 10.0.0.1"

# Weak SQL fragments: none is proof, ten distinct ones within a second are.
{
  for frag in "sleep(5)" "benchmark(1000,md5(1))" "1,null,null" "pg_sleep(5)" "load_file(0x2f)" "chr(65)" \
              "1+union+select+1" "hex(1)" "1+order+by+9--" "md5(2)" "ascii(1)"; do
    echo "203.0.113.70 - - [31/Mar/2024:01:00:00 +0000] \"GET /item?id=$frag HTTP/1.1\" 200 5 \"-\" \"x\""
  done
  echo "203.0.113.71 - - [31/Mar/2024:01:00:00 +0000] \"GET /item?id=sleep(5) HTTP/1.1\" 200 5 \"-\" \"x\""
} > "$TMP/sqli.log"
out=$("$DEFENDER_SCAN" "$TMP/sqli.log")
expect_contains "eleven weak SQL fragments in a second ban" "$out" '"rule":{"name":"http-sqli-probing"},"source":{"ip":"203.0.113.70"}'
expect_not_contains "one fragment alone does not" "$out" '203.0.113.71'

# CrowdSec's single-purpose scenarios, by their names.
{
  echo '203.0.113.80 - - [31/Mar/2024:01:00:00 +0000] "GET /w00tw00t.at.ISC.SANS.DFind:) HTTP/1.1" 400 5 "-" "x"'
  echo '203.0.113.81 - - [31/Mar/2024:01:00:00 +0000] "GET /defender-scan-test-9v3kq7 HTTP/1.1" 404 5 "-" "curl/8.4.0"'
  echo '203.0.113.82 - - [31/Mar/2024:01:00:00 +0000] "GET /irj/portal HTTP/1.1" 404 5 "-" "x"'
  echo '203.0.113.82 - - [31/Mar/2024:01:00:01 +0000] "GET /sap/bc/gui/sap/its/webgui HTTP/1.1" 404 5 "-" "x"'
  for f in wp-config.php.bak wp-config.php~ wp-config.old .wp-config.php.swp wp-config.php.save wp-config.txt; do
    echo "203.0.113.83 - - [31/Mar/2024:01:00:02 +0000] \"GET /$f HTTP/1.1\" 404 5 \"-\" \"x\""
  done
} > "$TMP/crowdsec.log"
out=$("$DEFENDER_SCAN" "$TMP/crowdsec.log")
expect_contains "http-w00tw00t bans" "$out" '"rule":{"name":"http-w00tw00t"},"source":{"ip":"203.0.113.80"}'
expect_contains "http-generic-test alerts" "$out" '"rule":{"name":"http-generic-test"},"source":{"ip":"203.0.113.81"},"defender":{"events_count":1,"score":1,"suppressed":"simulate"}'
expect_not_contains "and never bans" "$out" '"value":"203.0.113.81"'
expect_contains "http-sap-interface-probing bans" "$out" '"rule":{"name":"http-sap-interface-probing"},"source":{"ip":"203.0.113.82"}'
expect_contains "http-wordpress_wpconfig alerts" "$out" '"rule":{"name":"http-wordpress_wpconfig"},"source":{"ip":"203.0.113.83"}'

# Apache with HostnameLookups logs names: each counts as a client and is
# reported, never banned (a name is the client's own PTR record).
for i in $(seq 10 25); do
  echo "dsl-187-22.Attacker.example - - [31/Mar/2024:01:00:$i +0000] \"GET /probe-$i.php HTTP/1.1\" 404 153 \"-\" \"x\""
  echo "dsl-187-23.attacker.example - - [31/Mar/2024:01:00:$i +0000] \"GET / HTTP/1.1\" 200 153 \"-\" \"x\""
done > "$TMP/names.log"
out=$("$DEFENDER_SCAN" --stats --nginx-conf "$TMP/names.conf" "$TMP/names.log" 2> "$TMP/names.stats")
expect_contains "a host name that probes is reported by name" "$out" \
  '"rule":{"name":"http-probing"},"source":{"domain":"dsl-187-22.Attacker.example"}'
expect_contains "  and not banned" "$out" '"suppressed":"hostname"'
expect_not_contains "  no ban at all" "$out" '"action":"ban"'
expect_not_contains "  the other name raises nothing" "$out" 'dsl-187-23'
expect_contains "stats count the named clients" "$(cat "$TMP/names.stats")" "clients logged by host name 32 (never banned)"
expect_eq "the nginx include has no entry" "$(grep -c attacker "$TMP/names.conf" || true)" 0

# A NAT's bucket of distinct paths lives while new ones keep coming (a
# burst of 20, then one a second). It remembered its first 257 paths, and
# counted every request for a later one: a page polled every 2 seconds
# after 260 pages was "a new path" each time, and the NAT was banned
# (http-dos-random-uri, 311 "distinct" paths of 281).
python3 - > "$TMP/nat.log" <<'PY'
import datetime
t0 = datetime.datetime(2024, 3, 31, 2, 0, 0)
def line(s, path):
    t = (t0 + datetime.timedelta(seconds=s)).strftime("%d/%b/%Y:%H:%M:%S +0000")
    print(f'198.51.100.50 - - [{t}] "GET {path} HTTP/1.1" 200 1500 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0" 0.010 0.010 "-"')
for i in range(1, 21):
    line(0, f"/burst/{i}")
for s in range(1, 301):
    line(s, f"/page/{s}")
    if s >= 260 and s % 2 == 0:
        line(s, "/api/poll")
PY
expect_eq "a NAT asking again for a page it asked for is not a new path" "$("$DEFENDER_SCAN" --format defender "$TMP/nat.log")" ""

# Behind a NAT64 or SIIT translator every IPv4 user is 64:ff9b:: and its
# IPv4 address. Counted per /64, 300 users browsing were one client: banned
# within a second, and with them every IPv4 user. Each is its own client;
# an attacker among them is banned alone.
python3 - > "$TMP/nat64.log" <<'PY'
import datetime, ipaddress
t0 = datetime.datetime(2024, 3, 31, 2, 0, 0)
def line(s, client, path, status=200):
    t = (t0 + datetime.timedelta(seconds=s)).strftime("%d/%b/%Y:%H:%M:%S +0000")
    print(f'{client} - - [{t}] "GET {path} HTTP/1.1" {status} 1500 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:124.0) Gecko/20100101 Firefox/124.0" 0.010 0.010 "-"')
nat64 = int(ipaddress.IPv6Address("64:ff9b::"))
for s in range(60):
    for u in range(30):
        user = (s * 30 + u) % 300
        v4 = int(ipaddress.IPv4Address("198.51.100.0")) + user % 250 + (user // 250) * 256
        line(s, ipaddress.IPv6Address(nat64 + v4), f"/page/{user}")
    if s < 20:
        line(s, ipaddress.IPv6Address(nat64 + int(ipaddress.IPv4Address("203.0.113.99"))), f"/old-{s}.php", 404)
PY
out=$("$DEFENDER_SCAN" --format defender "$TMP/nat64.log")
expect_eq "NAT64: one ban" "$(grep -c '"action":"ban"' <<<"$out")" 1
expect_contains "  of the one attacker, alone" "$out" '"source":{"ip":"64:ff9b::cb00:7163"},"defender":{"events_count":12,"score":30,"decision":{"scope":"ip","value":"64:ff9b::cb00:7163"'

# The error log: limit_req refusals and basic-auth failures.
{
  for s in 10 11 12 13 14 15; do
    echo "2024/03/31 01:00:$s [error] 7#7: *$s limiting requests, excess: 20.5 by zone \"one\", client: 203.0.113.60, server: x, request: \"GET / HTTP/1.1\", host: \"x\""
  done
  for s in 20 21 22 23 24 25; do
    echo "2024/03/31 01:00:$s [error] 7#7: *$s user \"admin$s\" was not found in \"/etc/nginx/.htpasswd\", client: 203.0.113.61, server: x, request: \"GET /admin HTTP/1.1\", host: \"x\""
  done
  for s in 30 31 32 33 34 35; do
    echo "2024/03/31 01:00:$s [info] 7#0: *$s client login failed: \"Invalid login or password\" while in http auth state, client: 203.0.113.62, server: 0.0.0.0:993, login: \"user$s\""
    echo "2024/03/31 01:00:$s [info] 7#7: *$s SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number) while SSL handshaking, client: 203.0.113.63, server: 0.0.0.0:443"
  done
} > "$TMP/error.log"
out=$("$DEFENDER_SCAN" "$TMP/error.log")
expect_contains "limit_req repeat offender banned" "$out" '"rule":{"name":"nginx-limit-req"},"source":{"ip":"203.0.113.60"}'
expect_contains "basic-auth guesser banned" "$out" '"rule":{"name":"http-generic-bf"},"source":{"ip":"203.0.113.61"}'
expect_contains "mail proxy guesser banned" "$out" '"rule":{"name":"http-generic-bf"},"source":{"ip":"203.0.113.62"}'
expect_not_contains "TLS handshake failures: off by default" "$out" '203.0.113.63'
printf 'scenarios:\n  nginx-tls-handshake-failed:\n    enabled: true\n' > "$TMP/tls.yaml"
out=$("$DEFENDER_SCAN" --config "$TMP/tls.yaml" "$TMP/error.log")
expect_contains "TLS handshake failures when enabled" "$out" '"rule":{"name":"nginx-tls-handshake-failed"},"source":{"ip":"203.0.113.63"}'

finish
