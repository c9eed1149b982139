#!/usr/bin/env bash
# Search benchmark (issue 5), every run through exp::run_experiment. Default (--quick, a few
# minutes): the acceptance, auto and random on NB201 CIFAR-10 x raspi4 with latency cheap, 10
# seeds, budgets 100/200/300; prints the table and the acceptance line, exits 1 if it fails.
#   bench/run_search_bench.sh --full        # every strategy x every device column of
#                                           # nb201_latency.csv x latency cheap and expensive
#   bench/run_search_bench.sh --devices edgegpu,titanx_b1 --detail
# Builds into build/ like scripts/build.sh (HWNAS_BUILD_DIR overrides).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${HWNAS_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$build" --target hwnas_search_bench
exec "$build/bin/hwnas_search_bench" --threads "$(nproc)" "$@"
