#!/usr/bin/env bash
# A service's signals: SIGTERM and SIGINT stop reading, write the pending
# include, save the state and exit 0; SIGHUP reloads config.yaml keeping
# bans and buckets, or says why it refused the new one; a hanging action
# cannot hold up the exit past --stop-timeout.
source "$(dirname "$0")/lib/common.sh"

probe() {  # probe CLIENT: five sensitive files, one ban for http-sensitive-files
  local f
  for f in .env .git/config backup.sql id_rsa .htpasswd; do
    echo "$1 - - [31/Mar/2024:01:00:00 +0000] \"GET /$f HTTP/1.1\" 404 5 \"-\" \"x\""
  done
}
contains() { grep -q -- "$2" "$1" 2>/dev/null; }

# --follow with a deny-list include reloaded at most every hour: the second
# ban waits for the interval, and SIGTERM must write it.
log="$TMP/access.log"
: > "$log"
"$DEFENDER_SCAN" --follow --state "$TMP/state.db" --nginx-conf "$TMP/blocks.conf" --reload-interval 3600 \
  "$log" > "$TMP/out.jsonl" 2> "$TMP/err" &
scan=$!
wait_until 60 has_open "$scan" "$log" || fail "defender-scan never opened $log"
probe 203.0.113.1 >> "$log"
probe 203.0.113.2 >> "$log"
wait_until 10 contains "$TMP/out.jsonl" '"value":"203.0.113.2"' || fail "the bans were not decided"
expect_eq "the bans wait for the reload interval" "$(grep -c 203.0.113 "$TMP/blocks.conf")" 0
kill -TERM "$scan"
status=0; wait "$scan" || status=$?
expect_eq "SIGTERM: exit 0" "$status" 0
expect_contains "SIGTERM: the pending include is written" "$(cat "$TMP/blocks.conf")" "deny 203.0.113.1;
deny 203.0.113.2;"
expect_eq "SIGTERM: both bans saved in the state" \
  "$(sqlite3 "$TMP/state.db" 'SELECT count(*) FROM bans')" 2
expect_eq "SIGTERM: the clock saved" "$(sqlite3 "$TMP/state.db" "SELECT count(*) FROM meta WHERE key = 'clock'")" 1
expect_eq "SIGTERM: nothing on stderr" "$(cat "$TMP/err")" ""

# SIGINT on a pipe that stays open (tail -F access.log | defender-scan).
mkfifo "$TMP/fifo"
"$DEFENDER_SCAN" --nginx-conf "$TMP/pipe.conf" --reload-interval 3600 < "$TMP/fifo" > "$TMP/pipe.jsonl" &
scan=$!
exec 3>"$TMP/fifo"
probe 203.0.113.3 >&3
wait_until 30 contains "$TMP/pipe.jsonl" '"value":"203.0.113.3"' || fail "no ban from the pipe"
expect_eq "the ban waits for the reload interval" "$(grep -c 203.0.113 "$TMP/pipe.conf")" 0
kill -INT "$scan"
status=0; wait "$scan" || status=$?
exec 3>&-
expect_eq "SIGINT with the pipe still open: exit 0" "$status" 0
expect_contains "SIGINT: the pending include is written" "$(cat "$TMP/pipe.conf")" "deny 203.0.113.3;"

# SIGHUP reloads config.yaml: a new allowlist applies, bans and buckets stay;
# a broken file is refused and the configuration in use stays.
: > "$log"
printf 'allowlist: []\n' > "$TMP/config.yaml"
"$DEFENDER_SCAN" --follow -c "$TMP/config.yaml" "$log" > "$TMP/hup.jsonl" 2> "$TMP/hup.err" &
scan=$!
wait_until 60 has_open "$scan" "$log" || fail "defender-scan never opened $log"
probe 203.0.113.5 | head -n 3 >> "$log"  # three of five events: the bucket is open
sleep 0.5
printf 'allowlist: [203.0.113.6]\nscenarios:\n  http-flood: {capacity: 300}\n' > "$TMP/config.yaml"
kill -HUP "$scan"
wait_until 10 contains "$TMP/hup.err" "reloaded" || fail "no word of the reload"
expect_contains "the reload says what changed" "$(cat "$TMP/hup.err")" \
  "scenarios changed: ~http-flood; allowlist 1 entries (was 0)"
probe 203.0.113.5 | tail -n 2 >> "$log"  # the other two: the kept bucket overflows
probe 203.0.113.6 >> "$log"
wait_until 10 contains "$TMP/hup.jsonl" '"suppressed":"allowlist"' || fail "the new allowlist was not applied"
expect_contains "buckets survive the reload" "$(cat "$TMP/hup.jsonl")" '"action":"ban"},"rule":{"name":"http-sensitive-files"},"source":{"ip":"203.0.113.5"}'
expect_not_contains "the newly allowed client is not banned" "$(cat "$TMP/hup.jsonl")" '"value":"203.0.113.6"'
printf 'scenarios: 5\n' > "$TMP/config.yaml"
kill -HUP "$scan"
wait_until 10 contains "$TMP/hup.err" "reload refused" || fail "a broken configuration was not refused"
expect_contains "the refusal names the problem" "$(cat "$TMP/hup.err")" "config.yaml:1: scenarios: must be a map"
kill -0 "$scan" 2>/dev/null && ok || fail "SIGHUP ended the process"
probe 203.0.113.6 >> "$log"
sleep 1
expect_eq "the configuration in use stays after a refused reload" "$(grep -c '"value":"203.0.113.6"' "$TMP/hup.jsonl")" 0
kill -TERM "$scan"
status=0; wait "$scan" || status=$?
expect_eq "exit 0 after the reloads" "$status" 0

# A hanging action cannot hold up the exit past --stop-timeout.
: > "$log"
"$DEFENDER_SCAN" --follow --on-ban 'sleep 300' --stop-timeout 2 "$log" > /dev/null 2> "$TMP/hang.err" &
scan=$!
wait_until 60 has_open "$scan" "$log" || fail "defender-scan never opened $log"
probe 203.0.113.7 >> "$log"
sleep 1
start=$(date +%s)
kill -TERM "$scan"
status=0; wait "$scan" || status=$?
took=$(( $(date +%s) - start ))
[[ $took -le 5 ]] && ok || fail "stopping with a hanging action took ${took}s (--stop-timeout 2)"
expect_eq "a stop cut short is status 1" "$status" 1
expect_contains "and says so" "$(cat "$TMP/hang.err")" "still not stopped after --stop-timeout"

# serve: SIGHUP reloads instead of ending it; SIGTERM ends it with 0.
port=$(free_port)
printf 'allowlist: []\n' > "$TMP/config.yaml"
start_serve "$port" -c "$TMP/config.yaml" < /dev/null 2> "$TMP/serve.err"
kill -HUP "$serve"
wait_until 10 contains "$TMP/serve.err" "reloaded" || fail "serve: no word of the reload"
expect_eq "serve answers after SIGHUP" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")" 200
kill -TERM "$serve"
status=0; wait "$serve" || status=$?
expect_eq "serve: SIGTERM exits 0" "$status" 0

finish
