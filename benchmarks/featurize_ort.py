"""The ONNX Runtime side of ``featurize.py --compare onnxruntime`` and the batch-1 latency harness shared by all
sides.

The engine's graph (same weights as every side) is exported once with our ``OnnxExporter`` by the first "ours"
child, cut at the feature vertex (VGG-16: block5_pool; EfficientNet-Lite0: avg_pool), and ONNX Runtime runs that
file on the CPU with all graph optimisations (``ORT_ENABLE_ALL``), ``intra_op_num_threads`` = the benchmark's
threads, sequential execution, and workers that wait sleep rather than spin
(``session.intra_op.allow_spinning=0``; ``--ort-spinning`` restores ONNX Runtime's default). The engine's workers
spin briefly (``GOMP_SPINCOUNT=2000``) and sleep at once with ``OMP_WAIT_POLICY=PASSIVE``. Latency: ``--latency-runs`` warm single-image calls, numpy in -> numpy out, timed
from Python by :func:`latency` for every side alike (p50, p95).
"""

from __future__ import annotations

import statistics
import time

import numpy as np


def latency(call, x1: np.ndarray, runs: int, warmup: int = 20) -> dict:
    """p50/p95 (ms) of ``call(x1)`` over ``runs`` timed calls after ``warmup`` untimed ones (enough for the JVM's
    compilers to be done with the single-image path; 5 left ours 20-40% slower in the first ~100 calls)."""
    for _ in range(warmup):
        call(x1)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call(x1)
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 3), "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 3),
            "runs": runs}


def export_features_graph(graph, feature_vertex: str, path: str) -> None:
    """Writes ``graph`` cut at ``feature_vertex`` (its outputs replaced by that vertex) as ONNX."""
    import jpype

    from pydl4j_transfer import jvm

    conf = graph.getConfiguration()
    downstream, order = set(), [str(v) for v in conf.topologicalOrder()]
    reached = {feature_vertex}
    for v in order:
        if any(str(i) in reached for i in (conf.getVertexInputs().get(v) or [])):
            reached.add(v)
            downstream.add(v)
    cut = graph
    if downstream:
        tl = jvm.java_class("org.pydl4j.nn.transferlearning.TransferLearning").GraphBuilder(graph)
        for v in reversed([v for v in order if v in downstream]):
            tl = tl.removeVertexAndConnections(v)
        cut = tl.setOutputs(jpype.JArray(jpype.JString)([feature_vertex])).build()
    jvm.java_class("org.pydl4j.onnx.OnnxExporter").export(cut, jvm.java_class("java.nio.file.Paths").get(path))


def run_ort(path: str, x: np.ndarray, runs: int, threads: int, latency_runs: int, spinning: bool = False) -> dict:
    import onnxruntime as ort

    t0 = time.perf_counter()
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    if not spinning:   # workers sleep instead of spinning (ours: OMP_WAIT_POLICY=PASSIVE)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    setup_s = time.perf_counter() - t0

    def forward(batch):
        return session.run(None, {name: batch})[0]

    t0 = time.perf_counter()
    feats = forward(x).copy()
    first = time.perf_counter() - t0
    times = []
    cpu0 = time.process_time()
    for _ in range(runs):
        t0 = time.perf_counter()
        forward(x)
        times.append(time.perf_counter() - t0)
    cpu = time.process_time() - cpu0
    r = {"times": times, "first_s": first, "setup_s": setup_s, "features": feats, "cpu_s": cpu, "ort": ort.__version__}
    if latency_runs:
        r["latency"] = latency(forward, np.ascontiguousarray(x[:1]), latency_runs)
    return r


def main(argv=None) -> None:
    """ONNX Runtime alone on an ONNX file (e.g. the one ``featurize.py`` exported): throughput, CPU time, latency."""
    import argparse
    import json
    import os

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("model", help="an .onnx file with one [N, 3, H, W] input")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--size", type=int, default=224, help="input height and width")
    ap.add_argument("--runs", type=int, default=3, help="timed batches after one warm-up batch")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--latency-runs", type=int, default=0, help="warm single-image calls for p50/p95 (0: none)")
    ap.add_argument("--ort-spinning", action="store_true", help="ONNX Runtime's default spinning thread pool")
    args = ap.parse_args(argv)
    if not os.path.isfile(args.model):
        ap.error(f"model: no such file: {args.model}")
    if args.batch < 1 or args.runs < 1 or args.size < 1 or args.threads < 1:
        ap.error("--batch, --runs, --size and --threads must be at least 1")
    x = np.random.default_rng(0).standard_normal((args.batch, 3, args.size, args.size)).astype(np.float32)
    r = run_ort(args.model, x, args.runs, args.threads, args.latency_runs, args.ort_spinning)
    out = {"model": args.model, "batch": args.batch, "threads": args.threads, "ort": r["ort"], "spinning": args.ort_spinning,
           "img_s": round(args.batch / min(r["times"]), 3), "median_img_s": round(args.batch / statistics.median(r["times"]), 3),
           "cpu_ms_per_img": round(r["cpu_s"] / (len(r["times"]) * args.batch) * 1e3, 1), "first_s": round(r["first_s"], 3),
           "load_avg": [float(v) for v in open("/proc/loadavg").read().split()[:3]]}
    if "latency" in r:
        out["latency_b1"] = r["latency"]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
