#!/usr/bin/env bash
# --on-ban / --on-unban run without a shell, with exactly the argv the
# template asks for, filled from typed values: IPv4, an IPv6 /64, and lines
# whose URI and user agent carry shell metacharacters never change it.
source "$(dirname "$0")/lib/common.sh"

record="$TMP/record.sh"
cat > "$record" <<'SH'
#!/bin/sh
# Appends its argv as one line (one write, so concurrent calls do not mix).
line=""
for a in "$@"; do line="$line[$a]"; done
printf '%s\n' "$line" >> "$RECORD_FILE"
SH
chmod +x "$record"
export RECORD_FILE="$TMP/calls"

line() { echo "$1 - - [31/Mar/2024:$2 +0000] \"GET $3 HTTP/1.1\" 404 0 \"-\" \"$4\""; }
{
  for f in /.env /.git/config /backup.sql /id_rsa /.htpasswd; do
    line 203.0.113.7 01:00:00 "$f?x=;\$(touch%20/tmp/pwned)|sh" 'x`id`; rm -rf / #'
  done
  line 2001:db8:1:2::7 01:00:01 /vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php 'Mozilla/5.0 $(reboot) && echo hi'
  line 198.51.100.9 06:00:00 / ok   # five hours later: both bans expire
} > "$TMP/access.log"

"$DEFENDER_SCAN" --format combined --on-ban "$record ban {ip} {duration} {reason} '{until} with spaces'" \
  --on-unban "$record unban {ip}" "$TMP/access.log" > /dev/null
# The hostile query itself (`;$(...)|sh`) is what bans 203.0.113.7 first.
want='[ban][203.0.113.7][14400][http-rce-probing][2024-03-31T05:00:00Z with spaces]
[ban][2001:db8:1:2::/64][14400][CVE-2017-9841][2024-03-31T05:00:01Z with spaces]
[unban][203.0.113.7]
[unban][2001:db8:1:2::/64]'
expect_eq "recorded argv" "$(sort "$RECORD_FILE")" "$(sort <<<"$want")"
# Actions for one target run in order: its ban before its unban.
for ip in 203.0.113.7 2001:db8:1:2::/64; do
  expect_eq "ban then unban for $ip" "$(grep -F "[$ip]" "$RECORD_FILE" | cut -d']' -f1)" $'[ban\n[unban'
done
expect_eq "nothing from the log ran" "$(ls /tmp/pwned 2>/dev/null || true)" ""

# A failing action is retried, then reported, and the run exits 1.
set +e
"$DEFENDER_SCAN" --format combined --on-ban "false {ip}" "$TMP/access.log" > /dev/null 2> "$TMP/err"
s=$?
set -e
expect_eq "failing action: exit 1" "$s" 1
expect_contains "failing action: reported after its retries" "$(cat "$TMP/err")" "action 'false 203.0.113.7' failed 3 times"

# --dry-run runs no action at all.
: > "$RECORD_FILE"
"$DEFENDER_SCAN" --dry-run --format combined --on-ban "$record ban {ip}" "$TMP/access.log" > /dev/null
expect_eq "dry run: no action" "$(cat "$RECORD_FILE")" ""

# An action that hangs is killed at --action-timeout with everything it
# started (its process group), and the run goes on.
start=$(date +%s)
"$DEFENDER_SCAN" --format combined --action-timeout 1 \
  --on-ban "sh -c 'sleep 3017 & sleep 3018' {ip}" "$TMP/access.log" > /dev/null 2> "$TMP/hang.err" || true
took=$(( $(date +%s) - start ))
(( took < 20 )) && ok || fail "hanging actions held the run for ${took}s"
expect_contains "a killed action is reported" "$(cat "$TMP/hang.err")" "timed out"
sleep 0.2
expect_eq "no process of a killed action is left" "$(pgrep -fc '^sleep 3018$' || true)" 0
expect_eq "nor the grandchild it started in the background" "$(pgrep -fc '^sleep 3017$' || true)" 0
pkill -f '^sleep 301[78]$' || true

# A ban action that fails once and is retried still runs before its unban:
# the retry keeps its place ahead of the target's later actions.
flaky="$TMP/flaky.sh"
cat > "$flaky" <<'SH'
#!/bin/sh
# Fails the first time it is called for an address, then records.
mark="$RECORD_FILE.$(printf '%s' "$2" | tr '/:' '__')"
[ -e "$mark" ] || { : > "$mark"; exit 1; }
exec "$RECORD" "$@"
SH
chmod +x "$flaky"
export RECORD="$record"
: > "$RECORD_FILE"
"$DEFENDER_SCAN" --format combined --on-ban "$flaky ban {ip}" --on-unban "$record unban {ip}" "$TMP/access.log" > /dev/null
for ip in 203.0.113.7 2001:db8:1:2::/64; do
  expect_eq "a retried ban still runs before its unban ($ip)" \
    "$(grep -F "[$ip]" "$RECORD_FILE" | cut -d']' -f1)" $'[ban\n[unban'
done

# `bans add` / `bans del` change the state; the next run with --on-ban /
# --on-unban runs their actions, once, so a firewall ban made by an action is
# lifted by `bans del` (a cron run, then a followed file).
state="$TMP/manual.db"
: > "$RECORD_FILE"
manual_run() {
  "$DEFENDER_SCAN" --state "$state" --format combined --on-ban "$record ban {ip} {reason}" \
    --on-unban "$record unban {ip}" "$TMP/quiet.log" > /dev/null
}
# Manual bans last in wall-clock time: the log is of today.
quiet_log() {
  echo "198.51.100.9 - - [$(date -u '+%d/%b/%Y:%H:%M:%S +0000')] \"GET / HTTP/1.1\" 200 0 \"-\" \"ok\"" > "$TMP/quiet.log"
}
quiet_log
"$DEFENDER_SCAN" bans add 192.0.2.77 --state "$state" --reason by-hand > /dev/null
manual_run
expect_eq "bans add: the next run runs its on-ban" "$(cat "$RECORD_FILE")" "[ban][192.0.2.77][by-hand]"
manual_run
expect_eq "bans add: and only once" "$(cat "$RECORD_FILE")" "[ban][192.0.2.77][by-hand]"
"$DEFENDER_SCAN" bans del 192.0.2.77 --state "$state" > /dev/null
: > "$RECORD_FILE"
manual_run
expect_eq "bans del: the next run runs its on-unban" "$(cat "$RECORD_FILE")" "[unban][192.0.2.77]"
manual_run
expect_eq "bans del: and only once" "$(cat "$RECORD_FILE")" "[unban][192.0.2.77]"
# A ban added by hand that ended before the next run: its ban action runs
# before its unban, never after it (which would leave a rule nothing lifts).
"$DEFENDER_SCAN" bans add 192.0.2.78 --state "$state" --duration 1s > /dev/null
sleep 2.2
quiet_log
: > "$RECORD_FILE"
manual_run
expect_eq "an expired manual ban: ban, then unban" "$(cat "$RECORD_FILE")" $'[ban][192.0.2.78][manual]\n[unban][192.0.2.78]'
# A followed file: the running process picks up both within a few seconds.
: > "$RECORD_FILE"
"$DEFENDER_SCAN" --follow --state "$state" --format combined --on-ban "$record ban {ip} {reason}" \
  --on-unban "$record unban {ip}" "$TMP/quiet.log" > /dev/null 2>&1 &
follower=$!
sleep 0.5
"$DEFENDER_SCAN" bans add 192.0.2.79 --state "$state" --state-wait 10 --reason live > /dev/null
wait_until 15 grep -qF "[ban][192.0.2.79][live]" "$RECORD_FILE" || fail "follow: bans add ran no on-ban"
"$DEFENDER_SCAN" bans del 192.0.2.79 --state "$state" --state-wait 10 > /dev/null
wait_until 15 grep -qF "[unban][192.0.2.79]" "$RECORD_FILE" || fail "follow: bans del ran no on-unban"
kill -TERM "$follower"; wait "$follower" || true
expect_eq "follow: each ran once" "$(sort "$RECORD_FILE")" "$(printf '%s\n' '[ban][192.0.2.79][live]' '[unban][192.0.2.79]')"
: > "$RECORD_FILE"
manual_run
expect_eq "follow: nothing left pending after it" "$(cat "$RECORD_FILE")" ""

# The sample scripts refuse what is not an address, a number or a name.
for script in ban-ip.sh ipset-ban.sh nft-ban.sh; do
  set +e
  out=$("$SOURCE_DIR/samples/actions/$script" '1.2.3.4;reboot' 60 x 2>&1); s1=$?
  out2=$("$SOURCE_DIR/samples/actions/$script" 1.2.3.4 '60;reboot' x 2>&1); s2=$?
  set -e
  expect_eq "$script: bad address refused" "$s1:$out" "2:$script: bad address: 1.2.3.4;reboot"
  expect_eq "$script: bad duration refused" "$s2:$out2" "2:$script: bad duration: 60;reboot"
done
for script in unban-ip.sh ipset-unban.sh nft-unban.sh; do
  set +e
  out=$("$SOURCE_DIR/samples/actions/$script" '1.2.3.4 -j ACCEPT' 2>&1); s1=$?
  set -e
  expect_eq "$script: bad address refused" "$s1:$out" "2:$script: bad address: 1.2.3.4 -j ACCEPT"
done

finish
