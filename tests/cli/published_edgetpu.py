#!/usr/bin/env python3
"""The edgetpu profile against Coral's published Edge TPU benchmark (Dev Board column).

    published_edgetpu.py <hwnas binary> <work dir> <devices/published/coral_edgetpu.csv>

Each row with a torchvision architecture is exported with PyTorch's ONNX exporter (random
weights: latency does not depend on them) and predicted with `hwnas predict <file> --device
edgetpu --json`. The row the profile was fitted to ("fit") must come within 2%; every held-out
row ("check") within 25%: the small models through the compute and overhead figures, ResNet-50,
ResNet-152 and VGG16 through the 8 MB parameter cache and the PCIe rate that streams the rest.
Prints one line per row (predicted, published, ratio); exit 0 when all hold.
"""
import csv
import json
import pathlib
import subprocess
import sys

import torch
import torchvision

TOLERANCE = {"fit": 0.02, "check": 0.25}


def predicted_ms(hwnas, model):
    out = subprocess.run([hwnas, "predict", model, "--device", "edgetpu", "--json"], check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)["latency_ms"]


def export(name, res, path):
    kwargs = {"aux_logits": False, "init_weights": True} if name == "googlenet" else {}
    model = getattr(torchvision.models, name)(**kwargs).eval()
    torch.onnx.export(model, torch.zeros(1, 3, res, res), str(path), opset_version=13)


def main():
    hwnas, work, table = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
    work.mkdir(parents=True, exist_ok=True)
    ok, checked = True, 0
    with open(table, newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        if row["use"] not in TOLERANCE:
            print(f"--   {row['model']} ({row['input']}): not checked: {row['note']}")
            continue
        onnx = work / f"{row['torchvision']}_{row['input']}.onnx"
        export(row["torchvision"], int(row["input"]), onnx)
        ms = predicted_ms(hwnas, str(onnx))
        onnx.unlink()  # VGG16's is 550 MB
        published = float(row["dev_board_ms"])
        ratio = ms / published
        good = abs(ratio - 1) <= TOLERANCE[row["use"]]
        ok &= good
        checked += row["use"] == "check"
        print(f"{'ok  ' if good else 'FAIL'} {row['model']} ({row['input']}, {row['use']}): predicted {ms:.2f} ms, "
              f"published {published:g} ms (Dev Board), ratio {ratio:.2f}, tolerance {TOLERANCE[row['use']]:.0%}")
    if checked < 5:
        print(f"FAIL only {checked} held-out rows")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
