#!/usr/bin/env bash
# hwnas's generated Cortex-M7 code for dscnn-mlperf (or --model M) beside the published MLPerf
# Tiny M7 results (estimated cycles), a TFLite-Micro-style arena plan (peak RAM ratio) and the
# ELF's flash and RAM (issue 14, item 7). Needs arm-none-eabi-gcc and qemu-system-arm
# (scripts/install-deps.sh); about 10 s. Builds into build/ (HWNAS_BUILD_DIR overrides).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${HWNAS_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$build" --target hwnas_m7_bench
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$build/bin/hwnas_m7_bench" --work "$work/run" "$@"
