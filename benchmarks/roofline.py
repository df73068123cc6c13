"""The fastest any engine could featurize on this machine: a compute bound from the model's multiply-adds and the
machine's measured matrix-multiply peak.

    .venv/bin/python benchmarks/roofline.py --model efficientnet-lite0 --ort-img-s 205

Counts the multiply-adds per image of the feature extractor ``featurize.py`` times (our zoo graph cut at the same
vertex, exported by our ONNX exporter; or any ``--onnx`` file), from the weights' shapes and ONNX shape inference,
split into dense (full and 1x1 convolutions, Gemm/MatMul) and depthwise convolutions, and measures the machine's single-precision peak as the best of
large square SGEMMs (numpy's OpenBLAS, ``--threads`` threads, as many as the benchmarks use). The bound assumes the
dense convolutions run at that peak and everything else (depthwise convolutions, batch norm, activations, memory
traffic) costs nothing, so no engine can beat it on this machine:

    bound img/s = peak FLOP/s / (2 x dense multiply-adds per image)

With ``--ort-img-s`` (ONNX Runtime's measured best, from ``featurize.py --compare onnxruntime`` in the same
session) it also prints the bound as a multiple of ONNX Runtime: a goal of ``k x onnxruntime`` above that multiple
cannot be met here. PyTorch is a benchmark-only dependency (``make bench-setup``). Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from child_process import print_result_line  # noqa: E402  (benchmarks/ is not a package)


def count_macs(onnx_path: str) -> dict:
    """Multiply-adds per image of an ONNX model: Conv (dense or depthwise), Gemm and MatMul, from the initializers'
    shapes and ONNX shape inference (the batch dimension left out)."""
    import onnx
    from onnx import numpy_helper, shape_inference

    model = shape_inference.infer_shapes(onnx.load(onnx_path))
    g = model.graph
    shapes = {}
    for vi in list(g.input) + list(g.value_info) + list(g.output):
        dims = vi.type.tensor_type.shape.dim
        shapes[vi.name] = [d.dim_value if d.HasField("dim_value") else None for d in dims]
    weights = {t.name: list(numpy_helper.to_array(t).shape) for t in g.initializer}

    def per_image(name):   # elements of one image's slice of a value
        dims = shapes.get(name)
        if not dims or any(d is None for d in dims[1:]):
            raise ValueError(f"{onnx_path}: no static shape for '{name}' (shape inference)")
        return int(np.prod(dims[1:]))

    counts = {"dense": 0, "depthwise": 0}
    for node in g.node:
        if node.op_type == "Conv":
            o, i_per_group, kh, kw = weights[node.input[1]]
            groups = next((a.i for a in node.attribute if a.name == "group"), 1)
            kind = "depthwise" if groups > 1 and i_per_group == 1 else "dense"
            counts[kind] += per_image(node.output[0]) * i_per_group * kh * kw
        elif node.op_type in ("Gemm", "MatMul"):   # B is [K, M], or [M, K] with transB
            b = weights.get(node.input[1]) or shapes[node.input[1]]
            trans_b = next((a.i for a in node.attribute if a.name == "transB"), 0)
            counts["dense"] += per_image(node.output[0]) * b[-1 if trans_b else -2]
    return counts


def export_features(model: str, path: str) -> None:
    """Our zoo model, cut where featurize.py cuts it, exported to ONNX by our exporter (shapes only: the weights are
    the zoo's initialisation)."""
    import featurize_ort
    from pydl4j_transfer import jvm

    jvm.start_jvm()
    if model == "vgg16":
        graph = jvm.java_class("org.pydl4j.zoo.model.VGG16").builder().includeTop(False).build().init()
        featurize_ort.export_features_graph(graph, "block5_pool", path)
    else:
        graph = jvm.java_class("org.pydl4j.zoo.model.EfficientNetLite").builder(0).numClasses(1000).build().init()
        featurize_ort.export_features_graph(graph, "avg_pool", path)


PEAK_SCRIPT = """
import sys, time
import numpy as np
best = 0.0
rng = np.random.default_rng(0)
for n in (2048, 3072, 4096):
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    a @ b
    for _ in range(3):
        t0 = time.perf_counter()
        a @ b
        best = max(best, 2.0 * n ** 3 / (time.perf_counter() - t0))
print(best)
"""


def sgemm_peak(threads: int) -> float:
    """Best single-precision FLOP/s of square matrix products (numpy's BLAS, in a child process: the BLAS reads its
    thread count when it loads)."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    out = subprocess.run([sys.executable, "-c", PEAK_SCRIPT], env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.split()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", choices=("vgg16", "efficientnet-lite0"), default="efficientnet-lite0")
    ap.add_argument("--onnx", help="count this ONNX model instead of the engine's --model")
    ap.add_argument("--threads", type=int, default=os.cpu_count(), help="BLAS threads for the peak (default: all CPUs)")
    ap.add_argument("--ort-img-s", type=float, default=None, help="ONNX Runtime's measured img/s, to express the bound "
                    "as a multiple of it")
    args = ap.parse_args(argv)
    if args.ort_img_s is not None and not args.ort_img_s > 0:
        ap.error("--ort-img-s must be a positive number")
    load_before = os.getloadavg()
    if args.onnx:
        macs = count_macs(args.onnx)
    else:
        with tempfile.TemporaryDirectory(prefix="pydl4j-roofline-") as tmp:
            export_features(args.model, str(Path(tmp) / "model.onnx"))
            macs = count_macs(str(Path(tmp) / "model.onnx"))
    peak = sgemm_peak(args.threads)
    bound = peak / (2.0 * macs["dense"])
    name = args.onnx or args.model
    result = {"model": name, "threads": args.threads, "dense_macs_m": round(macs["dense"] / 1e6, 1),
              "depthwise_macs_m": round(macs["depthwise"] / 1e6, 1), "sgemm_peak_gflop_s": round(peak / 1e9, 1),
              "bound_img_s": round(bound, 1)}
    print(f"{name}: {macs['dense'] / 1e6:.1f} M dense + {macs['depthwise'] / 1e6:.1f} M depthwise multiply-adds "
          f"per image; SGEMM peak {peak / 1e9:.1f} GFLOP/s on {args.threads} threads -> at most {bound:.1f} img/s")
    if args.ort_img_s is not None:
        result["ort_img_s"] = args.ort_img_s
        result["bound_vs_ort"] = round(bound / args.ort_img_s, 3)
        print(f"ONNX Runtime measured {args.ort_img_s:.1f} img/s: the bound is {bound / args.ort_img_s:.2f}x it")
    print_result_line(result, load_before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
