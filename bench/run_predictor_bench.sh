#!/usr/bin/env bash
# Issue 4's predictor acceptance benchmarks:
#  1. few-shot calibration on NB201 (shared/data/nb201/nb201_latency.csv): per device column,
#     the calibrated model fitted on 10 random archs, 20 draws, Spearman over all archs with
#     a value, FLOPs-proportional Spearman beside it (target: mean >= 0.93);
# 1b. the same with the few-shot prior model (cost/few_shot_prior.h): leave one device out,
#     the prior is the table's other latency columns; then the spread of its mean over draw
#     seeds 1-20 (each seed its own 20 draws);
# 1c. its n-sweep (10, 100, 1000, 3000 measured rows, 3 draws): the linear model and the same
#     fit with its XGBoost residual (kept where 5-fold CV shows a gain), scored on the rows the
#     fit did not see; about a minute;
#  2. the host kernel predictor: built on this machine (xnnpack, 1 thread, pinned), then
#     held-out models measured now, predicted vs measured (target: >= 95% within +-10%).
# Usage: bench/run_predictor_bench.sh [build-dir] [budget-minutes]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$here/build}"
budget="${2:-7}"
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target hwnas hwnas_calibration_bench hwnas_meta_prior_bench -j2 >/dev/null
out="$build/predictor-bench"
mkdir -p "$out"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo
echo "== 1. few-shot calibration on NB201 (10 archs, 20 draws) =="
"$build/bin/hwnas_calibration_bench" --base raspi4 --train 10 --repeats 20
echo
echo "== 1b. few-shot prior model on NB201, leave one device out (10 archs, 20 draws) =="
"$build/bin/hwnas_meta_prior_bench" --train 10 --repeats 20
"$build/bin/hwnas_meta_prior_bench" --train 10 --repeats 20 --seeds 1-20 | tail -2 | head -1
echo
echo "== 1c. few-shot prior model: linear vs with its residual trees, by measured rows (3 draws) =="
"$build/bin/hwnas_meta_prior_bench" --train 10,100,1000,3000 --repeats 3 | grep -v '^ *e\.g\. '
echo
echo "== 2. host kernel predictor (xnnpack, 1 thread) =="
"$build/bin/hwnas" predictor build --device host --out "$out/host-xnnpack.json" --budget-min "$budget" 2>"$out/build.log"
"$build/bin/hwnas" predictor eval --device host --predictor "$out/host-xnnpack.json" --per-space 12 \
  --csv "$out/eval.csv" 2>"$out/eval.log"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
