#!/usr/bin/env bash
# Memory prediction throughput (issue 4, item 4): plan::memory_footprint per architecture of
# each built-in space (graph order and best order) and the full estimate of two models, on
# one core. Builds into build/ like scripts/build.sh (HWNAS_BUILD_DIR overrides). Extra
# arguments go to Google Benchmark, e.g. --benchmark_filter=nb201.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${HWNAS_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$build" --target hwnas_memory_bench
exec "$build/bin/hwnas_memory_bench" --benchmark_min_time=0.3 "$@"
