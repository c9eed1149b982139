#!/usr/bin/env bash
# Fuzzes every parser of user input (fuzz/*_fuzzer.cc) with libFuzzer, ASan and UBSan, and
# prints per target the executions, the crashes found and the time it ran.
#
#   bench/run_fuzz.sh              # 600 s per target
#   bench/run_fuzz.sh 60 csv npy   # 60 s, only these targets
#
# Builds build-fuzz/ with clang and -DHWNAS_FUZZ=ON. The runs are niced (the machine is
# shared) and in libFuzzer's fork mode, so that a crash is saved and fuzzing goes on:
# crashing inputs land in build-fuzz/fuzz/artifacts/<target>/ (crash-*, timeout-*, oom-*,
# leak-*); replay one with `build-fuzz/fuzz/<target>_fuzzer <file>`. Seeds are the repo's own
# files (examples, devices, fuzz/corpus/<target>/); the corpus grows in
# build-fuzz/fuzz/corpus/<target>/ and is kept between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(graph_json experiment_yaml space_yaml device_yaml csv npy predictor_file few_shot benchmark_model_log onnx_import)
build=${HWNAS_FUZZ_BUILD:-build-fuzz}

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  "${launcher[@]}" -DHWNAS_FUZZ=ON >/dev/null
nice -n 10 cmake --build "$build" --parallel "${JOBS:-$(nproc)}" \
  --target hwnas_fuzz_write_seeds $(printf '%s_fuzzer ' "${targets[@]}")

# Seeds of a target: the repo files of its format plus the committed extras in fuzz/corpus/.
seeds_of() {
  case $1 in
    experiment_yaml) ls examples/*.yaml ;;
    space_yaml) ls examples/spaces/*.yaml ;;
    device_yaml) ls devices/*.yaml ;;
    benchmark_model_log) ls tests/measure/benchmark_model_logs/*.txt ;;
  esac
  [ -d "fuzz/corpus/$1" ] && find "fuzz/corpus/$1" -type f
  return 0
}

out=$build/fuzz
"$out/hwnas_fuzz_write_seeds" "$out/seeds"  # graph JSON, .npy, predictor and few-shot files
summary=()
for t in "${targets[@]}"; do
  mkdir -p "$out/seeds/$t" "$out/corpus/$t" "$out/artifacts/$t"
  seeds_of "$t" | while read -r f; do cp "$f" "$out/seeds/$t/"; done
  if [ "$t" = csv ] && [ -d "${HWNAS_SHARED_DATA:-../shared/data}/nb201" ]; then  # the published tables' first rows
    for f in "${HWNAS_SHARED_DATA:-../shared/data}"/nb201/*.csv; do head -c 2000 "$f" > "$out/seeds/$t/$(basename "$f")"; done
  fi
  log=$out/$t.log
  before=$(ls "$out/artifacts/$t" | wc -l)
  echo "fuzzing $t for $seconds s (log $log)"
  start=$(date +%s)
  # -timeout: an input that takes 10 s is a hang; -rss_limit_mb (and the malloc limit it
  # implies): 2 GiB is an unbounded allocation. Fork mode passes both to its worker.
  (cd "$out" && nice -n 15 "./${t}_fuzzer" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="artifacts/$t/" "corpus/$t" "seeds/$t") > "$log" 2>&1 || true
  elapsed=$(( $(date +%s) - start ))
  # Fork mode's status lines: "#<execs>: cov: .. oom/timeout/crash: a/b/c time: ..".
  last=$(grep -a '^#[0-9]*: cov:' "$log" | tail -1)
  execs=$(sed -n 's/^#\([0-9]*\):.*/\1/p' <<<"$last")
  found=$(sed -n 's/.*oom\/timeout\/crash: \([0-9]*\/[0-9]*\/[0-9]*\).*/\1/p' <<<"$last")
  new=$(( $(ls "$out/artifacts/$t" | wc -l) - before ))
  summary+=("$(printf '%-16s %12s %18s %16s %7ss' "$t" "${execs:-?}" "${found:-?}" "$new" "$elapsed")")
done

echo
printf '%-16s %12s %18s %16s %8s\n' target executions oom/timeout/crash "new artifacts" time
printf '%s\n' "${summary[@]}"
echo "artifacts: $out/artifacts/<target>/ (replay: $out/<target>_fuzzer <file>)"
