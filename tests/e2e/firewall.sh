#!/usr/bin/env bash
# The sample firewall actions (samples/actions/) with the real iptables,
# ip6tables, nft and ipset, inside a throwaway network namespace (unshare -n),
# never the machine's own firewall: defender-scan bans and unbans through
# them, each unban lifts exactly its own address, and a banned source's
# packets are really dropped.
if [[ -z "${DEFENDER_NETNS:-}" ]]; then
  if ! unshare -n true 2>/dev/null; then
    echo "firewall.sh: SKIP: cannot create a network namespace (needs root or user namespaces)" >&2
    exit 77
  fi
  DEFENDER_NETNS=1 exec unshare -n bash "$0" "$@"
fi
source "$(dirname "$0")/lib/common.sh"
actions="$SOURCE_DIR/samples/actions"
for tool in iptables ip6tables nft ipset ip; do
  command -v "$tool" >/dev/null || { fail "$tool is not installed (scripts/setup.sh installs it)"; finish; exit 1; }
done
ip link set lo up
# Sources on the loopback interface: a packet from one of them to itself
# passes INPUT with that source, as a client's would.
for a in 203.0.113.5 203.0.113.50 198.51.100.9; do ip addr add "$a/32" dev lo; done
ip -6 addr add 2001:db8:1:2::7/128 dev lo nodad
port=$(free_port)
python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6); s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
s.bind(("::", int(sys.argv[1]))); s.listen(64)
while True:
    c, _ = s.accept(); c.close()' "$port" &
# reaches SOURCE: a TCP connection from SOURCE to itself gets through.
reaches() {
  python3 -c '
import socket, sys
a = sys.argv[1]; s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET); s.settimeout(0.5)
s.bind((a, 0)); s.connect((a, int(sys.argv[2])))' "$1" "$port" 2>/dev/null
}
wait_until 10 reaches 198.51.100.9 || fail "the test server does not answer"

# Three attackers: 203.0.113.5 at 01:00 (its 4 h ban ends at 05:00, in the
# log), then 203.0.113.50 and the IPv6 client (a /64) at 04:00; the log goes
# on until 05:30.
line() { echo "$1 - - [31/Mar/2024:$2 +0000] \"GET $3 HTTP/1.1\" 404 0 \"-\" \"curl/8.0\""; }
{
  for f in /.env /.git/config /backup.sql /id_rsa /.htpasswd; do line 203.0.113.5 01:00:00 "$f"; done
  for f in /.env /.git/config /backup.sql /id_rsa /.htpasswd; do line 203.0.113.50 04:00:00 "$f"; done
  for f in /.env /.git/config /backup.sql /id_rsa /.htpasswd; do line 2001:db8:1:2::7 04:00:00 "$f"; done
  line 198.51.100.9 05:30:00 /
} > "$TMP/access.log"
run() {  # run BAN UNBAN: defender-scan over the log with these actions
  "$DEFENDER_SCAN" --format combined --on-ban "$1" --on-unban "$2" "$TMP/access.log" > "$TMP/out.json"
  expect_eq "$1: three bans, one unban" "$(grep -o '"action":"[a-z]*"' "$TMP/out.json" | sort | uniq -c | tr -s ' ')" \
    "$(printf ' 3 "action":"ban"\n 1 "action":"unban"')"
}
check_enforced() {  # check_enforced WHAT
  reaches 203.0.113.5 && ok || fail "$1: 203.0.113.5 was unbanned but is still dropped"
  reaches 203.0.113.50 && fail "$1: 203.0.113.50 is banned but gets through" || ok
  reaches 2001:db8:1:2::7 && fail "$1: 2001:db8:1:2::7 is banned (its /64) but gets through" || ok
  reaches 198.51.100.9 && ok || fail "$1: 198.51.100.9 was never banned but is dropped"
}

# iptables / ip6tables: ban-ip.sh and unban-ip.sh. A rule of the admin's own
# for the unbanned address stays.
iptables -A INPUT -s 203.0.113.5/32 -p udp -j ACCEPT
run "$actions/ban-ip.sh {ip} {duration} {reason}" "$actions/unban-ip.sh {ip}"
expect_eq "iptables: only 203.0.113.50 is left banned" "$(iptables -S INPUT | grep -c defender-scan || true)" 1
expect_contains "iptables: the rule" "$(iptables -S INPUT)" '-A INPUT -s 203.0.113.50/32 -m comment --comment "defender-scan:'
expect_contains "iptables: the admin's own rule stays" "$(iptables -S INPUT)" "-A INPUT -s 203.0.113.5/32 -p udp -j ACCEPT"
expect_contains "ip6tables: the /64" "$(ip6tables -S INPUT)" '-A INPUT -s 2001:db8:1:2::/64 -m comment --comment "defender-scan:'
check_enforced iptables
"$actions/ban-ip.sh" 203.0.113.50 60 again
expect_eq "iptables: banned again with another reason: two rules" "$(iptables -S INPUT | grep -c 203.0.113.50 || true)" 2
"$actions/unban-ip.sh" 203.0.113.50
"$actions/unban-ip.sh" 2001:db8:1:2::/64
"$actions/unban-ip.sh" 203.0.113.50  # nothing left to remove: not an error
expect_eq "iptables: unbanned, every reason" "$(iptables -S INPUT | grep -c defender-scan || true)" 0
expect_eq "ip6tables: unbanned" "$(ip6tables -S INPUT | grep -c defender-scan || true)" 0
reaches 203.0.113.50 && ok || fail "iptables: 203.0.113.50 still dropped after its unban"
iptables -F INPUT; ip6tables -F INPUT

# nftables: nft-setup.sh once (twice: it is idempotent), then nft-ban.sh /
# nft-unban.sh.
"$actions/nft-setup.sh"; "$actions/nft-setup.sh"
run "$actions/nft-ban.sh {ip} {duration}" "$actions/nft-unban.sh {ip}"
set4=$(nft list set inet defender ban4)
expect_contains "nft: 203.0.113.50 with its timeout" "$set4" "203.0.113.50 timeout 4h"
expect_not_contains "nft: 203.0.113.5 lifted" "$set4" "203.0.113.5 "
expect_contains "nft: the /64" "$(nft list set inet defender ban6)" "2001:db8:1:2::/64 timeout 4h"
expect_eq "nft: one drop rule per family" "$(nft list chain inet defender input | grep -c drop)" 2
check_enforced nft
"$actions/nft-ban.sh" 203.0.113.50 60  # banned again: the new timeout
expect_contains "nft: banned again" "$(nft list set inet defender ban4)" "203.0.113.50 timeout 1m"
# A ban longer than nft takes as a timeout (99 999 999 s, about 3 years;
# `bans add` and the API take 10 years): the element has none, and the
# unban action lifts it.
"$actions/nft-ban.sh" 203.0.113.50 315360000 || fail "nft: a 10-year ban failed"
set4=$(nft list set inet defender ban4)
expect_contains "nft: a 10-year ban" "$set4" "203.0.113.50"
expect_not_contains "nft: a 10-year ban, without a timeout" "$set4" "203.0.113.50 timeout"
reaches 203.0.113.50 && fail "nft: 203.0.113.50 banned for 10 years gets through" || ok
"$actions/nft-unban.sh" 203.0.113.50; "$actions/nft-unban.sh" 2001:db8:1:2::/64
"$actions/nft-unban.sh" 203.0.113.50
expect_not_contains "nft: unbanned" "$(nft list set inet defender ban4)" "203.0.113.50"
expect_not_contains "nft: /64 unbanned" "$(nft list set inet defender ban6)" "2001:db8"
reaches 203.0.113.50 && ok || fail "nft: 203.0.113.50 still dropped after its unban"
# Actions run four at a time: unbans racing with bans still lift exactly theirs
# (`nft get` fails at random beside other nft commands; the scripts do not
# rely on it).
pids=()
for i in $(seq 1 20); do "$actions/nft-ban.sh" "192.0.2.$i" 600 & pids+=($!); done
wait "${pids[@]}"
pids=()
for i in $(seq 1 20); do
  "$actions/nft-unban.sh" "192.0.2.$i" & pids+=($!)
  "$actions/nft-ban.sh" "198.51.100.$((i + 100))" 600 & pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || fail "nft: a concurrent ban or unban failed"; done
set4=$(nft list set inet defender ban4)
expect_eq "nft: concurrent unbans lift all theirs" "$(grep -o '192\.0\.2\.[0-9]*' <<<"$set4" | wc -l)" 0
expect_eq "nft: concurrent bans all land" "$(grep -o '198\.51\.100\.1[0-9][0-9]' <<<"$set4" | wc -l)" 20
nft delete table inet defender

# ipset: ipset-setup.sh (idempotent), then ipset-ban.sh / ipset-unban.sh.
"$actions/ipset-setup.sh"; "$actions/ipset-setup.sh"
expect_eq "ipset: one match rule" "$(iptables -S INPUT | grep -c 'match-set defender4')" 1
run "$actions/ipset-ban.sh {ip} {duration}" "$actions/ipset-unban.sh {ip}"
members=$(ipset list defender4 | sed -n '/^Members:/,$p')
expect_contains "ipset: 203.0.113.50" "$members" "203.0.113.50 timeout"
expect_not_contains "ipset: 203.0.113.5 lifted" "$members" "203.0.113.5 "
expect_contains "ipset: the /64" "$(ipset list defender6)" "2001:db8:1:2::/64 timeout"
check_enforced ipset
# A ban longer than ipset takes as a timeout (2 147 483 s, under 25 days;
# `bans.max: 30d` makes such bans): the entry has none (timeout 0), and the
# unban action lifts it.
"$actions/ipset-ban.sh" 203.0.113.50 2592000 || fail "ipset: a 30-day ban failed"
expect_contains "ipset: a 30-day ban, without a timeout" "$(ipset list defender4)" "203.0.113.50 timeout 0"
reaches 203.0.113.50 && fail "ipset: 203.0.113.50 banned for 30 days gets through" || ok
"$actions/ipset-unban.sh" 203.0.113.50; "$actions/ipset-unban.sh" 2001:db8:1:2::/64
"$actions/ipset-unban.sh" 203.0.113.50
expect_not_contains "ipset: unbanned" "$(ipset list defender4)" "203.0.113.50"
expect_not_contains "ipset: /64 unbanned" "$(ipset list defender6)" "2001:db8"
reaches 203.0.113.50 && ok || fail "ipset: 203.0.113.50 still dropped after its unban"

# Every ban script has its unban companion.
for ban in "$actions"/*ban*.sh; do
  case "$ban" in *unban*) continue ;; esac
  base=$(basename "$ban"); companion=${base/ban/unban}
  [[ $base == ban-ip.sh ]] && companion=unban-ip.sh
  [[ -x "$actions/$companion" ]] && ok || fail "$base has no $companion"
done
finish
