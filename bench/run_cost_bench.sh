#!/usr/bin/env bash
# Latency prediction throughput (issue 4 acceptance: >= 100,000 predictions/s on one core for
# nb201 and mbconv): builds bench/cost/predict_bench.cc and prints predictions per second per
# space for the slow path (decode + predict) and the fast path (cost::ArchLatency), streaming
# 200,000 random archs from a cold start and once warm. Builds into build/ like scripts/build.sh
# (HWNAS_BUILD_DIR overrides); HWNAS_BENCH_DEVICE picks the device (default pixel3-cpu).
#   bench/run_cost_bench.sh
#   HWNAS_BENCH_DEVICE=npu-generic bench/run_cost_bench.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${HWNAS_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$build" --target hwnas_predict_bench >/dev/null
json="$(mktemp)"
trap 'rm -f "$json"' EXIT
"$build/bin/hwnas_predict_bench" --benchmark_format=json --benchmark_out="$json" --benchmark_out_format=json "$@" >/dev/null
python3 - "$json" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
rate = {}
for r in runs:
    kind, space = r["name"].split("/")[:2]
    rate[(kind, space)] = (r["items_per_second"], r.get("decodes"))
print("predictions per second on one core (CPU time), roofline on", __import__("os").environ.get("HWNAS_BENCH_DEVICE", "pixel3-cpu"))
print(f"{'space':8} {'slow path':>12} {'fast, cold stream':>18} {'decodes':>8} {'fast, warm':>12}")
ok = True
for space in ("nb201", "mbconv"):
    slow = rate[("slow", space)][0]
    stream, decodes = rate[("stream", space)]
    warm = rate[("warm", space)][0]
    ok &= stream >= 1e5
    print(f"{space:8} {slow:12,.0f} {stream:18,.0f} {decodes:8,.0f} {warm:12,.0f}")
print("acceptance (cold stream of 200,000 archs >= 100,000/s on both):", "PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
