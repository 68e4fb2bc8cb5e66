#!/usr/bin/env bash
# Sets up, builds, and runs defender-scan on the sample log: prints the alerts
# and decisions as JSON lines, then the run's counters.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja >/dev/null
cmake --build build -j "$(nproc)" --target defender-scan >/dev/null
exec ./build/cli/defender-scan --dry-run --stats samples/access.log
