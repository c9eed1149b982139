#!/usr/bin/env bash
# Installs every Debian package hwnas needs to build, test and run. Idempotent: when all
# packages are present it does nothing (and needs no network). Run as root or with sudo.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  libfmt-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libxnnpack-dev libpthreadpool-dev libxgboost-dev
  libonnx-dev libprotobuf-dev libopencv-dev libtorch-dev  # protobuf: the ONNX export writes ModelProto
  libopenblas0-openmp  # libtorch's BLAS (OpenMP, so torch::set_num_threads holds); netlib's is ~7x slower
  python3-pandas
  python3-torch python3-torchvision  # interop/: the ONNX import tests export torchvision's models with PyTorch's own exporter
  libfftw3-dev zlib1g-dev  # data/: the MFCC front end (FFTW), gzipped IDX files (zlib)
  espeak-ng  # data/: the keyword-spotting generator speaks its words (resampled to 16 kHz in C++)
  dataset-fashion-mnist python3-numpy  # data/: Fashion-MNIST IDX files; the MFCC test's numpy reference
  procps  # pgrep: the training-search CLI test checks that no trial worker outlives a killed search
  openssh-client openssh-server  # measure/: hwnas measure --remote ssh://...; its tests run a throwaway sshd
  gcc-arm-none-eabi qemu-system-arm  # mcu/: C for the Cortex-M7 built freestanding (no newlib), run in QEMU mps2-an500
  chromium python3-pil fonts-liberation  # scripts/check_report.sh: the HTML report rendered headless, its PNG read;
                                         # fonts-liberation is only a Recommends of chromium: text in Arial's metrics
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "hwnas: installing ${missing[*]}"
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
