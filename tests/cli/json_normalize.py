"""Checks that `hwnas model info <model> --json` is what a pandas user expects: integer
totals at the top, and one flat record per layer for pd.json_normalize.

    python3 json_normalize.py build/bin/hwnas efficientnet-b0
"""
import json
import subprocess
import sys

import pandas as pd

hwnas, model = sys.argv[1], sys.argv[2]
j = json.loads(subprocess.run([hwnas, "model", "info", model, "--json"], check=True,
                              capture_output=True, text=True).stdout)
assert isinstance(j["params"], int) and isinstance(j["macs"], int), "params and macs must be integers"
layers = pd.json_normalize(j["layers"])
assert list(layers.columns) == ["macs", "name", "op", "params", "shape"], list(layers.columns)
assert layers["macs"].dtype.kind == "i" and layers["params"].dtype.kind == "i"
# The per-layer figures add up to the totals.
assert layers["macs"].sum() == j["macs"], (layers["macs"].sum(), j["macs"])
assert layers["params"].sum() == j["params"], (layers["params"].sum(), j["params"])
print(f"{model}: {len(layers)} layers, params {j['params']}, macs {j['macs']}")
