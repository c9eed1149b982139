#!/usr/bin/env python3
"""ONNX import against files hwnas did not write: PyTorch's exporter on a torchvision model.

    onnx_import.py <hwnas binary> <work dir> <torchvision model> <resolution> [<hwnas built-in>] [--fused] [--commands]

The model gets random weights (torch's initialisation, and random BatchNorm statistics so that
BatchNorm is not the identity) and is exported with BatchNormalization nodes kept (--fused:
folded into the convolutions, torch.onnx.export's default). Then:
  - `hwnas model info m.onnx --json`: params equal torch's count of the module's parameters
    (not for --fused: folding replaces BatchNorm's 2C parameters by C conv biases), MACs equal
    the conv/linear multiply-accumulates counted with forward hooks on the torch module;
  - `hwnas run m.onnx` on torch's input equals torch's output within 1e-4 of its range;
  - with a built-in name: the imported graph's params and MACs equal the built-in's.
  - with --commands: measure, profile, predict, memory and export take the file as their model.
Exit 0 when all hold, 1 otherwise (printing each comparison).
"""
import json
import pathlib
import subprocess
import sys

import numpy as np
import torch
import torchvision


def torch_macs(model, x):
    macs = []

    def hook(m, inp, out):
        if isinstance(m, torch.nn.Conv2d):
            macs.append(out.numel() // out.shape[0] * (m.in_channels // m.groups) * m.kernel_size[0] * m.kernel_size[1])
        elif isinstance(m, torch.nn.Linear):
            macs.append(m.in_features * m.out_features)

    handles = [m.register_forward_hook(hook) for m in model.modules()]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return sum(macs) + getattr(model, "functional_macs", 0)


class Operators(torch.nn.Module):
    """The operators torchvision's classifiers do not use, each once: padding, dilated and grouped
    convolutions, pools (ceil mode adding a last window, and where it changes nothing), resizes,
    concat, hardswish, a mean over H and W, a flatten of a feature map into a linear layer
    (columns reordered for NHWC), a matmul with a bias, softmax."""

    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.dilated = torch.nn.Conv2d(8, 8, 3, padding=2, dilation=2, bias=False)
        self.grouped = torch.nn.Conv2d(16, 16, 3, padding=1, groups=4)
        self.depthwise_x2 = torch.nn.Conv2d(16, 32, 3, padding=1, groups=16)
        self.bn = torch.nn.BatchNorm2d(32)
        self.head = torch.nn.Linear(32 * 4 * 4, 24)
        self.w = torch.nn.Parameter(torch.randn(24 + 32, 10) * 0.1)
        self.b = torch.nn.Parameter(torch.randn(10) * 0.1)
        self.functional_macs = self.w.numel()  # h @ w is no module, so the hooks miss it

    def forward(self, x):
        f = torch.nn.functional
        x = f.relu6(self.stem(x))                                    # Clip(0, 6)
        x = torch.cat([x, f.hardswish(self.dilated(x))], dim=1)     # Concat over channels
        x = f.pad(x, (1, 0, 0, 1))                                   # Pad left and bottom
        x = f.max_pool2d(x, 3, stride=2, padding=1)
        x = f.max_pool2d(x, 2, stride=2, ceil_mode=True)            # 9x9 -> 5x5 (floor mode: 4x4)
        x = self.grouped(x)
        x = f.interpolate(x, scale_factor=2, mode="nearest")
        x = f.interpolate(x, size=(12, 12), mode="bilinear", align_corners=False)
        x = f.avg_pool2d(torch.sigmoid(x), 3, stride=3, ceil_mode=True)
        x = self.bn(self.depthwise_x2(x))
        pooled = x.mean((2, 3))                                      # ReduceMean, keepdims=0
        flat = torch.flatten(x, 1)
        h = torch.cat([f.relu(self.head(flat)), pooled], dim=1)
        return torch.softmax(h @ self.w + self.b, dim=1)             # MatMul + Add, Softmax


def info(hwnas, ref):
    out = subprocess.run([hwnas, "model", "info", ref, "--json"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    fused, commands = "--fused" in sys.argv, "--commands" in sys.argv
    hwnas, work, name, res = args[0], pathlib.Path(args[1]), args[2], int(args[3])
    builtin = args[4] if len(args) > 4 else None
    work.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    # GoogLeNet's auxiliary classifiers run only in training: leave them out, as its export does.
    kwargs = {"aux_logits": False, "init_weights": True} if name == "googlenet" else {}
    model = Operators() if name == "operators" else getattr(torchvision.models, name)(**kwargs)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
    model.eval()
    x = torch.rand(1, 3, res, res) * 2 - 1
    onnx = work / f"{name}.onnx"
    mode = torch.onnx.TrainingMode.EVAL if fused else torch.onnx.TrainingMode.PRESERVE
    torch.onnx.export(model, x, str(onnx), opset_version=14 if name == "operators" else 13, training=mode, do_constant_folding=fused,
                      input_names=["input"], output_names=["logits"])
    with torch.no_grad():
        expected = model(x).numpy()

    ok = True

    def check(what, got, want):
        nonlocal ok
        good = got == want
        ok &= good
        print(f"{'ok  ' if good else 'FAIL'} {what}: hwnas {got:,}, expected {want:,}")

    imported = info(hwnas, str(onnx))
    if not fused:
        check(f"{name} params (torch's count)", imported["params"], sum(p.numel() for p in model.parameters()))
    check(f"{name} MACs (torch forward hooks)", imported["macs"], torch_macs(model, x))
    if builtin:
        ours = info(hwnas, builtin)
        check(f"{name} params = built-in {builtin}'s", imported["params"], ours["params"])
        check(f"{name} MACs = built-in {builtin}'s", imported["macs"], ours["macs"])

    x_npy, y_npy = work / f"{name}_in.npy", work / f"{name}_out.npy"
    np.save(x_npy, x.numpy())
    subprocess.run([hwnas, "run", str(onnx), "--input", str(x_npy), "--output", str(y_npy)], check=True)
    got = np.load(y_npy)
    err = float(np.max(np.abs(got - expected)) / np.max(np.abs(expected)))
    good = got.shape == expected.shape and err <= 1e-4
    ok &= good
    print(f"{'ok  ' if good else 'FAIL'} {name} output: shape {got.shape} (torch {expected.shape}), "
          f"max error {err:.2e} of the output range (tolerance 1e-4)")
    if commands:
        ok &= run_commands(hwnas, work, onnx)
    return 0 if ok else 1


def run_commands(hwnas, work, onnx):
    """Every command that takes a model takes the ONNX file, and says so in its output."""
    ok = True
    runs = {
        "measure": (["measure", str(onnx), "--budget-s", "1", "--json"], "median_ms"),
        "profile": (["profile", str(onnx), "--budget-s", "1", "--kernel-budget-s", "0.02", "--rows", "3"], "conv2d"),
        "predict": (["predict", str(onnx), "--device", "pixel3-cpu", "--json"], "latency_ms"),
        "memory": (["memory", str(onnx), "--device", "npu-generic", "--no-timeline"], "peak"),
        "export": (["export", str(onnx), "--onnx", str(work / "reexported.onnx")], "wrote"),
    }
    for name, (argv, expect) in runs.items():
        r = subprocess.run([hwnas, *argv], capture_output=True, text=True)
        good = r.returncode == 0 and expect in (r.stdout + r.stderr)
        ok &= good
        print(f"{'ok  ' if good else 'FAIL'} hwnas {name} {onnx.name}: exit {r.returncode}"
              + ("" if good else f"\n{r.stdout}\n{r.stderr}"))
    return ok


if __name__ == "__main__":
    sys.exit(main())
