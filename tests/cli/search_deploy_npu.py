"""A search with deploy: {target: npu} (issue 16, item 5): a one-architecture SSDLite space restricted
to the Ethos-U55-128, trained on a tiny generated inspection set, then the best trial quantized to
int8, evaluated, placed on the NPU and exported to ONNX; then the baseline architecture, trained by
the experiment's metrics as the trials were, deployed the same way and compared.

The test split is the training images (copied), so the detector has fitted what it is evaluated on:
its fp32 mAP@0.5 is well above the untrained model's ~0 (tests/cli/detector_train.py), and the int8
model's, through quant's reference kernels, must stay within 0.15 of it -- a broken quantization of
the heads (box offsets or class logits) loses nearly everything. placement.csv loads in pandas and
agrees with report.json; every node is on the NPU (the space was restricted to it); a second run
keeps the deployment ("deploy: up to date").

usage: search_deploy_npu.py HWNAS WORK_DIR
"""
import json
import os
import shutil
import subprocess
import sys

import pandas as pd

hwnas, work = sys.argv[1:3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
data = os.path.join(work, "inspect")


def hw(*args):
    p = subprocess.run([hwnas, *args], capture_output=True, text=True, timeout=600)
    out = p.stdout + p.stderr
    if p.returncode != 0:
        sys.exit(f"hwnas {' '.join(args)} failed ({p.returncode}):\n{out}")
    return out


hw("data", "inspection-synth", "--out", data, "--images", "20", "--size", "64", "--seed", "5")
shutil.copy(os.path.join(data, "annotations", "instances_train.json"),
            os.path.join(data, "annotations", "instances_test.json"))
shutil.rmtree(os.path.join(data, "test"))
shutil.copytree(os.path.join(data, "train"), os.path.join(data, "test"))

with open(os.path.join(work, "space.yaml"), "w") as f:
    f.write("""name: tiny-ssdlite
detector: ssdlite
classes: 5
resolution: [64]
width: [0.35]
depth: [1, 2]
kernel: [3]
expand: [6]
first_map_stride: [16]
extras: [4]
extra_channels: [64]
anchors: [3]
""")
exp = os.path.join(work, "exp.yaml")
with open(exp, "w") as f:
    f.write("""name: npu-deploy
space: space.yaml@ethos-u55-128
metrics:
  map50:    {train: {dataset: coco:inspect, epochs: 60, batch_size: 4, optimizer: adam, lr: 0.003, augment: false,
                     threads: 1, seed: 2}, value: val_map50}
  power_mw: {model: roofline, device: ethos-u55-128, dtype: int8, value: power_mw, fps: 30}
objectives: [{metric: map50, goal: max}, {metric: power_mw, goal: min}]
strategy: {name: random, seed: 1}
budget: {trials: 2}
deploy: {target: npu, device: ethos-u55-128, dataset: coco:inspect, calibration_samples: 16, fps: 30,
         baseline: "r64-w0.35-d2,2,2,2,2,2-k3,3,3,3,3,3,3,3,3,3,3,3-e6,6,6,6,6,6,6,6,6,6,6,6-f16-x4-c64,64,64,64-a3,3"}
output: run
""")

out = hw("search", exp, "--plain")
print(out)
# With a baseline, the deployed trial is the least power among those with a map50 >= the baseline's.
assert "deploy: least power_mw with map50 >= the baseline's " in out, out
assert "mAP@0.5 int8: " in out and "quant int8 reference kernels" in out, out
deploy = os.path.join(work, "run", "deploy")
for f in ["report.json", "placement.csv", "diagnosis.json", "model.onnx", "int8/model.json", "int8/quant.json"]:
    assert os.path.isfile(os.path.join(deploy, f)), f
assert not os.path.exists(deploy + ".partial")

report = json.load(open(os.path.join(deploy, "report.json")))
fp32, int8 = report["map"]["fp32"]["map50"], report["map"]["int8"]["map50"]
print(f"fp32 mAP@0.5 {fp32:.4f}, int8 {int8:.4f}")
assert fp32 > 0.3, report["map"]
assert abs(int8 - fp32) <= 0.15, report["map"]
assert report["map"]["fp32"]["images"] == 16 and report["map"]["int8"]["images"] == 16, report["map"]
assert report["target"] == "npu" and report["device"] == "ethos-u55-128" and report["fps"] == 30, report
assert report["onnx"]["opset"] >= 13 and report["onnx"]["nodes"] > 0, report["onnx"]
# The power the search predicted for the trial is the one the deploy predicts for the same network.
predicted = report["predicted"]
assert abs(predicted["power_mw"] - report["search_metrics"]["power_mw"]) < 1e-6 * predicted["power_mw"], report

placement = pd.read_csv(os.path.join(deploy, "placement.csv"))
assert list(placement.columns) == ["node", "op", "processor", "native", "reason"], placement.columns
assert len(placement) == report["placement"]["nodes"], (len(placement), report["placement"])
assert placement["native"].all() and (placement["processor"] == "npu").all(), placement[~placement["native"]]
assert report["placement"]["on_primary"] == len(placement) and predicted["fallback_nodes"] == 0, report["placement"]

# The baseline, trained by the experiment's own train metric as the trials were: its model folder
# is the metric's (run/models/<hash>-e60), with the trials' 60 epochs.
base = json.load(open(os.path.join(work, "run", "deploy-baseline", "report.json")))
assert base["deployed"] == "baseline" and base["arch"].startswith("r64-w0.35-d2,2,2,2,2,2-"), base["arch"]
folder = base["trained_folder"]
assert os.path.dirname(folder) == os.path.join(work, "run", "models") and folder.endswith("-e60"), folder
assert len(open(os.path.join(folder, "train_log.csv")).read().splitlines()) == 61, folder
assert "best vs baseline" in out and "the best draws " in out, out
for j in (report, base):
    assert f"{j['predicted']['power_mw']:.1f}" in out.split("best vs baseline")[1], j["predicted"]

again = hw("search", exp, "--plain")
assert "deploy: least power_mw with map50 >= the baseline's " in again and "up to date" in again, again
assert "deploy: baseline up to date" in again, again
print("ok")
