#!/usr/bin/env python3
"""Fixture of tests/cli/eval.cmake: writes into DIR

  c10/test_batch.bin      8 CIFAR-10 records of one red level each (labels below)
  trained/model.json      global average pool -> FC(10), with
  trained/weights.hwnasw  score_k = (2k/9) red - k^2/81: predicts the k nearest 9 * red
  fc5/model.json          the same graph with 5 classes (no weights)
  mixed/                  the 10-class graph with the 5-class weights
  empty/                  no model.json

The 8 examples (label, predicted) are (0,0) (0,0) (0,3) (1,1) (2,1) (2,2) (9,9) (5,0):
5 right, top-1 62.5%; class 0 two of three (66.67%), class 2 one of two (50%), class 5 none.
Written with the standard library only (the formats: docs/graph-format.md, runtime/weights.h).
"""
import json
import os
import struct
import sys

DIR = sys.argv[1]
EXAMPLES = [(0, 0), (0, 0), (0, 3), (1, 1), (2, 1), (2, 2), (9, 9), (5, 0)]


def red_for(k):
    return int(round(255.0 * k / 9))


def graph(classes):
    return {
        "format": "hwnas.graph", "version": 1, "name": "nearest-red",
        "nodes": [
            {"name": "input", "op": "input", "shape": [1, 32, 32, 3]},
            {"name": "pool", "op": "global_avg_pool", "inputs": ["input"], "shape": [1, 1, 1, 3]},
            {"name": "fc", "op": "fully_connected", "inputs": ["pool"], "units": classes, "bias": True,
             "shape": [1, classes]},
        ],
        "outputs": ["fc"],
    }


def weights(classes):
    kernel = []
    for k in range(classes):
        kernel += [2.0 * k / 9, 0.0, 0.0]
    bias = [-(k * k) / 81.0 for k in range(classes)]
    data = struct.pack("<%df" % len(kernel), *kernel) + struct.pack("<%df" % len(bias), *bias)
    header = json.dumps({"graph": "nearest-red", "tensors": [
        {"node": "fc", "role": "kernel", "dtype": "f32", "shape": [classes, 3], "offset": 0, "bytes": 4 * len(kernel)},
        {"node": "fc", "role": "bias", "dtype": "f32", "shape": [classes], "offset": 4 * len(kernel),
         "bytes": 4 * len(bias)}]}).encode()
    return b"HWNASWT\0" + struct.pack("<IQ", 1, len(header)) + header + data


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


os.makedirs(os.path.join(DIR, "empty"), exist_ok=True)
write(os.path.join(DIR, "c10", "test_batch.bin"),
      b"".join(bytes([label]) + bytes([red_for(p)]) * 1024 + bytes(2048) for label, p in EXAMPLES))
write(os.path.join(DIR, "trained", "model.json"), json.dumps(graph(10)))
write(os.path.join(DIR, "trained", "weights.hwnasw"), weights(10))
write(os.path.join(DIR, "fc5", "model.json"), json.dumps(graph(5)))
write(os.path.join(DIR, "mixed", "model.json"), json.dumps(graph(10)))
write(os.path.join(DIR, "mixed", "weights.hwnasw"), weights(5))
