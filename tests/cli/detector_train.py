"""hwnas train / hwnas eval of a detector on COCO data (issue 16, item 4): a tiny SSDLite trained
for a few epochs on a tiny generated inspection set; `hwnas eval --dataset coco: --json` of the
folder parses, its mAPs are numbers in [0, 1], and on the images it was trained on it beats the
same architecture untrained (random initial weights), an honest and cheap check that training,
the weights written and the decoding on the runtime backend fit together.

usage: detector_train.py HWNAS WORK_DIR
"""
import json
import math
import os
import shutil
import subprocess
import sys

hwnas, work = sys.argv[1:3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
data = os.path.join(work, "inspect")
run = os.path.join(work, "det")


def hw(*args):
    p = subprocess.run([hwnas, *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"hwnas {' '.join(args)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p


hw("data", "inspection-synth", "--out", data, "--images", "20", "--size", "64", "--seed", "5")
model = ["ssdlite-mobilenetv2-0.35", "--resolution", "64"]
# 16 training images seen 60 times (240 steps, about 30 s on one thread): enough to fit them a little.
out = hw("train", *model, "--dataset", f"coco:{data}", "--epochs", "60", "--batch-size", "4", "--optimizer", "adam",
         "--lr", "0.003", "--no-augment", "--threads", "1", "--seed", "2", "--out", run)
assert "val mAP@0.5" in out.stdout and "test mAP@0.5" in out.stdout, out.stdout
assert "val mAP@0.5" in out.stderr, out.stderr  # the per-epoch lines
for f in ["model.json", "weights.hwnasw", "train_log.csv", "metrics.json", "detector.json"]:
    assert os.path.isfile(os.path.join(run, f)), f
log = open(os.path.join(run, "train_log.csv")).read().splitlines()
assert log[0] == "epoch,lr,train_loss,box_loss,class_loss,val_map50,val_map,seconds", log[0]
assert len(log) == 61, log
metrics = json.load(open(os.path.join(run, "metrics.json")))
assert 1 <= metrics["best_epoch"] <= 60 and metrics["epochs"] == 60, metrics


def evaluate(*args):
    j = json.loads(hw("eval", *args, "--dataset", f"coco:{data}", "--split", "train", "--backend", "reference",
                      "--json").stdout)
    for key in ["map50", "map"]:
        assert isinstance(j[key], float) and 0 <= j[key] <= 1 and not math.isnan(j[key]), (key, j)
    assert set(j["per_class"]) == {"scratch", "dent", "spot", "crack", "missing"}, j["per_class"]
    assert j["images"] == 16 and j["objects"] > 0, j
    return j


trained = evaluate(run)
untrained = evaluate(*model, "--seed", "2")
assert trained["trained"] and not untrained["trained"]
assert trained["source"].startswith("measured (reference f32 on 16 train images of coco:"), trained["source"]
assert "detector.json" in trained["decoding"], trained["decoding"]
print(f"train-split mAP@0.5: trained {trained['map50']:.4f}, untrained {untrained['map50']:.4f}")
assert trained["map50"] > untrained["map50"], (trained["map50"], untrained["map50"])

# Fine-tuning: the trained folder as the model starts from its weights, so its first epoch's loss is
# far below a first epoch from random weights; --from-scratch on the same folder, with the first
# run's flags and schedule (--schedule-epochs 60), reproduces that run's first epoch exactly.
flags = ["--dataset", f"coco:{data}", "--epochs", "1", "--batch-size", "4", "--optimizer", "adam", "--lr", "0.003",
         "--no-augment", "--threads", "1", "--seed", "2", "--schedule-epochs", "60", "--overwrite"]


def first_epoch_loss(folder):
    row = open(os.path.join(folder, "train_log.csv")).read().splitlines()[1].split(",")
    return float(row[2])


tuned = hw("train", run, *flags, "--out", os.path.join(work, "tuned"))
assert "fine-tuning from the weights of " + run in tuned.stderr, tuned.stderr
scratch = hw("train", run, *flags, "--from-scratch", "--out", os.path.join(work, "scratch"))
assert "fine-tuning" not in scratch.stderr, scratch.stderr
first, tuned_loss = first_epoch_loss(run), first_epoch_loss(os.path.join(work, "tuned"))
print(f"epoch-1 train loss: from random weights {first:.4f}, fine-tuned {tuned_loss:.4f}")
assert first_epoch_loss(os.path.join(work, "scratch")) == first, "--from-scratch is not the first run's epoch 1"
assert tuned_loss < 0.5 * first, (tuned_loss, first)
