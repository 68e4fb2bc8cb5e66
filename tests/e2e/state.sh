#!/usr/bin/env bash
# --state: N runs over a growing log decide exactly what one run decides,
# a rotated file continues where it stopped, a restart regenerates the
# include from the state, two runs never share the database, and kill -9
# loses no reported ban.
source "$(dirname "$0")/lib/common.sh"
: "${LOGGEN:?set by ctest}"

decisions() {  # ban/unban decisions of JSON lines on stdin, one per line, sorted
  python3 -c '
import json, sys
for l in sys.stdin:
    d = json.loads(l)
    if d["event"]["action"] in ("ban", "unban"):
        dec = d["defender"]["decision"]
        print(d["event"]["action"], dec["value"], d["rule"]["name"], dec["until"], dec["ban_count"])' | sort
}

"$LOGGEN" --lines 200000 --seed 5 > "$TMP/full.log"
one=$("$DEFENDER_SCAN" "$TMP/full.log" | decisions)
expect_eq "the workload has decisions" "$( [[ $(wc -l <<<"$one") -gt 50 ]] && echo yes)" yes

# Cron: the log grows in 5 chunks cut anywhere (mid-line too), a run after each.
size=$(stat -c %s "$TMP/full.log")
: > "$TMP/growing.log"
prev=0
for i in 1 2 3 4 5; do
  cut=$(( size * i / 5 - 37 * (5 - i) ))
  head -c "$cut" "$TMP/full.log" | tail -c +$((prev + 1)) >> "$TMP/growing.log"
  prev=$cut
  "$DEFENDER_SCAN" --state "$TMP/cron.db" "$TMP/growing.log" >> "$TMP/cron.jsonl"
done
expect_eq "5 incremental runs decide what one run decides" "$(decisions < "$TMP/cron.jsonl")" "$one"
expect_eq "the checkpoint is at the end of the file" \
  "$(sqlite3 "$TMP/cron.db" 'select offset from checkpoints')" "$size"
again=$("$DEFENDER_SCAN" --stats --state "$TMP/cron.db" "$TMP/growing.log" 2>&1 >/dev/null)
expect_contains "a rerun with nothing new reads nothing" "$again" "lines 0,"

# Rotation between runs: access.log becomes access.log.1 and a new access.log
# starts; the next run is given both, oldest first.
half=$(( size / 2 + 11 ))
head -c "$half" "$TMP/full.log" > "$TMP/access.log"
"$DEFENDER_SCAN" --state "$TMP/rot.db" "$TMP/access.log" > "$TMP/rot.jsonl"
mv "$TMP/access.log" "$TMP/access.log.1"
lines_in_1=$(( $(head -c "$half" "$TMP/full.log" | wc -l) + 1 ))
tail -c +$((half + 1)) "$TMP/full.log" | sed -n 1p >> "$TMP/access.log.1"   # nginx finishes its line
tail -n +$((lines_in_1 + 1)) "$TMP/full.log" > "$TMP/access.log"
"$DEFENDER_SCAN" --state "$TMP/rot.db" "$TMP/access.log.1" "$TMP/access.log" >> "$TMP/rot.jsonl"
expect_eq "a rotated log continues where it stopped" "$(decisions < "$TMP/rot.jsonl")" "$one"

# A restart (no new lines) regenerates the include from the state alone.
"$DEFENDER_SCAN" --state "$TMP/inc.db" --nginx-conf "$TMP/blocks.conf" "$TMP/access.log.1" > /dev/null
want=$(tail -n +2 "$TMP/blocks.conf")
rm "$TMP/blocks.conf"
"$DEFENDER_SCAN" --state "$TMP/inc.db" --nginx-conf "$TMP/blocks.conf" "$TMP/access.log.1" > "$TMP/restart.jsonl"
expect_eq "the include is regenerated from the state" "$(tail -n +2 "$TMP/blocks.conf")" "$want"
expect_eq "restored bans are not reported again" "$(cat "$TMP/restart.jsonl")" ""
expect_eq "the state holds the active bans" "$(sqlite3 "$TMP/inc.db" 'select count(*) from bans')" \
  "$(grep -c '^deny ' "$TMP/blocks.conf")"

# Distinct values survive a restart: a prober's paths, seen in one run, are
# not counted again in the next (their hashes are the same in every process).
probe() {  # probe FIRST_SECOND PATH...: one 404 a second from 203.0.113.9
  local t=$1; shift
  for p in "$@"; do
    printf '203.0.113.9 - - [01/Apr/2024:10:00:%02d +0000] "GET %s HTTP/1.1" 404 0 "-" "curl/8.0"\n' "$t" "$p"
    t=$((t + 1))
  done
}
six=(/p1 /p2 /p3 /p4 /p5 /p6)
probe 0 "${six[@]}" > "$TMP/d1.log"
probe 6 "${six[@]}" > "$TMP/d2.log"
probe 12 "${six[@]}" >> "$TMP/d2.log"
probe 18 /n1 /n2 /n3 /n4 /n5 /n6 /n7 /n8 > "$TMP/d3.log"
"$DEFENDER_SCAN" --format combined --state "$TMP/d.db" "$TMP/d1.log" > "$TMP/d.jsonl"
"$DEFENDER_SCAN" --format combined --state "$TMP/d.db" --explain "$TMP/d2.log" > "$TMP/d2.jsonl"
expect_not_contains "paths seen before a restart are not counted again" "$(cat "$TMP/d2.jsonl")" "http-probing"
"$DEFENDER_SCAN" --format combined --state "$TMP/d.db" "$TMP/d3.log" > "$TMP/d3.jsonl"
expect_contains "6 + 8 new paths over two runs overflow http-probing" "$(cat "$TMP/d3.jsonl")" \
  '"rule":{"name":"http-probing"}'

# --dry-run decides and reports but changes nothing: no include, no state written.
before=$(sqlite3 "$TMP/inc.db" 'select count(*) from bans; select count(*) from checkpoints; select value from meta where key = "clock"')
out=$("$DEFENDER_SCAN" --dry-run --state "$TMP/inc.db" --nginx-conf "$TMP/dry.conf" "$TMP/access.log")
expect_contains "dry run: decisions reported" "$out" '"action":"ban"'
expect_eq "dry run: no include written" "$(ls "$TMP/dry.conf" 2>/dev/null || true)" ""
expect_eq "dry run: state unchanged" \
  "$(sqlite3 "$TMP/inc.db" 'select count(*) from bans; select count(*) from checkpoints; select value from meta where key = "clock"')" "$before"

# bans add / list / del, applied to the include by the next run.
"$DEFENDER_SCAN" bans add 198.51.100.77 --state "$TMP/inc.db" --duration 2h --reason manual > /dev/null
expect_contains "bans list shows it" "$("$DEFENDER_SCAN" bans list --state "$TMP/inc.db")" "198.51.100.77"
expect_contains "bans list --json" "$("$DEFENDER_SCAN" bans list --json --state "$TMP/inc.db")" \
  '"target":"198.51.100.77","source":"198.51.100.77","reason":"manual"'
until=$(sqlite3 "$TMP/inc.db" "select until from bans where target = '198.51.100.77'")
"$DEFENDER_SCAN" bans add 198.51.100.77 --state "$TMP/inc.db" --duration 1m --reason manual > /dev/null
expect_eq "adding a ban again never shortens it" \
  "$(sqlite3 "$TMP/inc.db" "select until from bans where target = '198.51.100.77'")" "$until"
"$DEFENDER_SCAN" --state "$TMP/inc.db" --nginx-conf "$TMP/blocks.conf" "$TMP/access.log.1" > /dev/null
expect_contains "a manual ban reaches the include" "$(cat "$TMP/blocks.conf")" "deny 198.51.100.77;"
"$DEFENDER_SCAN" bans del 198.51.100.77 --state "$TMP/inc.db" > /dev/null
"$DEFENDER_SCAN" --state "$TMP/inc.db" --nginx-conf "$TMP/blocks.conf" "$TMP/access.log.1" > /dev/null
expect_not_contains "bans del takes it out" "$(cat "$TMP/blocks.conf")" "198.51.100.77"
# Hostile values never get in.
for bad in '1.2.3.4;} include /etc/passwd;' '1.2.3.4 $(reboot)' localhost 0.0.0.0/0 ::/0 all 10.0.0.0/8 127.0.0.1; do
  set +e
  "$DEFENDER_SCAN" bans add "$bad" --state "$TMP/inc.db" > /dev/null 2>&1
  s=$?
  set -e
  expect_eq "bans add '$bad' refused" "$s" 2
done
set +e
"$DEFENDER_SCAN" bans add 203.0.113.1 --reason 'x; rm -rf /' --state "$TMP/inc.db" > /dev/null 2>&1
expect_eq "a reason that is not a plain name is refused" "$?" 2
# The longest ban is 10 years, as through the API: a longer one would not
# reach the other nodes of a fleet, nor a 4-digit year in the JSON.
err=$("$DEFENDER_SCAN" bans add 203.0.113.1 --duration 3651d --state "$TMP/inc.db" 2>&1 >/dev/null)
expect_eq "a ban longer than 10 years is refused" "$?" 2
expect_contains "and says why" "$err" "10 years at most"
set -e
"$DEFENDER_SCAN" bans add 203.0.113.2 --duration 3650d --state "$TMP/inc.db" > /dev/null && ok || fail "a 10-year ban refused"
"$DEFENDER_SCAN" bans del 203.0.113.2 --state "$TMP/inc.db" > /dev/null
expect_eq "nothing hostile in the include" "$(grep -vE '^(#|deny [0-9a-f.:/]+;$)' "$TMP/blocks.conf")" ""

# Two runs on one database: the second waits, or gives up with a message.
held() { for _ in $(seq 1 200); do flock -n "$TMP/inc.db" true || return 0; sleep 0.02; done; return 1; }
flock "$TMP/inc.db" sleep 2 &
held
start=$(date +%s%N)
"$DEFENDER_SCAN" --state "$TMP/inc.db" "$TMP/access.log.1" > /dev/null && ok || fail "the waiting run failed"
waited=$(( ($(date +%s%N) - start) / 1000000 ))
if (( waited >= 1000 )); then ok; else fail "the second run did not wait ($waited ms)"; fi
flock "$TMP/inc.db" sleep 3 &
held
set +e
"$DEFENDER_SCAN" --state "$TMP/inc.db" --state-wait 0 "$TMP/access.log.1" > /dev/null 2> "$TMP/lock.err"
s=$?
set -e
expect_eq "a busy database: exit 1" "$s" 1
expect_contains "a busy database: said so" "$(cat "$TMP/lock.err")" "another defender-scan is using this state database"
wait

# kill -9 in the middle of a run: every ban already reported is in the state,
# and the next run finishes the job with the same bans as one run.
"$LOGGEN" --lines 1000000 --seed 6 > "$TMP/big.log"
whole=$("$DEFENDER_SCAN" "$TMP/big.log" | decisions | grep '^ban' | cut -d' ' -f2 | sort)
"$DEFENDER_SCAN" --state "$TMP/kill.db" --json "$TMP/killed.jsonl" "$TMP/big.log" &
victim=$!
# Kill it once it has reported a ban (start-up can take seconds on a busy machine).
for _ in $(seq 1 6000); do grep -q '"action":"ban"' "$TMP/killed.jsonl" 2>/dev/null && break; sleep 0.01; done
kill -9 "$victim" 2>/dev/null || true
wait "$victim" 2>/dev/null || true
reported=$(decisions < "$TMP/killed.jsonl" | grep '^ban' | cut -d' ' -f2 | sort -u)
in_state=$(sqlite3 "$TMP/kill.db" 'select target from bans union select target from history' | sort -u)
expect_eq "some bans were reported before the kill" "$( [[ -n "$reported" ]] && echo yes)" yes
missing=$(comm -23 <(echo "$reported") <(echo "$in_state"))
expect_eq "no reported ban is missing from the state" "$missing" ""
"$DEFENDER_SCAN" --state "$TMP/kill.db" --json "$TMP/killed.jsonl" "$TMP/big.log"
after=$(sqlite3 "$TMP/kill.db" 'select target from history' | sort)
expect_eq "after the rerun the state has every ban of one run" "$after" "$(sort -u <<<"$whole")"

# Actions survive kill -9: a ban is committed with its pending action, and
# what a crash left pending runs after the restart, so every committed ban
# reaches its action (once, but for those running at the kill).
slow="$TMP/slow-action.sh"
cat > "$slow" <<'SH'
#!/bin/sh
sleep 0.2
printf '%s\n' "$1" >> "$ACTIONS_FILE"
SH
chmod +x "$slow"
export ACTIONS_FILE="$TMP/actions"
: > "$ACTIONS_FILE"
{
  for i in $(seq 1 60); do
    for f in .env .git/config backup.sql id_rsa .htpasswd; do
      echo "203.0.113.$i - - [31/Mar/2024:01:00:00 +0000] \"GET /$f HTTP/1.1\" 404 5 \"-\" \"x\""
    done
  done
} > "$TMP/sixty.log"
"$DEFENDER_SCAN" --state "$TMP/actions.db" --on-ban "$slow {ip}" "$TMP/sixty.log" > /dev/null &
victim=$!
for _ in $(seq 1 3000); do [[ $(wc -l < "$ACTIONS_FILE") -ge 8 ]] && break; sleep 0.01; done
kill -9 "$victim"
wait "$victim" 2>/dev/null || true
before=$(sort -u "$ACTIONS_FILE" | wc -l)
expect_eq "all 60 bans were committed before the kill" "$(sqlite3 "$TMP/actions.db" 'select count(*) from bans')" 60
(( before < 60 )) && ok || fail "the kill came too late to test anything ($before actions ran)"
pending=$(sqlite3 "$TMP/actions.db" 'select count(*) from actions')
(( pending >= 60 - before )) && ok || fail "pending actions: $pending, after $before of 60 ran"
"$DEFENDER_SCAN" --state "$TMP/actions.db" --on-ban "$slow {ip}" /dev/null > /dev/null
expect_eq "after the restart every committed ban reached its action" "$(sort -u "$ACTIONS_FILE" | wc -l)" 60
(( $(wc -l < "$ACTIONS_FILE") <= 64 )) && ok || fail "actions repeated: $(wc -l < "$ACTIONS_FILE") runs for 60 bans"
expect_eq "nothing is left pending" "$(sqlite3 "$TMP/actions.db" 'select count(*) from actions')" 0

# A cron run names access.log.1 before the first rotation made it: said, not
# a failure; a run where no input exists at all still fails.
echo '203.0.113.90 - - [31/Mar/2024:01:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "x"' > "$TMP/cron.log"
set +e
err=$("$DEFENDER_SCAN" --state "$TMP/cron.db" "$TMP/cron.log.1" "$TMP/cron.log" 2>&1 >/dev/null); status=$?
set -e
expect_eq "a rotated file not there yet: exit 0" "$status" 0
expect_contains "  and said" "$err" "cron.log.1 does not exist (yet): skipped"
set +e
"$DEFENDER_SCAN" --state "$TMP/cron.db" "$TMP/none.log.1" "$TMP/none.log" > /dev/null 2>&1; status=$?
set -e
expect_eq "no input at all: exit 1" "$status" 1
# bans takes --state-wait like the main job.
"$DEFENDER_SCAN" bans add 203.0.113.91 --state "$TMP/wait.db" --state-wait 5 > /dev/null && ok || fail "bans add --state-wait refused"
expect_contains "bans list --state-wait 0" "$("$DEFENDER_SCAN" bans list --state "$TMP/wait.db" --state-wait 0)" "203.0.113.91"
# An IPv6 address given to bans means its /64, as detection bans it; --ipv6-prefix 128 the address only.
expect_contains "bans add of an IPv6 address bans its /64" \
  "$("$DEFENDER_SCAN" bans add 2001:db8:1:2::5 --state "$TMP/v6.db")" "banned 2001:db8:1:2::/64"
expect_contains "bans add --ipv6-prefix 128: one address" \
  "$("$DEFENDER_SCAN" bans add 2001:db8:1:3::5 --ipv6-prefix 128 --state "$TMP/v6.db")" "banned 2001:db8:1:3::5 until"
expect_contains "bans del of another address of the /64 ends it" \
  "$("$DEFENDER_SCAN" bans del 2001:db8:1:2::7 --state "$TMP/v6.db")" "unbanned 2001:db8:1:2::/64"
# A replay stopped by SIGTERM keeps its place: the checkpoint is just after
# the last line it processed, not where its reader had read ahead to, and
# the next run reads the rest, each line once. Its output goes to a pipe no
# one reads yet, so the signal comes while it is midway.
: "${LOGGEN:?set by ctest}"
"$LOGGEN" --lines 200000 --seed 5 > "$TMP/big.log"
total=$(wc -l < "$TMP/big.log")
mkfifo "$TMP/stop.fifo"
exec 4<> "$TMP/stop.fifo"
"$DEFENDER_SCAN" --state "$TMP/stop.db" --format defender --stats --explain "$TMP/big.log" > "$TMP/stop.fifo" 2> "$TMP/stop1.err" &
scan=$!
sleep 1
kill -TERM "$scan"
cat <&4 > /dev/null &
drain=$!
status=0; wait "$scan" || status=$?
kill "$drain"; exec 4<&-
expect_eq "stopped replay: exit 0" "$status" 0
first=$(sed -n 's/.*stats: inputs 1 (errors 0), lines \([0-9]*\),.*/\1/p' "$TMP/stop1.err")
[[ -n "$first" && "$first" -lt "$total" ]] && ok || fail "the replay was not stopped midway (lines '$first' of $total)"
expect_eq "the checkpoint is just after the last line processed" \
  "$(sqlite3 "$TMP/stop.db" 'select offset from checkpoints')" "$(head -n "$first" "$TMP/big.log" | wc -c)"
"$DEFENDER_SCAN" --state "$TMP/stop.db" --format defender --stats "$TMP/big.log" > /dev/null 2> "$TMP/stop2.err"
second=$(sed -n 's/.*stats: inputs 1 (errors 0), lines \([0-9]*\),.*/\1/p' "$TMP/stop2.err")
expect_eq "the next run reads the rest, each line once" "$((first + second))" "$total"
finish
