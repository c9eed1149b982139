"""`hwnas measurements import` end to end: two fixture logs (three runs) into a CSV that pandas
loads as it is; the same for the per-op table; a malformed log is an error naming file and
line that leaves no CSV behind; and an imported table is a --measurements table of
`hwnas predictor fit` as it is.

    python3 measurements_import.py build/bin/hwnas tests/measure/benchmark_model_logs OUT_DIR
"""
import os
import subprocess
import sys

import pandas as pd

hwnas, logs, out = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)


def run(*args, expect=0):
    p = subprocess.run([hwnas, *args], capture_output=True, text=True)
    print(f"$ hwnas {' '.join(args)}\n{p.stdout}{p.stderr}(exit {p.returncode})")
    assert p.returncode == expect, f"exit {p.returncode}, expected {expect}"
    return p.stdout + p.stderr


phone, ops = os.path.join(out, "phone.csv"), os.path.join(out, "ops.csv")
run("measurements", "import", os.path.join(logs, "two_models_nnapi.txt"), os.path.join(logs, "op_profiling.txt"),
    "--out", phone, "--ops-out", ops, "--device", "pixel7")
df = pd.read_csv(phone)
assert list(df.columns[:2]) == ["arch", "latency_ms"], list(df.columns)
assert list(df["arch"]) == ["yolov5s_fp32_320", "yolov5s_fp32_320", "dscnn_s"], list(df["arch"])
assert list(df["latency_ms"]) == [62.684, 23.4429, 0.3557], list(df["latency_ms"])
assert list(df["std_ms"]) == [0.742, 0.528, 0.022], list(df["std_ms"])
assert list(df["runs"]) == [50, 50, 2716] and df["runs"].dtype.kind == "i"
assert list(df["delegate"]) == ["cpu", "nnapi", "cpu"], list(df["delegate"])
assert df["threads"].isna().tolist() == [False, True, False]  # the NNAPI run does not log its threads
assert list(df["device"]) == ["pixel7"] * 3
assert df["source"][0] == "measured (TFLite benchmark_model on pixel7, 50 runs, std 0.742 ms)", df["source"][0]
assert df["log"][1].endswith("two_models_nnapi.txt:42"), df["log"][1]
o = pd.read_csv(ops)
assert list(o["node_type"]) == ["CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "FULLY_CONNECTED", "SOFTMAX"]
assert abs(o["avg_ms"].sum() - 0.344) < 1e-9, o["avg_ms"].sum()

# A malformed log: an error naming file, line and what was expected; no output file.
bad = os.path.join(out, "bad.txt")
with open(bad, "w") as f:
    f.write("Graph: [m.tflite]\nInference timings in us: Init: 1, First inference: 2, Warmup (avg): 3, Inference (avg): \n")
nothing = os.path.join(out, "nothing.csv")
msg = run("measurements", "import", os.path.join(logs, "tflite_2.8_plain.txt"), bad, "--out", nothing, expect=2)
assert f"error: {bad}:2: expected 'Inference timings in us: Init: <us>" in msg and "'Inference (avg)' has nothing" in msg
assert not os.path.exists(nothing), "a failed import must not write its CSV"

# Phones timing architectures of a space: the graphs named by their arch strings, the
# imported table fits a device profile with predictor fit's default columns.
archs = run("space", "sample", "dscnn", "--count", "6", "--seed", "3").split()
with open(os.path.join(out, "space.txt"), "w") as f:
    for i, a in enumerate(archs):
        f.write(f"$ adb shell /data/local/tmp/benchmark_model --graph=/data/local/tmp/{a}.tflite --num_threads=1\n"
                f"INFO: STARTING!\nINFO: Graph: [/data/local/tmp/{a}.tflite]\n"
                f"INFO: count=50 first=900 curr=800 min=700 max=1000 avg={800 + 150 * i} std=12\n"
                f"INFO: Inference timings in us: Init: 900, First inference: 900, Warmup (avg): 850, "
                f"Inference (avg): {800 + 150 * i}\n")
space_csv = os.path.join(out, "space.csv")
run("measurements", "import", os.path.join(out, "space.txt"), "--out", space_csv)
assert list(pd.read_csv(space_csv)["arch"]) == archs
fit = run("predictor", "fit", "--space", "dscnn", "--measurements", space_csv, "--out", os.path.join(out, "fit.yaml"))
assert "wrote" in fit, fit
print("ok")
