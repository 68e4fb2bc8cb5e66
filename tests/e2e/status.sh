#!/usr/bin/env bash
# `defender-scan status` and `bans list`'s filters and evidence: what a
# cron job's state says (active bans by scenario, the last run, each input's
# progress against the file as it is now, pending actions), a hostile line's
# bytes never reaching the terminal, and a state written by the previous
# schema read and carried on.
source "$(dirname "$0")/lib/common.sh"
state="$TMP/state.db"
log="$TMP/access.log"

set +e
err=$("$DEFENDER_SCAN" status --state "$TMP/typo.db" 2>&1); s=$?
set -e
expect_eq "status on no database: exit 1" "$s" 1
expect_contains "  and says so" "$err" "no state database at $TMP/typo.db"
[[ ! -e "$TMP/typo.db" ]] && ok || fail "status created a database"

line() { echo "$1 - - [$(date -u '+%d/%b/%Y:%H:%M:%S +0000')] \"GET $2 HTTP/1.1\" 404 0 \"-\" \"$3\""; }
{
  for f in /.env /.git/config /backup.sql /id_rsa /.htpasswd; do line 203.0.113.7 "$f" curl/8.0; done
  for p in / /login; do line 203.0.113.8 "$p" $'sqlmap/1.7 \e[2J\e]0;pwned\a'; done  # terminal escapes in the agent
  line 2001:db8:1:2::9 /wp-login.php 'Mozilla/5.0'
} > "$log"
"$DEFENDER_SCAN" --state "$state" --format combined "$log" > /dev/null
out=$("$DEFENDER_SCAN" status --state "$state")
expect_contains "status: the state" "$out" "state        $state"
expect_contains "status: active bans" "$out" "bans         2 active (2 addresses, 0 prefixes)"
expect_contains "status: by scenario" "$out" "http-sensitive-files"
expect_contains "status: the last run" "$out" "last run     saved $(date -u +%Y-%m-%d)"
size=$(stat -c %s "$log")
expect_contains "status: the input read to its end" "$out" "$log  read $size of $size bytes (0 behind)"
line 198.51.100.1 / curl/8.0 >> "$log"
expect_contains "status: new lines are bytes behind" "$("$DEFENDER_SCAN" status --state "$state")" \
  "read $size of $(stat -c %s "$log") bytes ($(( $(stat -c %s "$log") - size )) behind)"
json=$("$DEFENDER_SCAN" status --state "$state" --json)
expect_eq "status --json" "$(jq -c '[.bans.active, .bans.by_scenario["http-bad-user-agent"], .inputs[0].read, .pending_actions]' <<<"$json")" \
  "[2,1,$size,0]"
mv "$log" "$log.1"; line 198.51.100.1 / curl/8.0 > "$log"
expect_contains "status: a rotated file" "$("$DEFENDER_SCAN" status --state "$state")" \
  "another file there now (rotated since)"
"$DEFENDER_SCAN" bans add 192.0.2.5 --state "$state" > /dev/null
expect_contains "status: pending actions" "$("$DEFENDER_SCAN" status --state "$state")" "actions      1 pending"

# bans list: filters and evidence.
list=$("$DEFENDER_SCAN" bans list --state "$state" 203.0.113.7 --evidence)
expect_eq "bans list TARGET: that ban only" "$(grep -c '^[0-9]' <<<"$list")" 1
expect_contains "  with its events" "$list" "http-sensitive-files"
expect_contains "  and the line that decided it" "$list" '    evidence: "203.0.113.7 - - ['
expect_eq "bans list 203.0.113.0/24: both" "$("$DEFENDER_SCAN" bans list --state "$state" 203.0.113.0/24 | grep -c '^203')" 2
expect_eq "bans list --scenario" "$("$DEFENDER_SCAN" bans list --state "$state" --scenario manual | tail -n +2 | cut -d' ' -f1)" "192.0.2.5"
hostile=$("$DEFENDER_SCAN" bans list --state "$state" 203.0.113.8 --evidence)
expect_not_contains "no escape byte reaches the terminal" "$hostile" $'\e'
expect_contains "  it is shown escaped" "$hostile" 'sqlmap/1.7 \u001b[2J\u001b]0;pwned\u0007'
expect_eq "bans list --json: the evidence" \
  "$("$DEFENDER_SCAN" bans list --state "$state" --json 203.0.113.8 | jq -r .evidence | grep -c $'\e\\[2J')" 1

# A state written by the previous schema (1): read, carried on, migrated once.
old="$TMP/old.db"
sqlite3 "$old" "PRAGMA journal_mode = WAL;
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE bans (target TEXT PRIMARY KEY, source TEXT NOT NULL, reason TEXT NOT NULL,
  since INTEGER NOT NULL, until INTEGER NOT NULL, count INTEGER NOT NULL, score INTEGER NOT NULL);
CREATE TABLE checkpoints (dev INTEGER NOT NULL, ino INTEGER NOT NULL, fingerprint BLOB NOT NULL,
  offset INTEGER NOT NULL, complete INTEGER NOT NULL, PRIMARY KEY (dev, ino));
INSERT INTO meta VALUES ('schema', 1);
INSERT INTO bans VALUES ('198.51.100.44', '198.51.100.44', 'http-probing', 1700000000000, 4102444800000, 1, 30);
INSERT INTO checkpoints VALUES (1, 2, 'x', 10, 0);" > /dev/null
expect_contains "schema 1: its ban is listed" "$("$DEFENDER_SCAN" bans list --state "$old")" "198.51.100.44"
expect_eq "schema 1: now 3" "$(sqlite3 "$old" "select value from meta where key = 'schema'")" 3
expect_contains "schema 1: its checkpoint, without a name" "$("$DEFENDER_SCAN" status --state "$old")" \
  "(device 1, inode 2)  read 10 bytes; saved by an older version"
"$DEFENDER_SCAN" --state "$old" --format combined "$log" --nginx-conf "$TMP/blocks.conf" > /dev/null
expect_contains "schema 1: a run enforces its ban" "$(cat "$TMP/blocks.conf")" "deny 198.51.100.44;"
sqlite3 "$old" "UPDATE meta SET value = 9 WHERE key = 'schema'"
set +e
err=$("$DEFENDER_SCAN" bans list --state "$old" 2>&1); s=$?
set -e
expect_eq "a newer schema: exit 1" "$s" 1
expect_contains "  and says so" "$err" "schema 9 is not one this defender-scan knows"
finish
