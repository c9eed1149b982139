#!/usr/bin/env bash
# Issue 13's trainer throughput: samples/s of hwnas's trainer (hwnas_train_throughput) against
# plain PyTorch (bench/train/torch_throughput.py; Debian's python3-torch, built from the same
# PyTorch release as libtorch-dev) on the same graph, batch, threads, epochs and in-memory
# examples. Runs alternate (hwnas, torch, torch with hwnas's malloc policy, hwnas, ...) so that
# machine noise hits all; the ratios are of the medians.
#
#   bench/run_torch_bench.sh [build-dir] [model]      # default: build, dscnn-mlperf
# Environment: THREADS (2), BATCH (100), EPOCHS (4), EXAMPLES (3000), REPEATS (3).
set -euo pipefail
BUILD=${1:-build}
MODEL=${2:-dscnn-mlperf}
THREADS=${THREADS:-2}
BATCH=${BATCH:-100}
EPOCHS=${EPOCHS:-4}
EXAMPLES=${EXAMPLES:-3000}
REPEATS=${REPEATS:-3}
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "installing python3-torch (Debian) for the PyTorch side"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y -qq --no-install-recommends python3-torch >/dev/null
fi
nice -n 5 cmake --build "$BUILD" --target hwnas_train_throughput -j 2 >/dev/null
BENCH=$BUILD/bench/hwnas_train_throughput
[ -x "$BENCH" ] || BENCH=$BUILD/bin/hwnas_train_throughput
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
args=(--batch "$BATCH" --threads "$THREADS" --epochs "$EPOCHS" --examples "$EXAMPLES")
for i in $(seq "$REPEATS"); do
  "$BENCH" "$MODEL" "${args[@]}" --graph-out "$WORK/graph.json" | tee -a "$WORK/hwnas.jsonl"
  params=$(/usr/bin/python3 -c "import json,sys; print(json.loads(open(sys.argv[1]).readline())['params'])" "$WORK/hwnas.jsonl")
  /usr/bin/python3 "$(dirname "$0")/train/torch_throughput.py" "$WORK/graph.json" "${args[@]}" --params "$params" \
    | tee -a "$WORK/torch.jsonl"
  # The same malloc policy as hwnas's trainer sets for itself (keep freed memory: trainer.cc),
  # through glibc's tunables, so the ratio is not only about the allocator.
  GLIBC_TUNABLES=glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=1073741824 \
    /usr/bin/python3 "$(dirname "$0")/train/torch_throughput.py" "$WORK/graph.json" "${args[@]}" --params "$params" \
    | tee -a "$WORK/torch-malloc.jsonl"
done
/usr/bin/python3 - "$WORK/hwnas.jsonl" "$WORK/torch.jsonl" "$WORK/torch-malloc.jsonl" <<'PY'
import json, statistics, sys
h = [json.loads(l) for l in open(sys.argv[1])]
t = [json.loads(l) for l in open(sys.argv[2])]
tk = [json.loads(l) for l in open(sys.argv[3])]
hm = statistics.median(r["samples_per_s"] for r in h)
tm = statistics.median(r["samples_per_s"] for r in t)
tkm = statistics.median(r["samples_per_s"] for r in tk)
print(f"{h[0]['model']}, batch {h[0]['batch']}, {h[0]['threads']} thread(s), {h[0]['timed_epochs']} timed epochs of "
      f"{h[0]['train_examples']} examples, {len(h)} alternating runs each (measured, this machine):")
def runs(rows):
    return ", ".join("{:,.0f}".format(r["samples_per_s"]) for r in rows)
print(f"  {h[0]['engine']}: {hm:,.0f} samples/s (runs: {runs(h)})")
print(f"  {t[0]['engine']}: {tm:,.0f} samples/s (runs: {runs(t)})")
print(f"  {tk[0]['engine']}, hwnas's malloc policy: {tkm:,.0f} samples/s (runs: {runs(tk)})")
print(f"  ratio hwnas / PyTorch: {hm / tm:.2f} (against PyTorch with the same malloc policy: {hm / tkm:.2f})")
PY
