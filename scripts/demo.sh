#!/usr/bin/env bash
# Sets up, builds, and runs defender-scan on the sample log: prints the alerts
# and decisions as JSON lines, then the run's counters.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh build   # the build's packages only: no nginx, PHP, Node or test tools
echo "demo: building defender-scan in build/ (a few minutes the first time)" >&2
cmake -S . -B build -G Ninja >/dev/null
# Ninja's [done/total] lines show the progress.
cmake --build build -j "$(nproc)" --target defender-scan >&2
echo "demo: running defender-scan on samples/access.log" >&2
exec ./build/cli/defender-scan --dry-run --stats samples/access.log
