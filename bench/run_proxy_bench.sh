#!/usr/bin/env bash
# Zero-cost proxies on NAS-Bench-201 (issue 13's acceptance): N CIFAR-10 cells drawn with a seed
# from the space (every NB201 cell is in the published table, ../shared/data/nb201, read here at
# run time), each proxy computed by `hwnas proxy` (libtorch, initial weights from the seed), and
# each one's Spearman and Kendall rank correlation with the published 200-epoch test accuracy.
#
# Data: there is no CIFAR-10 on this machine and no network. The data-dependent proxies (naswot,
# jacob_cov, snip, grad_norm) read one batch of Fashion-MNIST's training split (Debian
# dataset-fashion-mnist), 28x28 gray zero-padded to 32x32 and copied to 3 channels
# (data/fit_batch.h); labels are Fashion-MNIST's 10 classes. synflow, params and macs read no data.
#
# Usage: bench/run_proxy_bench.sh [-n ARCHS=300] [-s SEED=1] [-b BATCH=64] [-t THREADS=2] [-d BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
n=300 seed=1 batch=64 threads=2 build="$here/build"
while getopts "n:s:b:t:d:" o; do
  case "$o" in
    n) n="$OPTARG" ;; s) seed="$OPTARG" ;; b) batch="$OPTARG" ;; t) threads="$OPTARG" ;; d) build="$OPTARG" ;;
    *) echo "usage: $0 [-n archs] [-s seed] [-b batch] [-t threads] [-d build-dir]" >&2; exit 2 ;;
  esac
done
shared="${HWNAS_SHARED_DATA:-$here/../shared/data}"
table="$shared/nb201/nb201_cifar10.csv"
fm=/usr/share/datasets/fashion-mnist
[ -f "$table" ] || { echo "error: $table not found (set HWNAS_SHARED_DATA)" >&2; exit 2; }
[ -d "$fm" ] || { echo "error: $fm not found: apt-get install dataset-fashion-mnist" >&2; exit 2; }
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
nice -n 5 cmake --build "$build" --target hwnas hwnas_proxy_rank_bench -j 2 >/dev/null
out="$build/proxy-bench"
mkdir -p "$out"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo "archs: $n NB201 cells drawn with seed $seed (hwnas space sample); weights initialised with seed $seed"
echo "data for naswot/jacob_cov/snip/grad_norm: Fashion-MNIST train ($fm), batch $batch drawn with seed $seed,"
echo "  28x28x1 zero-padded to 32x32 and copied to 3 channels (no CIFAR-10 on this machine)"
"$build/bin/hwnas" space sample nb201 -n "$n" --seed "$seed" >"$out/archs.txt"
start=$(date +%s)
"$build/bin/hwnas" proxy synflow,naswot,jacob_cov,snip,grad_norm,params,macs,ensemble --space nb201 \
  --archs "$out/archs.txt" --csv "$out/proxies.csv" --dataset "fashion-mnist:$fm" --batch "$batch" --seed "$seed" \
  --threads "$threads"
echo "proxies computed in $(($(date +%s) - start)) s ($threads libtorch threads)"
"$build/bin/hwnas_proxy_rank_bench" --proxies "$out/proxies.csv" --table "$table"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
