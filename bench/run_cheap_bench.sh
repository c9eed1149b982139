#!/usr/bin/env bash
# Cheap-metric search speed (issue 5): 10^6 mbconv candidates scored by the roofline latency
# metric of an experiment on one core, then a run of cheap-only trials through the runner;
# prints the figures and the acceptance line. Builds into build/ like scripts/build.sh
# (HWNAS_BUILD_DIR overrides). Extra arguments go to the benchmark, e.g. --device raspi4.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${HWNAS_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$build" --target hwnas_cheap_bench
exec taskset -c 0 "$build/bin/hwnas_cheap_bench" "$@"
