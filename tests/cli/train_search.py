"""A search that trains (issue 13's acceptance): the DS-CNN space, accuracy trained on the tiny
generated keyword set, M7 latency and memory limits, two rungs, worker processes. It is killed
(SIGKILL, the whole process group) once a rung evaluation is committed, then resumed: the resumed
run must take every committed rung from the store (none trained again) and finish the budget.

usage: train_search.py HWNAS KWS_DIR WORK_DIR
"""
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

hwnas, kws, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
exp = os.path.join(work, "exp.yaml")
with open(exp, "w") as f:
    f.write(f"""name: train-search
space: dscnn
metrics:
  accuracy:   {{train: {{dataset: speech-commands:{kws}, epochs: 2, batch_size: 16, threads: 1, seed: 1}}}}
  latency_ms: {{model: roofline, device: cortex-m7-f746, dtype: int8}}
  sram_kib:   {{memory: peak_sram_kib, device: cortex-m7-f746, dtype: int8}}
objectives: [{{metric: accuracy, goal: max}}, {{metric: latency_ms, goal: min}}]
constraints: [{{metric: latency_ms, max: 50.0}}, {{metric: sram_kib, max: 400}}]
strategy: {{name: random, seed: 2}}
budget: {{trials: 4}}
fidelity: {{epochs: [1, 2], eta: 2, bracket: 4}}
executor: {{kind: process, workers: 1, trial_timeout_s: 600}}
output: out
""")
db = os.path.join(work, "out", "trials.db")


def rungs():
    if not os.path.exists(db):
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
            return c.execute("SELECT id, epochs FROM rungs ORDER BY id, epochs").fetchall()
    except sqlite3.Error:
        return []


run = subprocess.Popen([hwnas, "search", exp, "--plain"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       start_new_session=True)
deadline = time.time() + 600
while len(rungs()) < 2 and run.poll() is None and time.time() < deadline:
    time.sleep(0.2)
if run.poll() is not None:
    sys.exit(f"the search ended before it could be killed:\n{run.stdout.read().decode()}")
os.killpg(run.pid, signal.SIGKILL)
run.wait()
time.sleep(0.5)  # the workers die with their parent (PR_SET_PDEATHSIG)
left = subprocess.run(["pgrep", "-f", f"trial-worker {exp}"], capture_output=True, text=True).stdout.split()
if left:
    sys.exit(f"worker processes left running after the search was killed: {left}")
before = rungs()
print(f"killed with {len(before)} rung evaluation(s) committed: {before}")

resumed = subprocess.run([hwnas, "search", exp, "--plain"], capture_output=True, text=True, timeout=1200)
print(resumed.stdout, resumed.stderr)
if resumed.returncode != 0:
    sys.exit(f"the resumed search failed ({resumed.returncode})")
after = rungs()
if not set(before) <= set(after) or len(after) != len(set(after)):
    sys.exit(f"rung evaluations lost or repeated: before {before}, after {after}")
m = re.search(r"(\d+) rung evaluations? from the store", resumed.stdout + resumed.stderr)
if not m or int(m.group(1)) != len(before):
    sys.exit(f"the resumed search should say it took {len(before)} rung evaluation(s) from the store")
if not re.search(r"trials: 4 of budget 4 \(\d+ ok, 0 failed.*pruned", resumed.stdout):
    sys.exit("the resumed search should finish the budget with ok and pruned trials and no failure")
# Every trained network is kept as a model folder that the resolver reads.
models = os.path.join(work, "out", "models")
kept = sorted(k for k in os.listdir(models) if re.fullmatch(r"[0-9a-f]{16}-e\d+", k))  # not a killed write's temp
if len(kept) < len(after) or not all(os.path.exists(os.path.join(models, k, "weights.hwnasw")) for k in kept):
    sys.exit(f"expected a model folder with weights per rung evaluation ({len(after)}), found {kept}")
info = subprocess.run([hwnas, "model", "info", os.path.join(models, kept[0])], capture_output=True, text=True)
if info.returncode != 0 or "params" not in info.stdout:
    sys.exit(f"hwnas model info cannot read a kept model: {info.stdout}{info.stderr}")
print(f"resumed: {len(after)} rung evaluations in all, {len(before)} from the store; {len(kept)} models kept")
# A promotion went on from its rung-1 checkpoint (fidelity.continue, the default): the rung-2 log
# starts with the rung-1 run's epoch, identical, instead of a new first epoch.
promoted = [k[:-3] for k in kept if k.endswith("-e2")]
if not promoted:
    sys.exit(f"no model reached the second rung: {kept}")
for arch in promoted:
    if not os.path.exists(os.path.join(models, arch + "-e1", "checkpoint", "optimizer.pt")):
        sys.exit(f"{arch}-e1 has no checkpoint/ to continue from")
    with open(os.path.join(models, arch + "-e1", "train_log.csv")) as f:
        first = f.read().splitlines()
    with open(os.path.join(models, arch + "-e2", "train_log.csv")) as f:
        second = f.read().splitlines()
    if len(second) != 3 or second[:2] != first[:2]:
        sys.exit(f"{arch}: the rung-2 training did not continue the rung-1 run:\n{first}\n{second}")
print(f"{len(promoted)} promotion(s) continued from their rung-1 checkpoint")
