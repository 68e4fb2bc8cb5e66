#!/usr/bin/env bash
# Fleet mode (--redis) with a real redis-server on loopback and several
# `defender-scan serve` nodes: a ban one node detects is refused by
# /api/check on every node within a second, an unban likewise; a node
# started later knows the active bans; the fleet's ban count escalates; a
# Redis restart loses nothing (decisions made meanwhile are queued and
# sent); hostile entries written into Redis by hand reach no sink.
source "$(dirname "$0")/lib/common.sh"
command -v redis-server > /dev/null || { echo "redis-server is not installed (scripts/setup.sh)"; exit 77; }

rport=$(free_port)
start_redis() {  # with persistence, as a fleet's Redis should run
  redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly yes --dir "$TMP" \
    --logfile "$TMP/redis.log" --daemonize no &
  redis=$!
  wait_until 10 redis-cli -p "$rport" ping > /dev/null 2>&1 || fail "redis-server did not start"
}
start_redis
R() { redis-cli -p "$rport" "$@"; }
fleet=(--redis "redis://127.0.0.1:$rport" --redis-prefix "test:")

probe() {  # probe CLIENT: five sensitive files, one ban for http-sensitive-files
  local f now
  now=$(date -u '+%d/%b/%Y:%H:%M:%S +0000')
  for f in .env .git/config backup.sql id_rsa .htpasswd; do
    echo "$1 - - [$now] \"GET /$f HTTP/1.1\" 404 5 \"-\" \"x\""
  done
}
code() { curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' "$@"; }
check() { code "http://127.0.0.1:$1/api/check?ip=$2"; }  # check PORT ADDRESS: 403 when banned there
# within_ms MS CMD...: CMD succeeds within MS milliseconds (polled every 20 ms).
within_ms() {
  local limit=$1 start=${EPOCHREALTIME/./}; shift
  until "$@"; do
    (( (${EPOCHREALTIME/./} - start) / 1000 < limit )) || return 1
    sleep 0.02
  done
}
banned_on() { [[ $(check "$1" "$2") == 403 ]]; }
allowed_on() { [[ $(check "$1" "$2") == 200 ]]; }

declare -a port pid
start_node() {  # start_node N: a serve node following its own log
  port[$1]=$(free_port)
  : >> "$TMP/access$1.log"
  "$DEFENDER_SCAN" serve --listen "127.0.0.1:${port[$1]}" --follow --format combined "${fleet[@]}" \
    --nginx-conf "$TMP/deny$1.conf" --reload-interval 0 "$TMP/access$1.log" \
    > "$TMP/node$1.jsonl" 2> "$TMP/node$1.err" &
  pid[$1]=$!
  wait_until 30 curl -sf "http://127.0.0.1:${port[$1]}/healthz" -o /dev/null || fail "node $1 did not start"
  wait_until 30 has_open "${pid[$1]}" "$TMP/access$1.log" || fail "node $1 never opened its log"
}
for n in 1 2 3; do start_node "$n"; done

# A ban detected from node 1's log: every node refuses the client within 1 s.
probe 203.0.113.1 >> "$TMP/access1.log"
wait_until 10 banned_on "${port[1]}" 203.0.113.1 || fail "node 1 did not ban from its log"
for n in 2 3; do
  within_ms 1000 banned_on "${port[$n]}" 203.0.113.1 && ok || fail "node $n did not refuse 203.0.113.1 within 1 s"
done
expect_contains "node 3's include denies it too" "$(cat "$TMP/deny3.conf")" "deny 203.0.113.1;"
expect_contains "node 2 reports the ban with the node that decided it" "$(cat "$TMP/node2.jsonl")" \
  '"action":"ban"},"rule":{"name":"http-sensitive-files"},"source":{"ip":"203.0.113.1"}'
expect_contains "... named" "$(grep 203.0.113.1 "$TMP/node2.jsonl")" '"node":"'
until1=$(jq -r 'select(.event.action == "ban") | .defender.decision.until' "$TMP/node1.jsonl" | head -1)
until2=$(jq -r 'select(.event.action == "ban") | .defender.decision.until' "$TMP/node2.jsonl" | head -1)
expect_eq "the ban ends at the same time on every node" "$until2" "$until1"
expect_eq "the fleet holds it in its active bans" "$(R hexists test:bans 203.0.113.1)" 1

# An unban on node 2 (the API): lifted everywhere within 1 s.
expect_eq "unblock on node 2" "$(code -X POST "http://127.0.0.1:${port[2]}/api/unblock" -d '{"ip":"203.0.113.1"}')" 200
for n in 1 3; do
  within_ms 1000 allowed_on "${port[$n]}" 203.0.113.1 && ok || fail "node $n did not lift 203.0.113.1 within 1 s"
done
wait_until 5 bash -c "! grep -q 203.0.113.1 '$TMP/deny1.conf'" && ok || fail "node 1's include still denies 203.0.113.1"
expect_eq "gone from the fleet's active bans" "$(R hexists test:bans 203.0.113.1)" 0

# The same client caught again on node 3: its second ban in the fleet.
probe 203.0.113.1 >> "$TMP/access3.log"
wait_until 10 banned_on "${port[3]}" 203.0.113.1 || fail "node 3 did not ban from its log"
expect_eq "the fleet's ban count escalates on another node" \
  "$(jq -r 'select(.event.action == "ban" and .source.ip == "203.0.113.1") | .defender.decision.ban_count' "$TMP/node3.jsonl" | tail -1)" 2

# A range blocked through node 3's API; a node started now knows both.
code -X POST "http://127.0.0.1:${port[3]}/api/block" -d '{"ip":"198.51.100.0/24","duration":"2h"}' > /dev/null
within_ms 1000 banned_on "${port[1]}" 198.51.100.7 && ok || fail "node 1 did not refuse the range within 1 s"
start_node 4
banned_on "${port[4]}" 198.51.100.7 && ok || fail "a node started later does not know the range"
banned_on "${port[4]}" 203.0.113.1 && ok || fail "a node started later does not know the ban"

# `bans add|del --redis` from an admin's shell reach every node.
"$DEFENDER_SCAN" bans add 203.0.113.20 --state "$TMP/admin.db" --duration 1h "${fleet[@]}" > /dev/null &&
  ok || fail "bans add --redis failed"
within_ms 1000 banned_on "${port[2]}" 203.0.113.20 && ok || fail "bans add --redis did not reach node 2 within 1 s"
"$DEFENDER_SCAN" bans del 203.0.113.20 --state "$TMP/admin.db" "${fleet[@]}" > /dev/null && ok || fail "bans del --redis failed"
within_ms 1000 allowed_on "${port[2]}" 203.0.113.20 && ok || fail "bans del --redis did not reach node 2 within 1 s"

# A cron run (a batch over a file) knows the fleet's bans from its start and
# shares its own.
probe 203.0.113.30 > "$TMP/cron.log"
"$DEFENDER_SCAN" --format combined --nginx-conf "$TMP/cron.conf" "${fleet[@]}" "$TMP/cron.log" > "$TMP/cron.jsonl"
expect_contains "a cron run's include has the fleet's bans" "$(cat "$TMP/cron.conf")" "deny 198.51.100.0/24;"
within_ms 1000 banned_on "${port[2]}" 203.0.113.30 && ok || fail "a cron run's ban did not reach node 2"

# Redis goes away: nodes keep enforcing, queue their decisions, say so.
kill "$redis"; wait "$redis" 2> /dev/null || true
banned_on "${port[2]}" 198.51.100.7 && ok || fail "node 2 forgot a ban while Redis is down"
code -X POST "http://127.0.0.1:${port[1]}/api/block" -d '{"ip":"203.0.113.9","duration":"1h"}' > /dev/null
metrics() { curl -s "http://127.0.0.1:${port[1]}/metrics"; }
wait_until 5 bash -c "curl -s http://127.0.0.1:${port[1]}/metrics | grep -q '^defender_fleet_connected 0'" && ok ||
  fail "node 1's /metrics does not say Redis is away"
expect_contains "node 1's queue holds the ban" "$(metrics)" "defender_fleet_queued_decisions 1"
start_redis
within_ms 5000 banned_on "${port[2]}" 203.0.113.9 && ok || fail "the ban queued while Redis was down never reached node 2"
expect_contains "node 1 connected again" "$(metrics)" "defender_fleet_connected 1"
banned_on "${port[4]}" 198.51.100.7 && ok || fail "the restart lost the range"

# Hostile entries written into Redis by hand: refused, counted, in no sink.
until=$(( ($(date +%s) + 3600) * 1000 ))
for text in "ban 127.0.0.1 until=$until count=1 reason=x source=127.0.0.1 node=evil" \
            "ban 0.0.0.0/0 until=$until count=1 reason=x source=0.0.0.0 node=evil" \
            "ban 203.0.113.66 until=$until count=1 reason=\$(reboot) source=203.0.113.66 node=evil" \
            "ban 203.0.113.67 until=$until count=99999 reason=x source=203.0.113.67 node=evil" \
            "ban 203.0.113.68;} include /etc/passwd; until=$until count=1 reason=x source=203.0.113.68 node=evil" \
            "garbage"; do
  R xadd test:decisions '*' d "$text" > /dev/null
done
R xadd test:decisions '*' other field > /dev/null
R xadd test:decisions '*' d "ban 203.0.113.70 until=$until count=1 reason=manual source=203.0.113.70 node=ops" > /dev/null
within_ms 2000 banned_on "${port[2]}" 203.0.113.70 && ok || fail "a sound entry written by hand was not applied"
for n in 1 2 3 4; do
  for bad in 0.0.0.0/0 203.0.113.66 203.0.113.67 203.0.113.68; do
    expect_not_contains "node $n's include: $bad" "$(cat "$TMP/deny$n.conf")" "deny $bad"
  done
  expect_not_contains "node $n's include: loopback" "$(cat "$TMP/deny$n.conf")" "127.0.0.1"
done
expect_contains "the refusals are counted" "$(curl -s "http://127.0.0.1:${port[2]}/metrics")" \
  'defender_fleet_decisions_total{outcome="refused"} 7'
expect_contains "and said" "$(cat "$TMP/node2.err")" "refused a decision read from Redis"
allowed_on "${port[2]}" 203.0.113.66 && ok || fail "a hostile reason got a client banned"

for n in 1 2 3 4; do kill -TERM "${pid[$n]}"; done
for n in 1 2 3 4; do
  status=0; wait "${pid[$n]}" || status=$?
  expect_eq "node $n: exit 0" "$status" 0
done
kill "$redis"
wait "$redis" 2> /dev/null || true  # it writes its append-only file on the way out
finish
