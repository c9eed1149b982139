#!/usr/bin/env bash
# The main job: builds hwnas (scripts/build.sh), then runs a real search: NAS-Bench-201 on a
# Raspberry Pi 4, the most accurate CIFAR-10 cells within 20 ms (examples/nb201-raspi4.yaml,
# published tables in ../shared/data). Results go to runs/nb201-raspi4. Running it again
# resumes an interrupted search, or just shows the finished one. Extra arguments go to
# `hwnas search` (e.g. --set budget.trials=100 --set output=runs/other).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
build/bin/hwnas search examples/nb201-raspi4.yaml "$@"
