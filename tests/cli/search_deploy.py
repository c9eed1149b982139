"""A search with a deploy: section (issue 14 part 6): the DS-CNN space trained on the tiny generated
keyword set (2 trials, rungs of 1 and 2 epochs), then the best trial quantized, generated as C, built
and run in QEMU on a few test inputs. Checks <output>/deploy/report.json (bit-exact, fp32 and int8
top-1 between 0 and 100, flash and RAM from the ELF, the best trial's architecture), the int8 folder
and the ELF beside it, that a second run keeps it ("deploy: up to date"), and that a search without a
train metric skips the deploy with a warning and exits 0.

usage: search_deploy.py HWNAS KWS_DIR WORK_DIR
"""
import json
import os
import shutil
import subprocess
import sys

hwnas, kws, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)


def search(exp):
    r = subprocess.run([hwnas, "search", exp, "--plain"], capture_output=True, text=True, timeout=600)
    out = r.stdout + r.stderr
    print(out)
    if r.returncode != 0:
        sys.exit(f"hwnas search {exp} failed ({r.returncode})")
    return out


exp = os.path.join(work, "exp.yaml")
with open(exp, "w") as f:
    f.write(f"""name: search-deploy
space: dscnn
metrics:
  accuracy:   {{train: {{dataset: speech-commands:{kws}, epochs: 2, batch_size: 16, threads: 1, seed: 1}}}}
  latency_ms: {{model: roofline, device: cortex-m7-f746, dtype: int8}}
  sram_kib:   {{memory: peak_sram_kib, device: cortex-m7-f746, dtype: int8}}
  flash_kib:  {{memory: flash_kib, device: cortex-m7-f746, dtype: int8}}
objectives: [{{metric: accuracy, goal: max}}, {{metric: latency_ms, goal: min}}]
constraints: [{{metric: latency_ms, max: 5.0}}, {{metric: sram_kib, max: 200}}, {{metric: flash_kib, max: 200}}]
strategy: {{name: random, seed: 3}}
budget: {{trials: 2}}
fidelity: {{epochs: [1, 2], eta: 2, bracket: 2}}
deploy: {{target: cortex-m7, dataset: speech-commands:{kws}, inputs: 4, calibration_samples: 16}}
output: out
""")
first = search(exp)
deploy = os.path.join(work, "out", "deploy")
with open(os.path.join(deploy, "report.json")) as f:
    report = json.load(f)
with open(os.path.join(work, "out", "best.json")) as f:
    best = json.load(f)
print(json.dumps({k: v for k, v in report.items() if k != "ops"}, indent=1))
if report.get("bit_exact") is not True or report.get("mismatched_bytes") != 0 or report.get("inputs") != 4:
    sys.exit("report.json should say bit-exact on 4 inputs")
acc = report.get("accuracy", {})
for dtype in ("fp32", "int8"):
    top1 = acc.get(dtype, {}).get("top1")
    if not isinstance(top1, (int, float)) or not 0 <= top1 <= 100 or "measured" not in acc[dtype].get("source", ""):
        sys.exit(f"report.json should have the {dtype} top-1 with its source: {acc}")
if not 0 < report.get("flash_bytes", 0) < 200 * 1024 or not 0 < report.get("ram_bytes", 0) < 200 * 1024:
    sys.exit("flash and RAM read off the ELF should be positive and under the 200 KiB limits")
if report.get("instructions", 0) <= 0:
    sys.exit("report.json should have the instructions per inference")
# The estimated cycles at the F746's clock, and the search's latency limit beside them.
if abs(report.get("latency_ms", 0) - report.get("cycles", 0) / 216e3) > 1e-6 or report["latency_ms"] <= 0:
    sys.exit(f"latency_ms should be the estimated cycles at 216 MHz: {report.get('latency_ms')}, {report.get('cycles')}")
limit = report.get("latency_limit", {})
if limit.get("metric") != "latency_ms" or limit.get("max_ms") != 5.0 or not 0 < limit.get("predicted_ms", 0) <= 5.0:
    sys.exit(f"report.json should name the latency limit and the search's prediction: {limit}")
if "the generated code's estimated" not in first:
    sys.exit("the search should compare the estimate with the latency limit")
# The deployed architecture is the best by the first objective, trained at the last rung.
best_arch = json.dumps(best).find(report["arch"])
if best_arch < 0 or not report["trained_folder"].endswith("-e2"):
    sys.exit(f"the deployed arch {report['arch']} ({report['trained_folder']}) is not best.json's at 2 epochs")
for name in ("int8/quant.json", "model.c", "model.h", "main.c", "model.elf"):
    if not os.path.exists(os.path.join(deploy, name)):
        sys.exit(f"{deploy}/{name} is missing")
if "bit-exact" not in first or "int8 top-1" not in first or "deploy: wrote" not in first:
    sys.exit("the search should print the deploy's summary")
if any(n.endswith(".tmp") for n in os.listdir(os.path.join(work, "out"))):
    sys.exit("a temporary folder was left behind")

mtime = os.path.getmtime(os.path.join(deploy, "report.json"))
second = search(exp)
if "deploy: up to date" not in second or os.path.getmtime(os.path.join(deploy, "report.json")) != mtime:
    sys.exit("a second run should keep the deploy and say 'deploy: up to date'")

# No train metric: nothing trained to deploy; a warning, not an error.
untrained = os.path.join(work, "untrained.yaml")
with open(untrained, "w") as f:
    f.write(f"""space: dscnn
metrics: {{macs: {{stat: macs}}}}
objectives: [{{metric: macs, goal: min}}]
budget: {{trials: 2}}
deploy: {{dataset: speech-commands:{kws}}}
output: untrained
""")
out = search(untrained)
if "WARNING: deploy skipped: deploy needs a trained model" not in out:
    sys.exit("a search without a train metric should skip the deploy with a warning")
if os.path.exists(os.path.join(work, "untrained", "deploy")):
    sys.exit("nothing should be deployed without a trained model")
print("deployed the best trial bit-exact, kept it on the second run, skipped an untrained search")
