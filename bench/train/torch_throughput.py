#!/usr/bin/python3
"""Training throughput of plain PyTorch on a graph that hwnas wrote (hwnas.graph JSON), the way a
PyTorch user trains: an nn.Module in NCHW, a DataLoader over a TensorDataset held in memory,
SGD with Nesterov momentum and weight decay, cross-entropy, one validation batch per epoch.
bench/run_torch_bench.sh runs it beside hwnas_train_throughput (same graph, batch, threads,
epochs, examples) and prints the ratio.

    torch_throughput.py g.json --batch 100 --threads 2 --epochs 3 --examples 3000

Prints one JSON line: {"samples_per_s": ..., "params": ..., ...}. The parameter count must equal
hwnas's (conv and FC weights, FC bias, BatchNorm gamma and beta): the script checks it.
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def same_pads(size, k, s, d=1):
    """TensorFlow SAME: total = max((ceil(in/s)-1)*s + (k-1)*d + 1 - in, 0); the odd pixel last."""
    out = math.ceil(size / s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


class Node(nn.Module):
    """One hwnas graph node as a torch computation on NCHW tensors."""

    def __init__(self, spec, in_channels):
        super().__init__()
        self.spec = spec
        self.op = spec["op"]
        k = spec.get("kernel", [1, 1])
        s = spec.get("stride", [1, 1])
        d = spec.get("dilation", [1, 1])
        self.kernel, self.stride, self.dilation = k, s, d
        if self.op == "conv2d":
            self.layer = nn.Conv2d(in_channels, spec["out_channels"], k, s, dilation=d,
                                   groups=spec.get("groups", 1), bias=spec.get("bias", False))
        elif self.op == "depthwise_conv2d":
            out = in_channels * spec.get("multiplier", 1)
            self.layer = nn.Conv2d(in_channels, out, k, s, dilation=d, groups=in_channels,
                                   bias=spec.get("bias", False))
        elif self.op == "batch_norm":
            self.layer = nn.BatchNorm2d(in_channels, eps=spec.get("epsilon", 1e-5))
        elif self.op == "fully_connected":
            self.layer = nn.Linear(in_channels, spec["units"], bias=spec.get("bias", True))
        else:
            self.layer = None
        if self.op in ("conv2d", "depthwise_conv2d"):
            self.symmetric_padding()

    def symmetric_padding(self):
        """Padding that is the same on both sides goes to the convolution itself, as a PyTorch user
        writes it (no separate pad copy); only TF SAME's odd pixel needs F.pad."""
        mode = self.spec.get("padding", "valid")
        if mode == "explicit":
            t, l, b, r = self.spec["pads"]
            if t == b and l == r:
                self.layer.padding = (t, l)
                self.spec = dict(self.spec, padding="valid")
        elif mode == "same" and self.stride == [1, 1] and all(k % 2 == 1 for k in self.kernel):
            self.layer.padding = tuple((k - 1) // 2 * d for k, d in zip(self.kernel, self.dilation))
            self.spec = dict(self.spec, padding="valid")

    def pad(self, x):
        mode = self.spec.get("padding", "valid")
        if mode == "valid":
            return x
        if mode == "explicit":
            t, l, b, r = self.spec["pads"]
        else:
            t, b = same_pads(x.shape[2], self.kernel[0], self.stride[0], self.dilation[0])
            l, r = same_pads(x.shape[3], self.kernel[1], self.stride[1], self.dilation[1])
        return F.pad(x, (l, r, t, b)) if (l or r or t or b) else x

    def forward(self, xs):
        x = xs[0]
        op = self.op
        if op in ("conv2d", "depthwise_conv2d"):
            if self.layer.padding == (0, 0):
                x = self.pad(x)
            return self.layer(x)
        if op == "batch_norm":
            return self.layer(x)
        if op == "fully_connected":
            if x.dim() == 4:  # hwnas flattens NHWC: channels innermost
                x = x.permute(0, 2, 3, 1).flatten(1)
            return self.layer(x)
        if op == "relu":
            return F.relu(x)
        if op == "relu6":
            return F.relu6(x)
        if op == "sigmoid":
            return torch.sigmoid(x)
        if op == "swish":
            return F.silu(x)
        if op == "hard_swish":
            return F.hardswish(x)
        if op == "hard_sigmoid":
            return F.hardsigmoid(x)
        if op == "add":
            return xs[0] + xs[1]
        if op == "mul":
            return xs[0] * xs[1]
        if op == "concat":
            return torch.cat(xs, 1)
        if op == "global_avg_pool":
            return x.mean((2, 3), keepdim=True)
        if op in ("avg_pool", "max_pool"):
            x = self.pad(x) if op == "max_pool" or self.spec.get("count_include_pad", False) else x
            if op == "max_pool":
                return F.max_pool2d(x, self.kernel, self.stride)
            if self.spec.get("padding", "valid") != "valid" and not self.spec.get("count_include_pad", False):
                raise SystemExit("avg_pool with padding that excludes padded pixels: not in this benchmark")
            return F.avg_pool2d(x, self.kernel, self.stride)
        if op in ("flatten", "reshape"):
            return x.permute(0, 2, 3, 1).flatten(1) if x.dim() == 4 else x
        if op == "softmax":
            return x  # trained on logits, as hwnas trains a softmax classifier on its log
        raise SystemExit(f"op '{op}' is not in this benchmark's PyTorch builder")


class Graph(nn.Module):
    def __init__(self, graph):
        super().__init__()
        self.nodes = graph["nodes"]
        channels = {}
        self.layers = nn.ModuleDict()
        for spec in self.nodes:
            name = spec["name"]
            if spec["op"] == "input":
                channels[name] = spec["shape"][3]
                self.input_shape = spec["shape"]
                continue
            ins = spec["inputs"]
            c = channels[ins[0]]
            if spec["op"] == "fully_connected":
                c = self.flat_size(spec, ins[0])
            node = Node(spec, c)
            self.layers[name.replace(".", "_")] = node
            if spec["op"] in ("conv2d",):
                channels[name] = spec["out_channels"]
            elif spec["op"] == "depthwise_conv2d":
                channels[name] = c * spec.get("multiplier", 1)
            elif spec["op"] == "fully_connected":
                channels[name] = spec["units"]
            elif spec["op"] == "concat":
                channels[name] = sum(channels[i] for i in ins)
            else:
                channels[name] = c
        self.output = graph.get("outputs", [self.nodes[-1]["name"]])[0]

    def flat_size(self, spec, source):
        with torch.no_grad():  # the size of what reaches the FC: run the graph so far once
            x = torch.zeros([1, self.input_shape[3], self.input_shape[1], self.input_shape[2]])
            values = self.run(x, stop=source)
            v = values[source]
            return v[0].numel()

    def run(self, x, stop=None):
        values = {}
        for spec in self.nodes:
            name = spec["name"]
            if spec["op"] == "input":
                values[name] = x
            else:
                values[name] = self.layers[name.replace(".", "_")]([values[i] for i in spec["inputs"]])
            if name == stop:
                break
        return values

    def forward(self, x):
        return self.run(x)[self.output]


def hwnas_params(model):
    """hwnas's count: weights and biases of conv/FC, BatchNorm gamma and beta (no running stats)."""
    return sum(p.numel() for p in model.parameters())


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("graph")
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--examples", type=int, default=3000)
    ap.add_argument("--params", type=int, help="hwnas's parameter count, checked")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    with open(a.graph) as f:
        graph = json.load(f)
    model = Graph(graph)
    params = hwnas_params(model)
    if a.params is not None and params != a.params:
        raise SystemExit(f"PyTorch model has {params} parameters, hwnas's graph {a.params}: not the same network")
    _, h, w, c = model.input_shape
    classes = model(torch.zeros(1, c, h, w)).shape[1]
    g = torch.Generator().manual_seed(7)
    x = torch.randn(a.examples + a.batch, c, h, w, generator=g)
    y = torch.randint(0, classes, (a.examples + a.batch,), generator=g)
    train = torch.utils.data.TensorDataset(x[: a.examples], y[: a.examples])
    loader = torch.utils.data.DataLoader(train, batch_size=a.batch, shuffle=True)
    val_x, val_y = x[a.examples:], y[a.examples:]
    decay = [p for n, p in model.named_parameters() if p.dim() > 1]
    no_decay = [p for n, p in model.named_parameters() if p.dim() <= 1]
    opt = torch.optim.SGD([{"params": decay, "weight_decay": 5e-4}, {"params": no_decay, "weight_decay": 0}],
                          lr=0.01, momentum=0.9, nesterov=True)
    steps = a.epochs * len(loader)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    seconds = []
    for _ in range(a.epochs):
        t0 = time.perf_counter()
        model.train()
        for xb, yb in loader:
            opt.zero_grad()
            loss = F.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            sched.step()
        model.eval()
        with torch.no_grad():
            F.cross_entropy(model(val_x), val_y).item()
        seconds.append(time.perf_counter() - t0)
    timed = sum(seconds[1:])  # the first epoch warms up, as in hwnas_train_throughput
    print(json.dumps({"engine": f"PyTorch {torch.__version__} (nn.Module, DataLoader)", "model": graph["name"],
                      "params": params, "batch": a.batch, "threads": a.threads, "timed_epochs": a.epochs - 1,
                      "train_examples": a.examples, "seconds": timed,
                      "samples_per_s": (a.epochs - 1) * a.examples / timed}))


if __name__ == "__main__":
    main()
