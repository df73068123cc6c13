"""Fine-tuning step throughput of the engine against PyTorch CPU, on the same weights, data and threads.

    .venv/bin/python benchmarks/finetune.py --compare torch
    .venv/bin/python benchmarks/finetune.py --compare torch --unfrozen all --runs 3 --rounds 1

What is timed: one training step of EfficientNet-Lite0 with a new 5-class softmax head (forward in training mode,
backward, Adam update), batch 32 at 224x224, in two settings:

* ``all``: every layer trained (batch norm on batch statistics);
* ``last2``: the last 2 units trained (``blocks_6_0``, ``head`` and the classifier; the block count of
  ``pydl4j-transfer train --unfreeze 2``); the frozen part runs in inference mode on both sides (our FrozenLayer,
  PyTorch modules in ``eval()`` with ``requires_grad=False``), as in on-the-fly augmented fine-tuning.

Ours is ``ComputationGraph.fit(DataSet)`` through JPype (the path the job takes); PyTorch runs the model of
``benchmarks/featurize.py`` (same architecture tables and weights) plus a ``Linear`` head with the same values, with
``torch.optim.Adam`` (lr 1e-3), in NCHW and channels_last (the better one counts). Each side runs in its own
subprocess (``ru_maxrss`` is its peak memory) with the same thread count, one untimed warm-up step, then ``--runs``
timed steps; ``--rounds`` repeats (ours, torch NCHW, torch channels_last) interleaved so that the shared machine's
load hits all sides alike.

``--baseline JAR`` adds a fourth side per round: ours from another build (e.g. main's jar, with
``--baseline-native`` the folder its natives were unpacked to), for before/after ratios measured in one run.

Agreement: before any update, each side computes the loss and the gradients on the same batch; the loss, and the
gradients of the classifier, the head convolution and (``all``) the stem convolution, are compared (max abs
difference relative to the largest gradient), between the sides and against PyTorch autograd in float64 (the
exact answer: float32 vs float32 differences include kink flips of RELU6 and rounding amplified by batch norm on
few values, which are no bugs of either side).

The last line printed is one JSON object for the whole run:
``{"model", "batch", "threads", "settings": {"all": {...}, "last2": {...}}, "ours_img_s", "torch_img_s", "ratio",
"load_avg", ...}`` where the top-level ``ours_img_s`` / ``torch_img_s`` / ``ratio`` are those of the ``all`` setting
(the full fine-tuning step; ``ratio`` against PyTorch's better layout). PyTorch is a benchmark-only dependency.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from child_process import print_result_line, run_child  # noqa: E402
from featurize import lite0_weights, torch_model  # noqa: E402  (the same weights and PyTorch model)

CLASSES = 5
SIZE = 224
LR = 1e-3
SETTINGS = ("all", "last2")
#: gradients compared between the sides: engine name -> (PyTorch parameter name, how to lay ours out like torch's)
COMPARED = {"fc_W": "head.weight", "head_conv_W": "features.head_conv", "stem_conv_W": "features.stem_conv"}


def head_weights(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed + 7)
    return {"fc_W": (rng.standard_normal((1280, CLASSES)) * np.sqrt(1.0 / 1280)).astype(np.float32),
            "fc_b": np.zeros(CLASSES, np.float32)}


# ---------------------------------------------------------------------------------------------------- ours


def ours_graph(weights: dict, setting: str, size: int = SIZE):
    import jpype

    from pydl4j_transfer import engine, jvm

    zoo = jvm.java_class("org.pydl4j.zoo.model.EfficientNetLite").builder(0).numClasses(1000) \
        .resolution(int(size)).build()
    base = zoo.init()
    for key, value in weights.items():
        if key.startswith("fc_"):
            continue
        vertex, param = key.rsplit("_", 1)
        layer = base.getLayer(vertex)
        target = layer.getParam(param)
        copy = jvm.to_indarray(value.reshape(tuple(target.shape())), dtype=np.float32)
        layer.setParam(param, copy)
        copy.close()
    tl = "org.pydl4j.nn.transferlearning."
    ftc = jvm.java_class(tl + "FineTuneConfiguration").Builder() \
        .updater(jvm.java_class("org.pydl4j.nd.learning.config.Adam")(LR)).seed(1).build()
    loss = jvm.java_class("org.pydl4j.nd.lossfunctions.LossFunctions").LossFunction.MCXENT
    act = jvm.java_class("org.pydl4j.nd.activations.Activation").SOFTMAX
    head = jvm.java_class("org.pydl4j.nn.conf.layers.OutputLayer").Builder(loss).nIn(1280).nOut(CLASSES) \
        .activation(act).build()
    String = jpype.JClass("java.lang.String")
    builder = jvm.java_class(tl + "TransferLearning").GraphBuilder(base).fineTuneConfiguration(ftc)
    if setting == "last2":
        builder = builder.setFeatureExtractor(jpype.JArray(String)([engine.unfreeze_boundary(base, "avg_pool", 2)]))
    graph = builder.removeVertexKeepConnections("fc").addLayer("fc", head, jpype.JArray(String)(["avg_pool"])).build()
    for param in ("W", "b"):
        target = graph.getLayer("fc").getParam(param)
        copy = jvm.to_indarray(weights[f"fc_{param}"].reshape(tuple(target.shape())), dtype=np.float32)
        graph.getLayer("fc").setParam(param, copy)
        copy.close()
    return graph


def run_ours(weights: dict, x: np.ndarray, y: np.ndarray, runs: int, setting: str, backend: str) -> dict:
    from pydl4j_transfer import jvm

    t0 = time.perf_counter()
    jvm.start_jvm(backend=backend)
    graph = ours_graph(weights, setting, x.shape[2])
    weights.clear()
    setup_s = time.perf_counter() - t0
    xb, yb = jvm.to_indarray(x, copy=None), jvm.to_indarray(y, copy=None)
    DataSet = jvm.java_class("org.pydl4j.nd.dataset.DataSet")
    ds = DataSet(xb, yb)
    graph.setInputs(xb)
    graph.setLabels(yb)
    t0 = time.perf_counter()
    graph.computeGradientAndScore()
    first = time.perf_counter() - t0
    loss = float(graph.score())
    grads = {}
    table = graph.gradient().gradientForVariable()
    for name in COMPARED:
        if table.containsKey(name) and int(graph.getLayer(name.rsplit("_", 1)[0]).numParams()) > 0 \
                and not graph.getLayer(name.rsplit("_", 1)[0]).isFrozen():
            grads[name] = jvm.to_numpy(table.get(name), copy=True)
    graph.fit(ds)   # warm-up step
    times = []
    cpu0 = time.process_time()
    for _ in range(runs):
        t0 = time.perf_counter()
        graph.fit(ds)
        times.append(time.perf_counter() - t0)
    cpu = time.process_time() - cpu0
    return {"times": times, "first_s": first, "setup_s": setup_s, "loss": loss, "grads": grads, "cpu_s": cpu,
            "backend": jvm.backend_name(), "trainable": int(graph.numTrainableParams())}


# ---------------------------------------------------------------------------------------------------- torch


def torch_net(weights: dict, setting: str):
    import torch
    import torch.nn as nn

    features = torch_model("efficientnet-lite0", weights)   # stem conv, bn, relu6, 16 blocks, head conv, bn, ...
    head = nn.Linear(1280, CLASSES)
    head.weight.data = torch.from_numpy(np.ascontiguousarray(weights["fc_W"].T))
    head.bias.data = torch.from_numpy(weights["fc_b"].copy())
    net = nn.Sequential()
    net.add_module("features", features)
    net.add_module("head", head)
    net.train()
    trained = list(range(len(features)))
    if setting == "last2":
        # modules: 0-2 stem, 3-18 blocks, 19-21 head conv/bn/act, 22 pool, 23 flatten: train block 16 (blocks_6_0)
        # and the head; the rest is frozen and in eval mode (batch norm on running statistics)
        trained = [18, 19, 20, 21, 22, 23]
        for i, m in enumerate(features):
            if i not in trained:
                m.eval()
                for p in m.parameters():
                    p.requires_grad_(False)
    return net


def torch_param(net, compared: str):
    f = net.features
    if compared == "head.weight":
        return net.head.weight, lambda g: g.T
    if compared == "features.head_conv":
        return f[19].conv.weight, lambda g: g
    return f[0].conv.weight, lambda g: g


def exact_grads(weights: dict, x: np.ndarray, y: np.ndarray, setting: str) -> dict:
    """The compared gradients by PyTorch autograd in float64: the yardstick both float32 sides are measured
    against. Between two float32 computations, a pre-activation within rounding of a RELU6 kink flips a whole
    element's gradient, and batch norm on batch statistics of few values amplifies rounding: at batch 2, 64x64,
    PyTorch's own float32 head_conv gradient is 0.27 (relative) from its float64 one."""
    import torch

    net = torch_net(weights, setting).double()
    loss = torch.nn.CrossEntropyLoss()(net(torch.from_numpy(x).double()), torch.from_numpy(np.argmax(y, axis=1)))
    loss.backward()
    grads = {}
    for ours_name, torch_name in COMPARED.items():
        p, to_ours = torch_param(net, torch_name)
        if p.grad is not None:
            grads[ours_name] = to_ours(p.grad.detach()).contiguous().numpy().copy()
    return {"times": [], "first_s": 0.0, "setup_s": 0.0, "loss": float(loss.detach()), "grads": grads, "cpu_s": 0.0}


def run_torch(weights: dict, x: np.ndarray, y: np.ndarray, runs: int, setting: str, layout: str) -> dict:
    import torch

    t0 = time.perf_counter()
    net = torch_net(weights, setting)
    xt = torch.from_numpy(x)
    yt = torch.from_numpy(np.argmax(y, axis=1))
    if layout == "channels_last":
        net = net.to(memory_format=torch.channels_last)
        xt = xt.contiguous(memory_format=torch.channels_last)
    params = [p for p in net.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=LR)
    lossf = torch.nn.CrossEntropyLoss()
    setup_s = time.perf_counter() - t0

    def step():
        opt.zero_grad(set_to_none=True)
        loss = lossf(net(xt), yt)
        loss.backward()
        return loss

    t0 = time.perf_counter()
    loss = step()
    first = time.perf_counter() - t0
    grads = {}
    for ours_name, torch_name in COMPARED.items():
        p, to_ours = torch_param(net, torch_name)
        if p.grad is not None:
            grads[ours_name] = to_ours(p.grad.detach()).contiguous().numpy().copy()
    opt.step()   # completes the warm-up step
    times = []
    cpu0 = time.process_time()
    for _ in range(runs):
        t0 = time.perf_counter()
        step()
        opt.step()
        times.append(time.perf_counter() - t0)
    cpu = time.process_time() - cpu0
    return {"times": times, "first_s": first, "setup_s": setup_s, "loss": float(loss), "grads": grads, "cpu_s": cpu,
            "torch": torch.__version__, "trainable": sum(p.numel() for p in params)}


# ---------------------------------------------------------------------------------------------------- driver


def child(args) -> None:
    work = Path(args.work)
    with np.load(work / "weights.npz") as z:
        weights = {k: z[k] for k in z.files}
    x, y = np.load(work / "input.npy"), np.load(work / "labels.npy")
    if args.side in ("ours", "baseline"):
        r = run_ours(weights, x, y, args.runs, args.setting, args.backend)
    else:
        import torch

        torch.set_num_threads(args.threads)
        if args.side == "torch:float64":
            r = exact_grads(weights, x, y, args.setting)
        else:
            r = run_torch(weights, x, y, args.runs, args.setting, args.side.split(":", 1)[1])
    grads = r.pop("grads")
    np.savez(work / f"grads-{args.setting}-{args.side.replace(':', '-')}.npz", **grads)
    r["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print("RESULT " + json.dumps(r), flush=True)


def spawn(side: str, setting: str, args, work: Path) -> dict:
    env = None
    if side == "baseline":   # ours, from another build of the engine (its jar and native folder)
        env = {"PYDL4J_JAR": str(Path(args.baseline).resolve())}
        if args.baseline_native:
            env["PYDL4J_NATIVE_DIR"] = str(Path(args.baseline_native).resolve())
    return run_child(__file__, ["--side", side, "--setting", setting, "--work", str(work), "--runs", str(args.runs),
                                "--backend", args.backend], args.threads, f"{side} ({setting})", env)


def summary(name: str, r: dict, batch: int) -> str:
    best, med = min(r["times"]), statistics.median(r["times"])
    return (f"{name:34s} best {batch / best:6.2f} img/s  median {batch / med:6.2f} img/s  first step "
            f"{r['first_s']:6.2f} s  loss {r['loss']:.5f}  peak RSS {r['peak_rss_mb']:7.0f} MB")


def agreement(work: Path, setting: str, side: str, against: str) -> dict:
    with np.load(work / f"grads-{setting}-{side}.npz") as a, np.load(work / f"grads-{setting}-{against}.npz") as b:
        out = {}
        for name in a.files:
            if name not in b.files:
                raise SystemExit(f"finetune.py: {name} is trained by ours but not by torch ({setting})")
            g_ours, g_torch = a[name].reshape(b[name].shape), b[name]
            scale = float(np.max(np.abs(g_torch))) or 1.0
            out[name] = float(np.max(np.abs(g_ours - g_torch))) / scale
        if set(b.files) - set(a.files):
            raise SystemExit(f"finetune.py: {sorted(set(b.files) - set(a.files))} trained by torch only ({setting})")
        return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--size", type=int, default=SIZE, help="image side (224: the model's; smaller for quick checks)")
    ap.add_argument("--backend", default="cpu", help="engine backend: cpu (default) or reference")
    ap.add_argument("--compare", choices=("torch", "none"), default="torch")
    ap.add_argument("--unfrozen", choices=SETTINGS + ("both",), default="both")
    ap.add_argument("--runs", type=int, default=3, help="timed steps per side and round, after one warm-up step")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="threads for both sides")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--baseline", metavar="JAR", help="also time this engine jar (e.g. main's build) in each round: "
                    "before/after ratios from one interleaved run")
    ap.add_argument("--baseline-native", metavar="DIR", help="native folder for --baseline (PYDL4J_NATIVE_DIR; "
                    "without it this checkout's build/native is loaded, not the jar's own natives)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--side", help=argparse.SUPPRESS)
    ap.add_argument("--setting", help=argparse.SUPPRESS)
    ap.add_argument("--work", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args)
        return 0
    weights, source = lite0_weights(args.seed)
    weights.update(head_weights(args.seed))
    rng = np.random.default_rng(args.seed + 1)
    x = rng.uniform(-1, 1, (args.batch, 3, args.size, args.size)).astype(np.float32)
    y = np.eye(CLASSES, dtype=np.float32)[rng.integers(0, CLASSES, args.batch)]
    settings = SETTINGS if args.unfrozen == "both" else (args.unfrozen,)
    load_before = os.getloadavg()
    print(f"efficientnet-lite0 fine-tuning step: batch {args.batch} x 3 x {args.size} x {args.size}, {CLASSES} classes, "
          f"weights {source}, Adam lr {LR}, {args.threads} threads, {args.runs} timed steps after a warm-up; "
          f"load average {load_before[0]:.2f}", flush=True)
    result = {"model": "efficientnet-lite0", "batch": args.batch, "threads": args.threads, "weights": source,
              "settings": {}}
    with tempfile.TemporaryDirectory(prefix="pydl4j-bench-") as tmp:
        work = Path(tmp)
        np.savez(work / "weights.npz", **weights)
        np.save(work / "input.npy", x)
        np.save(work / "labels.npy", y)
        for setting in settings:
            runs: dict[str, list[dict]] = {"ours": [], "baseline": [], "nchw": [], "channels_last": []}
            for rnd in range(args.rounds):
                runs["ours"].append(spawn("ours", setting, args, work))
                print(summary(f"[{setting} {rnd + 1}] ours ({runs['ours'][-1]['backend']})", runs["ours"][-1],
                              args.batch), flush=True)
                if args.baseline:
                    runs["baseline"].append(spawn("baseline", setting, args, work))
                    print(summary(f"[{setting} {rnd + 1}] baseline", runs["baseline"][-1], args.batch), flush=True)
                if args.compare == "torch":
                    for layout in ("nchw", "channels_last"):
                        runs[layout].append(spawn(f"torch:{layout}", setting, args, work))
                        print(summary(f"[{setting} {rnd + 1}] torch {layout}", runs[layout][-1], args.batch),
                              flush=True)
            ours = {"times": [t for r in runs["ours"] for t in r["times"]],
                    "peak_rss_mb": max(r["peak_rss_mb"] for r in runs["ours"])}
            entry = {"ours_img_s": round(args.batch / min(ours["times"]), 3),
                     "ours_median_img_s": round(args.batch / statistics.median(ours["times"]), 3),
                     "ours_peak_rss_mb": round(ours["peak_rss_mb"], 1), "ours_loss": runs["ours"][0]["loss"],
                     "trainable_params": runs["ours"][0]["trainable"]}
            if args.baseline:
                base_times = [t for r in runs["baseline"] for t in r["times"]]
                entry.update({"baseline_img_s": round(args.batch / min(base_times), 3),
                              "baseline_peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs["baseline"]), 1),
                              "speedup_vs_baseline": round(min(base_times) / min(ours["times"]), 3)})
            if args.compare == "torch":
                best = {}
                for layout in ("nchw", "channels_last"):
                    times = [t for r in runs[layout] for t in r["times"]]
                    best[layout] = min(times)
                    entry[f"torch_{layout}_img_s"] = round(args.batch / min(times), 3)
                    entry[f"torch_{layout}_peak_rss_mb"] = round(max(r["peak_rss_mb"] for r in runs[layout]), 1)
                layout = min(best, key=best.get)
                if runs[layout][0]["trainable"] != entry["trainable_params"]:
                    raise SystemExit(f"finetune.py: {setting}: ours trains {entry['trainable_params']} parameters, "
                                     f"torch {runs[layout][0]['trainable']}")
                entry.update({"torch_version": runs[layout][0]["torch"], "torch_layout": layout,
                              "torch_img_s": round(args.batch / best[layout], 3),
                              "ratio": round(best[layout] / min(ours["times"]), 3),
                              "torch_peak_rss_mb": entry[f"torch_{layout}_peak_rss_mb"],
                              "torch_loss": runs[layout][0]["loss"],
                              "loss_abs_diff": abs(runs[layout][0]["loss"] - entry["ours_loss"]),
                              "grad_max_rel_diff": agreement(work, setting, "ours", f"torch-{layout}")})
                exact = spawn("torch:float64", setting, args, work)
                entry.update({"grad_rel_diff_vs_float64": agreement(work, setting, "ours", "torch-float64"),
                              "torch_grad_rel_diff_vs_float64": agreement(work, setting, f"torch-{layout}",
                                                                          "torch-float64"),
                              "loss_abs_diff_vs_float64": abs(exact["loss"] - entry["ours_loss"])})
                print(f"{setting}: loss ours {entry['ours_loss']:.6f} torch {entry['torch_loss']:.6f}; gradients "
                      f"max |diff| / max |grad|: ours vs torch {entry['grad_max_rel_diff']}; against float64 "
                      f"autograd: ours {entry['grad_rel_diff_vs_float64']}, torch float32 "
                      f"{entry['torch_grad_rel_diff_vs_float64']}", flush=True)
            result["settings"][setting] = entry
    top = result["settings"].get("all") or next(iter(result["settings"].values()))
    for key in ("ours_img_s", "torch_img_s", "torch_layout", "ratio", "ours_peak_rss_mb", "torch_peak_rss_mb"):
        if key in top:
            result[key] = top[key]
    print_result_line(result, load_before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
