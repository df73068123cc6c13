"""Distributed featurizing throughput on a loopback Spark cluster: 1 and 2 executors against one local core.

    .venv/bin/python benchmarks/spark_featurize.py --images 192 --image-size 224

Each configuration runs in its own process (one Spark context per JVM): ``local`` is the local job's path
(``featurize_files``, one decode worker, one OpenMP thread: one core's cost per image); ``spark-N`` is
``local-cluster[N,1,1024]`` (N executor JVMs of one core and 1 GB each), featurizing through
``pydl4j_transfer.spark.featurize_paths`` after a warm-up pass that lets every executor read the model and start its
decoder (what a long job pays once). Images: the first ``--images`` flower photos (``FLOWERS_DIR`` or
``../shared/datasets/flower_photos``), EfficientNet-Lite0 with ImageNet weights to its pooled 1280-d features.

Reported per configuration: images/s over the whole run, and from a run of half the images the marginal images/s
and seconds per image per core (the run's fixed cost -- Spark jobs, the Parquet commit -- taken out), and the bytes that cross the network: the model
broadcast (once per executor), the Parquet written (per image), and the parameter bytes a parameter-averaging
period moves per worker for the transfer head (docs/SPARK.md turns these into the 8/64-executor estimate).
This box has 2 cores shared with other work: the 2-executor figure is bounded by it (the load average is printed).
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))          # spark_checks.transfer_setup: the model set-up the tests use
sys.path.insert(0, str(Path(__file__).resolve().parent))


def _images(count: int) -> tuple[list[str], list[str]]:
    from pydl4j_transfer.data import scan_image_folder
    from pydl4j_transfer.flowers import locate_flowers

    folder = scan_image_folder(locate_flowers(download=False, progress=False))
    step = max(1, len(folder.paths) // count)       # spread over the classes
    chosen = list(range(0, len(folder.paths), step))[:count]
    return ([os.fspath(folder.paths[i]) for i in chosen], [folder.label_names[folder.labels[i]] for i in chosen])


def child(args) -> dict:
    from spark_checks import transfer_setup

    paths, labels = _images(args.images)
    out = {"config": "local" if args.executors == 0 else f"spark-{args.executors}", "images": len(paths),
           "image_size": args.image_size}
    if args.executors == 0:
        from pydl4j_transfer.featurize import featurize_files

        helper, meta, _ = transfer_setup(args.image_size)
        featurize_files(paths[:8], helper, meta, cache=None, workers=1, progress=False)      # warm-up

        def timed(subset):
            t0 = time.perf_counter()
            found, _, _ = featurize_files(subset, helper, meta, cache=None, workers=1, progress=False)
            return time.perf_counter() - t0, found
    else:
        from pydl4j_transfer import jvm, spark

        driver = spark.start(f"local-cluster[{args.executors},1,1024]", settings={"spark.executor.memory": "1g"})
        helper, meta, _ = transfer_setup(args.image_size)
        with tempfile.TemporaryDirectory() as store:
            warm = 2 * args.executors
            spark.featurize_paths(driver, helper, meta, paths[:warm], labels[:warm], store_dir=Path(store) / "warm",
                                  images_per_task=1)
            def timed(subset):
                t0 = time.perf_counter()
                result = spark.featurize_paths(driver, helper, meta, subset, labels[:len(subset)],
                                               store_dir=Path(store) / f"timed-{len(subset)}", batch_size=32,
                                               images_per_task=32)
                out["parquet_bytes"] = sum(f.stat().st_size for f in Path(result.store).rglob("*") if f.is_file())
                return time.perf_counter() - t0, result.features

            half_seconds, _ = timed(paths[:len(paths) // 2])
            seconds, features = timed(paths)
        out["model_broadcast_bytes"] = len(jvm.java_class("org.pydl4j.spark.impl.NetworkBytes").write(helper.graph, False))
        driver.stop()
    if args.executors == 0:
        half_seconds, _ = timed(paths[:len(paths) // 2])
        seconds, features = timed(paths)
    # the marginal cost of an image (the second half's) apart from the run's fixed cost (jobs, Parquet commit)
    marginal = (seconds - half_seconds) / (len(paths) - len(paths) // 2)
    out.update(seconds=round(seconds, 2), img_s=round(len(features) / seconds, 2),
               half_seconds=round(half_seconds, 2), marginal_img_s=round(1 / marginal, 2) if marginal > 0 else None,
               fixed_seconds=round(seconds - marginal * len(paths), 2),
               core_seconds_per_image=round(max(1, args.executors) * marginal, 4), feature_dim=int(features.shape[1]))
    head = out["feature_dim"] * 5 + 5                 # the 5-class head of the flower job
    out["head_param_bytes"] = head * 4
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=192)
    parser.add_argument("--image-size", type=int, default=224)
    parser.add_argument("--configs", default="local,1,2", help="local and/or executor counts, comma-separated")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--executors", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print("RESULT " + json.dumps(child(args)), flush=True)
        return 0
    from child_process import run_child

    load_before = os.getloadavg()
    runs = []
    for config in args.configs.split(","):
        executors = 0 if config == "local" else int(config)
        result = run_child(__file__, ["--images", str(args.images), "--image-size", str(args.image_size),
                                      "--executors", str(executors)], 1, config)
        print(json.dumps(result), flush=True)
        runs.append(result)
    summary = {"runs": runs, "load_avg_before": [round(v, 2) for v in load_before],
               "load_avg_after": [round(v, 2) for v in os.getloadavg()],
               "time_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime())}
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
