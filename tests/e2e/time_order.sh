#!/usr/bin/env bash
# Time that runs backwards never bans anyone: logrotate-named inputs given in
# glob order decide what one run in time order decides, a log shuffled
# within each minute (Apache's %t is the request's start) bans what its
# sorted copy bans, lines far behind the clock are counted and skipped with
# one warning, and a line from the future cannot move the clock.
source "$(dirname "$0")/lib/common.sh"
: "${LOGGEN:?set by ctest}"

bans() { grep '"action":"ban"' "$1" | sed 's/.*"value":"\([^"]*\)".*/\1/' | sort -u; }

# 300 000 benign lines rotated into 12 files, newest first as logrotate
# names them: access.log, access.log.1, access.log.2.gz ... access.log.11.gz.
"$LOGGEN" --lines 300000 --benign-only --seed 21 --rate 200 > "$TMP/all.log"
mkdir "$TMP/rot"
split -n l/12 -d -a 2 "$TMP/all.log" "$TMP/rot/part."
for i in $(seq 0 11); do
  src="$TMP/rot/part.$(printf %02d $((11 - i)))"
  case $i in
    0) mv "$src" "$TMP/rot/access.log" ;;
    1) mv "$src" "$TMP/rot/access.log.1" ;;
    *) gzip -c "$src" > "$TMP/rot/access.log.$i.gz"; rm "$src" ;;
  esac
done
(cd "$TMP/rot" && "$DEFENDER_SCAN" --dry-run --stats access.log.*.gz access.log.1 access.log \
  > "$TMP/glob.jsonl" 2> "$TMP/glob.stats")
expect_contains "glob order: every line parsed" "$(cat "$TMP/glob.stats")" "parsed 300000, rejected 0"
expect_contains "glob order: no ban" "$(cat "$TMP/glob.stats")" "bans 0,"
expect_eq "glob order: no decision" "$(wc -l < "$TMP/glob.jsonl")" 0
expect_contains "--stats says the order chosen" "$(cat "$TMP/glob.stats")" \
  "inputs oldest first: access.log.11.gz, access.log.10.gz, access.log.9.gz"
expect_contains "... ending with the live file" "$(cat "$TMP/glob.stats")" "access.log.2.gz, access.log.1, access.log"

# The same with attacks: any order of the rotated files decides what the
# one file in time order decides, to the line.
"$LOGGEN" --lines 200000 --seed 22 --rate 100 > "$TMP/attack.log"
"$DEFENDER_SCAN" --dry-run "$TMP/attack.log" > "$TMP/attack.jsonl"
split -n l/5 -d -a 1 "$TMP/attack.log" "$TMP/rot/attack."
"$DEFENDER_SCAN" --dry-run "$TMP/rot/attack.3" "$TMP/rot/attack.1" "$TMP/rot/attack.4" "$TMP/rot/attack.0" \
  "$TMP/rot/attack.2" > "$TMP/attack-parts.jsonl"
expect_eq "rotated parts in any order decide what the whole file decides" \
  "$(md5sum < "$TMP/attack-parts.jsonl")" "$(md5sum < "$TMP/attack.jsonl")"
[[ $(bans "$TMP/attack.jsonl" | wc -l) -gt 50 ]] && ok || fail "the attack log bans its attackers"

# Shuffled within each minute: the same clients banned as in the sorted log.
python3 - "$TMP/attack.log" "$TMP/shuffled.log" <<'PY'
import random, sys
random.seed(5)
minutes, order = {}, []
for line in open(sys.argv[1]):
    key = line.split('[', 1)[1][:17]  # 31/Mar/2024:00:00
    if key not in minutes:
        minutes[key] = []
        order.append(key)
    minutes[key].append(line)
with open(sys.argv[2], 'w') as out:
    for key in order:
        random.shuffle(minutes[key])
        out.writelines(minutes[key])
PY
"$DEFENDER_SCAN" --dry-run --stats "$TMP/shuffled.log" > "$TMP/shuffled.jsonl" 2> "$TMP/shuffled.stats"
expect_eq "a log shuffled within each minute bans what its sorted copy bans" \
  "$(bans "$TMP/shuffled.jsonl" | md5sum)" "$(bans "$TMP/attack.jsonl" | md5sum)"
expect_not_contains "late lines within the tolerance are no warning" "$(cat "$TMP/shuffled.stats")" "warning"

# The benign log shuffled within each minute bans nobody.
python3 - "$TMP/all.log" "$TMP/benign-shuffled.log" <<'PY'
import random, sys
random.seed(6)
lines = open(sys.argv[1]).readlines()
out, group, key = [], [], None
for line in lines:
    k = line.split('[', 1)[1][:17]
    if k != key and group:
        random.shuffle(group); out += group; group = []
    key = k
    group.append(line)
random.shuffle(group); out += group
open(sys.argv[2], 'w').writelines(out)
PY
out=$("$DEFENDER_SCAN" --dry-run --stats "$TMP/benign-shuffled.log" 2>&1)
expect_contains "benign shuffled: no ban" "$out" "bans 0,"

# One client, two events 30 s apart, logged in the wrong order: no flood.
{
  echo '203.0.113.9 - - [31/Mar/2024:01:00:30 +0000] "GET /a HTTP/1.1" 200 5 "-" "x"'
  echo '203.0.113.9 - - [31/Mar/2024:01:00:00 +0000] "GET /b HTTP/1.1" 200 5 "-" "x"'
  echo '203.0.113.9 - - [31/Mar/2024:01:00:31 +0000] "GET /c HTTP/1.1" 200 5 "-" "x"'
} > "$TMP/two.log"
out=$("$DEFENDER_SCAN" --dry-run --stats "$TMP/two.log" 2>&1)
expect_contains "an event older than its bucket's last is no burst" "$out" "bans 0,"

# A file that runs back by an hour (two days concatenated the wrong way):
# the late part is counted and skipped, with one warning.
{
  for s in 10 11 12; do echo "203.0.113.10 - - [31/Mar/2024:02:00:$s +0000] \"GET /p$s HTTP/1.1\" 200 5 \"-\" \"x\""; done
  for s in 10 11 12; do echo "203.0.113.10 - - [31/Mar/2024:01:00:$s +0000] \"GET /.env HTTP/1.1\" 404 5 \"-\" \"x\""; done
} > "$TMP/back.log"
out=$("$DEFENDER_SCAN" --dry-run --stats "$TMP/back.log" 2>&1)
expect_eq "one warning for time running back" "$(grep -c 'warning: time runs back' <<<"$out")" 1
expect_contains "the late lines are counted" "$out" "late 3"
out=$("$DEFENDER_SCAN" --dry-run --stats --late-tolerance 2h "$TMP/back.log" 2>&1)
expect_not_contains "a wider --late-tolerance takes them" "$out" "late 3"

# A line dated 2099 neither bans nor lifts bans, nor moves the clock.
{
  echo '203.0.113.11 - - [31/Mar/2024:01:00:00 +0000] "GET /.env HTTP/1.1" 404 5 "-" "x"'
  echo '203.0.113.11 - - [31/Mar/2024:01:00:01 +0000] "GET /.git/config HTTP/1.1" 404 5 "-" "x"'
  echo '203.0.113.11 - - [31/Mar/2024:01:00:02 +0000] "GET /backup.sql HTTP/1.1" 404 5 "-" "x"'
  echo '203.0.113.11 - - [31/Mar/2024:01:00:03 +0000] "GET /id_rsa HTTP/1.1" 404 5 "-" "x"'
  echo '203.0.113.11 - - [31/Mar/2024:01:00:04 +0000] "GET /.htpasswd HTTP/1.1" 404 5 "-" "x"'
  echo '198.51.100.3 - - [01/Jan/2099:00:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "x"'
  echo '203.0.113.12 - - [31/Mar/2024:01:00:05 +0000] "GET / HTTP/1.1" 200 5 "-" "x"'
} > "$TMP/future.log"
out=$("$DEFENDER_SCAN" --dry-run --stats "$TMP/future.log" 2>&1)
expect_contains "the attacker is banned" "$out" '"action":"ban"'
expect_not_contains "the 2099 line lifts no ban" "$out" '"action":"unban"'
expect_contains "the 2099 line is counted" "$out" "future 1"
expect_eq "one warning for the future line" "$(grep -c 'warning: a line is dated' <<<"$out")" 1

finish
