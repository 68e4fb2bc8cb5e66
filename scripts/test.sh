#!/usr/bin/env bash
# Sets up, builds and runs every test: the unit and end-to-end tests on the
# release build (warnings are errors), then the unit tests, the fuzzers (log
# lines, API requests, HTTP connections with chunked bodies and trailers,
# state rows, signature cache files, fleet decisions read from Redis), the
# HTTP API test (10 000 bad requests) and the fleet test (a real Redis and
# four nodes) under AddressSanitizer + UndefinedBehaviorSanitizer (clang).
#   FUZZ_SECONDS=N   how long each fuzzer runs (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)

cmake -S . -B build -G Ninja -DDEFENDER_WERROR=ON >/dev/null
echo "test: building (release, warnings are errors)" >&2
cmake --build build -j "$jobs"
echo "test: the release suite" >&2
ctest --test-dir build --output-on-failure -j "$jobs"

CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DDEFENDER_WERROR=ON -DDEFENDER_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFUZZ_SECONDS="${FUZZ_SECONDS:-30}" >/dev/null
echo "test: building with AddressSanitizer + UBSan, then the fuzzers" >&2
cmake --build build-fuzz -j "$jobs" --target unit_tests log_line_fuzz api_fuzz http_fuzz state_fuzz cache_fuzz fleet_fuzz defender-scan
ctest --test-dir build-fuzz --output-on-failure -R 'unit_tests|fuzz|e2e_serve_api|e2e_fleet'
