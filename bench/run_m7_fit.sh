#!/usr/bin/env bash
# The Cortex-M7 profiles' int8 figures fitted to the estimated cycles of hwnas's generated code
# (issue 14, items 4 and 7): 24 sampled dscnn networks with random weights, each quantized,
# generated as C, run in QEMU and traced (about 5 s each); prints the fit, its error on held-out
# networks and dscnn-mlperf's estimate. Needs arm-none-eabi-gcc and qemu-system-arm
# (scripts/install-deps.sh). Builds into build/ (HWNAS_BUILD_DIR overrides); extra arguments go
# to hwnas_m7_fit (--samples, --seed, --space, --holdout, --csv).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${HWNAS_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$build" --target hwnas_m7_fit
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$build/bin/hwnas_m7_fit" --work "$work/ops" --csv "${CSV:-$build/m7_fit_ops.csv}" "$@"
