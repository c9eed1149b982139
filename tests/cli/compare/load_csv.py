"""Runs `hwnas compare` and checks that comparison.csv loads in pandas as a table of numbers
with a source per figure, and that recommendation.json names the pick.

    python3 load_csv.py build/bin/hwnas tests/cli/compare/acc.csv OUT
"""
import json
import pathlib
import subprocess
import sys

import pandas as pd

hwnas, acc, out = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
subprocess.run([hwnas, "compare", "dscnn-s", "dscnn-m", "dscnn-l", "--device", "pixel3-cpu", "--accuracy", acc,
                "--out", str(out)], check=True, capture_output=True, text=True)
t = pd.read_csv(out / "comparison.csv")
assert list(t["model"]) == ["dscnn-s", "dscnn-m", "dscnn-l"], list(t["model"])
for col in ["accuracy", "latency_ms", "macs_m", "params_m"]:
    assert t[col].dtype.kind == "f", (col, t[col].dtype)
assert t["accuracy_source"].str.contains("made-up figure").all()
assert t["latency_ms_source"].str.startswith("predicted (roofline on pixel3-cpu").all()
assert t["recommended"].dtype == bool and t["recommended"].sum() == 1
r = json.loads((out / "recommendation.json").read_text())
assert r["recommended"]["model"] == t.loc[t["recommended"], "model"].item()
print(t[["model", "accuracy", "latency_ms", "recommended"]].to_string())
