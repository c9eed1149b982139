#!/usr/bin/env bash
# Every benchmark, one after the other (about two hours; the host-timing ones want an idle
# machine, and each says when its figures were taken under load). Each suite can also be
# run alone: bench/run_<suite>.sh, described at its top.
#   bench/run_all.sh                      # all suites
#   bench/run_all.sh latency runtime      # only these (host ground truth, issue 3)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(latency runtime cost memory predictor search cheap torch train proxy)
read -r load _ < /proc/loadavg
echo "bench/run_all.sh: ${suites[*]} (load average $load on $(nproc) CPUs at start)"
for s in "${suites[@]}"; do
  [ -x "$here/run_${s}_bench.sh" ] || { echo "error: no suite '$s' (bench/run_${s}_bench.sh)" >&2; exit 2; }
  echo; echo "=== $s: bench/run_${s}_bench.sh"
  "$here/run_${s}_bench.sh"
done
