#!/usr/bin/env bash
# Prints the speed figures the issues ask for, each measured against its
# baseline in the same run (medians; this machine is shared and noisy).
#   bench/run.sh [LINES]     (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j "$(nproc)" --target defender-scan loggen bench_parse bench_input bench_nginx wall syslog_send >/dev/null
lines=${1:-1000000}
data=bench/data
mkdir -p "$data"
log="$data/access-$lines.log"
if [[ ! -f "$log" ]]; then
  ./build/bench/loggen --lines "$lines" --truth "$data/truth-$lines.tsv" > "$log"
fi
[[ -f "$log.gz" && "$log.gz" -nt "$log" ]] || gzip -kf "$log"
scan=./build/cli/defender-scan

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
seconds() {  # seconds CMD...: wall time of one run, from fork to exit (bench/wall.cc)
  ./build/bench/wall "$@"
}

echo "== parse: log_format scanner vs a memchr C loop (issue 2: ratio >= 0.60)"
./build/bench/bench_parse "$log" 5

echo "== start-up and the whole process (issue 18): empty input vs the 1M-line log, and vs the memchr floor program"
# Cold cache: no cache directory at all, with the sample configuration (its
# custom rules are RE2, beside the built-in Hyperscan databases). Rules
# compiled: the built-in databases ignored and no cache, so the rules compile
# (what a run with another Hyperscan than the binary's was built with pays
# once before its cache is written).
e=(); k=(); c=(); w=(); f=(); zz=(); gg=()
for _ in 1 2 3 4 5 6 7; do
  e+=("$(seconds "$scan" --format defender /dev/null)")
  k+=("$(seconds "$scan" --config samples/config.yaml --cache-dir none --format defender /dev/null)")
  c+=("$(DEFENDER_SCAN_IGNORE_BUILT_IN=1 seconds "$scan" --cache-dir none --format defender /dev/null)")
  w+=("$(seconds "$scan" --format defender "$log")")
  f+=("$(seconds ./build/bench/bench_parse --floor "$log")")
  zz+=("$(seconds "$scan" --format defender "$log.gz")")
  gg+=("$(seconds gzip -dc "$log.gz")")
done
em=$(printf '%s\n' "${e[@]}" | median); km=$(printf '%s\n' "${k[@]}" | median); cm=$(printf '%s\n' "${c[@]}" | median)
wm=$(printf '%s\n' "${w[@]}" | median); fm=$(printf '%s\n' "${f[@]}" | median)
zzm=$(printf '%s\n' "${zz[@]}" | median); ggm=$(printf '%s\n' "${gg[@]}" | median)
echo "whole run, $lines lines:           ${wm} s   $(echo "$lines / $wm" | bc) lines/s"
echo "empty input, built-in databases:   ${em} s   $(echo "scale=3; $em / $wm" | bc) of the whole run (target <= 0.05)"
echo "empty input, cold cache, samples/config.yaml (custom rules): ${km} s   $(echo "scale=3; $km / $wm" | bc) of the whole run (target <= 0.25)"
echo "empty input, rules compiled (another Hyperscan than the build's, first run): ${cm} s   $(echo "scale=3; $cm / $wm" | bc) of the whole run"
echo "memchr floor program (bench_parse --floor): ${fm} s   whole run at $(echo "scale=2; $fm / $wm" | bc) of its speed (target >= 0.5)"
echo "whole run on the .gz:              ${zzm} s   $(echo "scale=2; $zzm / $ggm" | bc) of gzip -dc's ${ggm} s (target <= 0.5)"

echo "== gzip input: defender-scan's input layer on .gz vs gzip -dc > /dev/null (issue 2: >= 2x)"
g=(); i=(); z=(); p=()
for _ in 1 2 3 4 5; do
  g+=("$(seconds gzip -dc "$log.gz")")
  i+=("$(seconds ./build/bench/bench_input "$log.gz")")
  z+=("$(seconds "$scan" --format defender "$log.gz")")
  p+=("$(seconds "$scan" --format defender "$log")")
done
gm=$(printf '%s\n' "${g[@]}" | median); im=$(printf '%s\n' "${i[@]}" | median)
zm=$(printf '%s\n' "${z[@]}" | median); pm=$(printf '%s\n' "${p[@]}" | median)
echo "gzip -dc > /dev/null:                ${gm} s"
echo "input layer (inflate + lines) .gz:   ${im} s   speed-up: $(echo "scale=2; $gm / $im" | bc)x"
echo "whole default run on the .gz:        ${zm} s"
echo "whole default run on the plain file: ${pm} s   (both read, inflated and parsed on a second thread)"

echo "== report: defender-scan report (the HTML page) vs a dry run over the 1M-line log (issue 21: <= 1.20)"
dr=(); rp=()
for _ in 1 2 3 4 5 6 7; do
  dr+=("$(seconds "$scan" --format defender --dry-run "$log")")
  rp+=("$(seconds "$scan" report -o "$data/report.html" --format defender "$log")")
done
drm=$(printf '%s\n' "${dr[@]}" | median); rpm=$(printf '%s\n' "${rp[@]}" | median)
echo "dry run: ${drm} s   report: ${rpm} s   ratio: $(echo "scale=2; $rpm / $drm" | bc)   page: $(( $(stat -c %s "$data/report.html") / 1024 )) KB"

echo "== syslog: the 1M-line log sent as nginx's syslog datagrams over loopback as fast as one sender can, then over TCP (issue 20)"
port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$scan" --syslog-listen "udp://127.0.0.1:$port" --format defender --stats > /dev/null 2> "$data/syslog-stats" &
receiver=$!
sleep 0.5
./build/bench/syslog_send "$port" "$log"
sleep 2  # what is still queued
kill -TERM "$receiver"
wait "$receiver" || true
grep -E "syslog messages" "$data/syslog-stats" | sed 's/defender-scan: stats: /received: /'
# Over TCP the sender can go no faster than the receiver takes the lines in
# (its socket buffers hold a few MB of the 250): the time is the receiver's.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$scan" --syslog-listen "tcp://127.0.0.1:$port" --format defender --stats > /dev/null 2> "$data/syslog-stats" &
receiver=$!
sleep 0.5
./build/bench/syslog_send --tcp "$port" "$log"
sleep 1
kill -TERM "$receiver"
wait "$receiver" || true
grep -E "syslog messages" "$data/syslog-stats" | sed 's/defender-scan: stats: /received: /'
echo "(the same lines from the file: $(echo "$lines / $wm" | bc) lines/s, whole process)"

echo "== fleet: ban propagation through Redis across three serve nodes (issue 20)"
bash bench/fleet_latency.sh 1000

echo "== memory: 5M distinct clients with one request each (issue 3: under the cap, nobody banned)"
unique="$data/unique-5000000.log"
# All within 50 s of log time, so no bucket drains: the cap has to hold.
[[ -f "$unique" ]] || ./build/bench/loggen --lines 5000000 --unique-clients --rate 100000 > "$unique"
/usr/bin/time -f "peak RSS: %M KB" "$scan" --stats "$unique" 2>&1 >/dev/null | grep -E "peak RSS|buckets|bans "

echo "== address flood: 3M lines from distinct clients within 1 s each of log time vs the normal log (issue 17: within 4x)"
flood="$data/flood-3000000.log"
# 1M new clients a second: at the cap, every bucket drains at the same time.
[[ -f "$flood" ]] || ./build/bench/loggen --lines 3000000 --unique-clients --rate 1000000 > "$flood"
n=(); f=()
for _ in 1 2 3; do
  n+=("$(seconds "$scan" "$log")")
  f+=("$(seconds "$scan" "$flood")")
done
nm=$(printf '%s\n' "${n[@]}" | median); fm=$(printf '%s\n' "${f[@]}" | median)
nr=$(echo "$lines / $nm" | bc); fr=$(echo "3000000 / $fm" | bc)
echo "normal log:  ${nm} s, ${nr} lines/s"
echo "flood:       ${fm} s, ${fr} lines/s   slowdown: $(echo "scale=2; $nr / $fr" | bc)x"
/usr/bin/time -f "flood peak RSS: %M KB" "$scan" --stats "$flood" 2>&1 >/dev/null | grep -E "peak RSS|buckets"

echo "== nginx include: 100 000 bans as a geo include (issue 4: < 1 s, nginx -t accepts it)"
ngx=$(mktemp -d)
./build/bench/bench_nginx "$ngx/blocks.conf" 100000
cat > "$ngx/nginx.conf" <<CONF
pid $ngx/nginx.pid;
error_log $ngx/error.log;
events {}
http { include $ngx/blocks.conf; server { listen 127.0.0.1:1; if (\$defender_blocked) { return 403; } } }
CONF
nginx -p "$ngx" -c "$ngx/nginx.conf" -t 2>&1 | tail -1
rm -rf "$ngx"

echo "== serve mode: nginx auth_request to defender-scan serve vs to a 204 server block, wrk (issue 5: >= 0.80)"
bash bench/bench_serve.sh 5 5

bash bench/precision.sh "$lines"
bash bench/behaviour.sh "$lines"
