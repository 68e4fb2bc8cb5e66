# Shared by the end-to-end tests: set -e, a temp dir removed at exit, and
# small assertions that print what differed.
set -euo pipefail
: "${DEFENDER_SCAN:?set by ctest}" "${SOURCE_DIR:?set by ctest}"
TMP=$(mktemp -d)
# cleanup: the test's background processes are stopped first, then the temp
# dir is removed (a process still writing into it, as redis-server does on
# its way out, would make the removal fail, and with it the test).
cleanup() {
  jobs -p | xargs -r kill 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    rm -rf "$TMP" 2>/dev/null && return 0
    sleep 0.2
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
# A command that fails outside an assertion ends the test: say which.
trap 's=$?; [[ $- == *e* ]] && echo "FAIL: $(basename "$0"):$LINENO: command failed (status $s): $BASH_COMMAND" >&2' ERR
failures=0
checks=0

ok() { checks=$((checks + 1)); }
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); checks=$((checks + 1)); }
expect_eq() {  # expect_eq WHAT GOT WANT
  if [[ "$2" == "$3" ]]; then ok; else fail "$1: got '$2', want '$3'"; fi
}
expect_contains() {  # expect_contains WHAT HAYSTACK NEEDLE
  if [[ "$2" == *"$3"* ]]; then ok; else fail "$1: '$3' not in: $(head -c 600 <<<"$2")"; fi
}
expect_not_contains() {
  if [[ "$2" != *"$3"* ]]; then ok; else fail "$1: '$3' unexpectedly in output"; fi
}
# wait_until SECONDS CMD...: polls CMD every 50 ms; false if it never succeeds.
wait_until() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@"; do
    (( $(date +%s) < deadline )) || return 1
    sleep 0.05
  done
}
# free_port: a TCP port on loopback that nothing uses now, below the
# kernel's ephemeral range (ip_local_port_range), so that no outgoing
# connection (a curl of a test running alongside) takes it before the test
# listens on it; port 0 would give one from that range.
free_port() {
  python3 - <<'PY'
import random, socket
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
for _ in range(1000):
    port = random.randrange(10000, low)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    break
PY
}
# start_serve PORT ARGS...: defender-scan serve on 127.0.0.1:PORT, in the
# background ($serve is its pid), once /healthz answers.
start_serve() {
  local port=$1; shift
  "$DEFENDER_SCAN" serve --listen "127.0.0.1:$port" "$@" <&0 &  # the caller's stdin, not /dev/null
  serve=$!
  wait_until 30 curl -sf "http://127.0.0.1:$port/healthz" -o /dev/null || fail "serve did not start on $port"
}
# has_open PID PATH: the process has PATH open (it has started reading it).
has_open() { ls -l "/proc/$1/fd" 2>/dev/null | grep -qF -- "$2"; }

finish() {
  echo "$(basename "$0"): $((checks - failures)) passed, $failures failed"
  [[ $failures -eq 0 ]]
}
