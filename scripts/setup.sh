#!/usr/bin/env bash
# Installs, with apt-get, exactly the Debian 12 packages defender-scan needs
# that are not installed yet. Safe to run repeatedly.
#   setup.sh         what the tests and benchmarks need (scripts/test.sh)
#   setup.sh build   only what building needs (scripts/demo.sh)
set -euo pipefail
mode=${1:-all}
case "$mode" in all|build) ;; *) echo "usage: setup.sh [build]" >&2; exit 2 ;; esac

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config
  # libraries: one well-kept library per job (docs/architecture.md)
  libcli11-dev libfmt-dev libre2-dev libhyperscan-dev libabsl-dev
  libyaml-cpp-dev libsqlite3-dev libisal-dev zlib1g-dev libbz2-dev
  liblzma-dev libzstd-dev libsimdjson-dev doctest-dev libboost-dev
  libhiredis-dev
)
if [[ $mode == all ]]; then
  packages+=(
    # the sanitizer build and the fuzzers
    clang libclang-rt-14-dev
    # tests: real nginx, compressors for fixtures, man page lint, sqlite3 CLI
    nginx gzip bzip2 xz-utils zstd groff-base man-db sqlite3 python3 curl bc time
    # serve mode's tests and benchmark: Lua in nginx, the application samples, wrk
    libnginx-mod-http-lua jq python3-django php-cli wrk
    # fleet mode's tests: a real Redis, started by the test on loopback
    redis-server
    # the HTML report rendered by a real browser (headless)
    chromium
    # the sample firewall actions' test, inside a network namespace only
    iptables nftables ipset iproute2
    # bench/instructions.sh: instruction counts that the noise does not move
    valgrind
  )
  # Node.js for the Express sample: Debian's nodejs and npm, unless a Node.js
  # with its own npm is installed already.
  if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
# A freshly installed nginx package starts a system nginx on port 80, which
# nothing here uses (the tests start their own on loopback): only that one,
# installed just now, is stopped again. An nginx that was installed before
# is the machine's own and is never touched.
if [[ " ${missing[*]} " == *" nginx "* ]] && command -v systemctl >/dev/null 2>&1; then
  echo "setup: stopping the system nginx that this set-up just installed" >&2
  "${sudo_cmd[@]}" systemctl disable --now nginx >/dev/null 2>&1 || true
fi
# Likewise a freshly installed redis-server (the tests start their own).
if [[ " ${missing[*]} " == *" redis-server "* ]] && command -v systemctl >/dev/null 2>&1; then
  echo "setup: stopping the system redis-server that this set-up just installed" >&2
  "${sudo_cmd[@]}" systemctl disable --now redis-server >/dev/null 2>&1 || true
fi
