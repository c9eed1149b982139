#!/usr/bin/env bash
# Host latency benchmark (issue 3, item 8, the xnnpack part): every built-in model in f32 and
# int8 with 1 and 2 threads (median, p10, p90, CV, runs), repeatability of two measure runs of
# mobilenetv2-1.0, the per-kernel profile's sum-of-kernels vs whole-model error per family, and
# the timing protocol's own overhead per run. Prints the tables and writes latency.csv,
# repeatability.csv, additivity.csv and overhead.csv to $build/results/latency (or --out).
# Builds into build/ like scripts/build.sh (HWNAS_BUILD_DIR overrides). Extra arguments go to
# the benchmark, e.g.
#   bench/run_latency_bench.sh --models mobilenetv2-1.0,efficientnet-b0 --sections latency,repeat
# Everything (18 models, EfficientNet-B7 at 600x600 with int8 calibration on the reference
# kernels included) takes about 15 minutes on an idle 2-core host; run it on an idle machine.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${HWNAS_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$build" --target hwnas_latency_bench
exec "$build/bin/hwnas_latency_bench" --out "$build/results/latency" "$@"
