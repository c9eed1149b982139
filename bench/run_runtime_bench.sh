#!/usr/bin/env bash
# Runtime comparison (issue 3, item 8): every built-in model, f32, 1 and 2 threads, on hwnas'
# xnnpack backend, OpenCV DNN (on the exported ONNX) and libtorch, each under the measure
# protocol; prints medians with p10..p90 and the opencv/xnnpack and torch/xnnpack ratios from
# the same run, and writes $build/results/runtime/runtime_bench.csv (or --csv). Builds into build/ like
# scripts/build.sh (HWNAS_BUILD_DIR overrides). Extra arguments go to the benchmark, e.g.
#   bench/run_runtime_bench.sh --models mobilenetv2-1.0,efficientnet-b0,dscnn-mlperf --budget-s 3
# Everything (18 models, EfficientNet-B7 at 600x600 included) takes about half an hour.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${HWNAS_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$build" --target hwnas_runtime_bench
mkdir -p "$build/results/runtime"
# The CSV goes beside the latency bench's results unless --csv says otherwise (a later --csv wins).
exec "$build/bin/hwnas_runtime_bench" --csv "$build/results/runtime/runtime_bench.csv" "$@"
