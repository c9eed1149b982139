#!/usr/bin/env python3
"""End to end: hwnas run (reference backend) saves its seeded weights, hwnas export writes them
to an ONNX file, and hwnas run on the opencv (OpenCV DNN on the exported ONNX) and torch
backends computes the reference's outputs from the same NCHW .npy and weight file.

    onnx_roundtrip.py <hwnas binary> <work dir> <model> [hwnas options...]

Exit 0 when every backend agrees with the reference within 1e-4 of the output range (the
tolerance of tests/interop/backends_test.cc), 1 otherwise. Needs numpy (Debian python3-numpy).
"""
import json
import pathlib
import subprocess
import sys

import numpy as np


def main():
    hwnas, work, model, extra = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3], sys.argv[4:]
    work.mkdir(parents=True, exist_ok=True)
    onnx, weights, x_npy = work / "model.onnx", work / "weights.hwnasw", work / "in.npy"
    info = subprocess.run([hwnas, "model", "info", model, "--json", *extra], check=True, capture_output=True,
                          text=True).stdout
    n, h, w, c = json.loads(info)["input"][0]["shape"]  # NHWC, as hwnas shows graphs
    np.save(x_npy, np.random.default_rng(0).uniform(-1, 1, size=(n, c, h, w)).astype(np.float32))

    def run(backend, *weight_args):
        y = work / f"out_{backend}.npy"
        subprocess.run([hwnas, "run", model, "--input", str(x_npy), "--output", str(y), "--backend", backend,
                        *weight_args, *extra], check=True)
        return np.load(y)

    outputs = {"reference": run("reference", "--seed", "5", "--save-weights", str(weights))}
    subprocess.run([hwnas, "export", model, "--onnx", str(onnx), "--weights", str(weights), *extra], check=True)
    for backend in ("opencv", "torch"):
        outputs[backend] = run(backend, "--weights", str(weights))
    ref = outputs["reference"]
    ok = True
    for backend in ("opencv", "torch"):
        err = float(np.max(np.abs(outputs[backend] - ref)) / np.max(np.abs(ref)))
        print(f"{backend} vs reference: output {list(ref.shape)}, max relative error {err:.2e}")
        ok = ok and outputs[backend].shape == ref.shape and err < 1e-4
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
