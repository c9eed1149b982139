#!/usr/bin/env bash
# Search benchmark (issue 5): every strategy x 10 seeds x budgets 100/200/300 on NB201 CIFAR-10
# with each device of nb201_latency.csv, latency cheap and expensive; prints the tables and
# the acceptance line, exits 1 if the acceptance fails. Builds into build/ like
# scripts/build.sh (HWNAS_BUILD_DIR overrides). Extra arguments go to the benchmark, e.g.
#   bench/run_search_bench.sh --devices raspi4 --modes cheap    # the acceptance alone (~5 min)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${HWNAS_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$build" --target hwnas_search_bench
exec "$build/bin/hwnas_search_bench" --threads "$(nproc)" "$@"
