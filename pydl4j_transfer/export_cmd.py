"""``pydl4j-transfer export --model RUN/model.zip --format onnx|dl4j --out FILE``: hand a trained model to other
tools. ``onnx`` writes ONNX opset 17 (dynamic batch; labels and preprocessing in metadata_props); ``dl4j`` writes
DL4J's own model zip (``configuration.json`` + ``coefficients.bin``), which Deeplearning4j's ModelSerializer reads.
Both are written atomically. Registered in ``cli.py`` by :func:`register`.
"""

from __future__ import annotations

import json
from pathlib import Path

FORMATS = ("onnx", "dl4j")


def register(sub, common) -> None:
    """Adds the ``export`` sub-command to the CLI's sub-parsers."""
    p = sub.add_parser("export", parents=[common], help="write a trained model as ONNX or as a DL4J zip")
    p.add_argument("--model", required=True, help="RUN_DIR/model.zip written by `train`")
    p.add_argument("--format", required=True, choices=FORMATS, help="onnx (opset 17) or dl4j (DL4J's model zip)")
    p.add_argument("--out", required=True, help="the file to write")
    p.set_defaults(func=cmd_export)


def onnx_metadata(meta) -> dict[str, str]:
    """metadata_props of an exported run: labels and the preprocessing the model expects."""
    pre = meta.preprocess
    text = (f"input NCHW float32 {pre.get('channel_order', 'RGB')}, pixels in [0, 255], resized ({pre.get('resize')}) to "
            f"{meta.image_size}x{meta.image_size}, then (x - mean) / std per channel; mean={pre.get('mean')} "
            f"std={pre.get('std')}")
    return {"preprocessing": text, "mean": json.dumps(pre.get("mean")), "std": json.dumps(pre.get("std")),
            "labels": json.dumps(list(meta.labels)), "model": meta.model, "feature_vertex": meta.feature_vertex}


def cmd_export(args) -> int:
    import jpype

    from . import jvm
    from .cli import EXIT_OK, UsageError
    from .engine import EngineError, load_model
    from .onnx_model import export_onnx

    out = Path(args.out)
    if out.is_dir():
        raise UsageError(f"--out {out}: is a folder; give the file to write")
    if not out.resolve().parent.is_dir():
        raise UsageError(f"--out {out}: folder {out.resolve().parent} does not exist")
    jvm.start_jvm(backend=args.backend)
    graph, meta = load_model(args.model)
    try:
        if args.format == "onnx":
            export_onnx(graph, out, onnx_metadata(meta))
        else:
            jvm.java_class("org.pydl4j.util.serde.Dl4jZipExporter").write(
                graph, jvm.java_class("java.nio.file.Paths").get(str(out)), False)
    except jpype.JException as e:
        raise EngineError(f"cannot export {args.model} as {args.format}: {e.getMessage()}") from None
    print(f"wrote {out} ({args.format}, {out.stat().st_size} bytes)")
    return EXIT_OK
