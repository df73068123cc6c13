"""The Spark checks of tests/test_spark.py, run in a child process with one Spark context for all of them.

The engine's JVM must start as a Spark driver (Spark's jars on its class path), which a pytest process that
already started the engine cannot do; so tests/test_spark.py runs ``python tests/spark_checks.py OUT_DIR`` once
and asserts on what it writes there: ``results.json`` (scalars) and ``arrays.npz`` (what the assertions compare).
Nothing here decides pass or fail except crashes: the comparisons and tolerances live in the test file.

Cluster: ``local-cluster[2,1,1024]`` (2 executor JVMs of 1 core, 1 GB) unless ``--master`` says otherwise.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CLASSES = ("cats", "dogs", "owls")


def write_images(root: Path, per_class: int, seed: int) -> list[tuple[str, str]]:
    """JPEG and PNG photos-to-be of assorted sizes (smooth gradients plus noise), one sub-folder per class."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    out = []
    for c, name in enumerate(CLASSES):
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            h, w = int(rng.integers(90, 260)), int(rng.integers(90, 260))
            y, x = np.mgrid[0:h, 0:w]
            base = np.stack([(x * (c + 1) + y) % 256, (y * 2 + i * 17) % 256, (x + y * (c + 2)) % 256], -1)
            pixels = np.clip(base + rng.normal(0, 20, base.shape), 0, 255).astype(np.uint8)
            path = folder / (f"{name}{i:03d}.png" if i % 4 == 3 else f"{name}{i:03d}.jpg")
            if i == 1:   # characters a URI parser would take apart: executors must read the file as named
                path = folder / f"{name} #{i:03d}: x.jpg"
            Image.fromarray(pixels).save(path, quality=90) if path.suffix == ".jpg" else Image.fromarray(pixels).save(path)
            out.append((str(path), name))
    return out


def transfer_setup(image_size: int):
    """EfficientNet-Lite0 (ImageNet weights) at ``image_size``: (graph, helper, meta, cache key), as `featurize`."""
    from pydl4j_transfer import engine

    info = engine.model_info("efficientnet-lite0", image_size)
    graph, checksum = engine.pretrained_graph(info.name, image_size)
    vertex = info.feature_vertex
    meta = engine.RunMeta(model=info.name, labels=list(CLASSES), feature_vertex=vertex,
                          output_vertex=info.output_vertex or "", info=info,
                          preprocess=engine.spec_to_json(info.preprocess_spec(), info.resize),
                          image_size=info.image_size, weights_checksum=checksum)
    helper = engine.Helper(graph, vertex)
    return helper, meta, engine.feature_cache_key(meta, engine.frozen_digest(graph, vertex))


def executor_pids(app_id: str) -> list[int]:
    """The executor JVMs of this application (local-cluster starts them as child processes)."""
    listing = subprocess.run(["ps", "-eo", "pid=,args="], capture_output=True, text=True, check=True).stdout
    return [int(line.split()[0]) for line in listing.splitlines()
            if "CoarseGrainedExecutorBackend" in line and app_id in line]


def check_featurize(driver, work: Path, results: dict, arrays: dict, image_size: int) -> None:
    from pydl4j_transfer.data import FeatureCache
    from pydl4j_transfer.featurize import featurize_files

    images = write_images(work / "images", per_class=6, seed=1)
    bad = work / "images" / "cats" / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 this is not a JPEG")
    images.append((str(bad), "cats"))
    paths, labels = [p for p, _ in images], [c for _, c in images]
    helper, meta, key = transfer_setup(image_size)
    t0 = time.perf_counter()
    local, local_ok, local_skipped = featurize_files(paths, helper, meta, cache=None, workers=1, progress=False)
    results["local_seconds"] = time.perf_counter() - t0
    cache = FeatureCache(key, work / "cache")
    counts = {}
    t0 = time.perf_counter()
    spark, spark_ok, spark_skipped = featurize_files(paths, helper, meta, cache=cache, progress=False, spark=driver,
                                                     labels=labels, counts=counts)
    results["spark_seconds"] = time.perf_counter() - t0
    arrays.update(local=local, local_ok=local_ok, spark=spark, spark_ok=spark_ok)
    results["local_skipped"] = local_skipped
    results["spark_skipped"] = spark_skipped
    results["spark_counts"] = counts
    # the same keys: a local run over the cache the Spark run filled featurizes nothing
    again_counts = {}
    again, _, _ = featurize_files(paths, helper, meta, cache=FeatureCache(key, work / "cache"), workers=1,
                                  progress=False, counts=again_counts)
    arrays["from_cache"] = again
    results["cache_rerun_counts"] = again_counts
    stores = sorted((cache.folder / "spark").glob("features-*.parquet"))
    results["stores"] = [str(s) for s in stores]
    results["store_has_success"] = all((s / "_SUCCESS").exists() for s in stores)
    results["store_tmp_left"] = [str(p) for p in (cache.folder / "spark").glob("_tmp-*")]
    results["parquet_columns"] = _parquet_columns(driver, stores[0]) if stores else []
    # the command line: `featurize --spark` writes the same vectors (no cache: every image goes through Spark)
    from pydl4j_transfer.cli import main as cli_main

    out = work / "cli-features.npz"
    results["cli_exit"] = cli_main(["featurize", "--data", str(work / "images"), "--out", str(out), "--image-size",
                                    str(image_size), "--no-cache", "--no-progress", "--spark", driver.master])
    with np.load(out) as saved:
        by_path = {str(p): row for p, row in zip(saved["paths"], saved["features"])}
    local_by_path = {p: row for p, row in zip([p for p, ok in zip(paths, local_ok) if ok], local)}
    results["cli_rows"] = len(by_path)
    results["cli_same_paths"] = sorted(by_path) == sorted(local_by_path)
    results["cli_max_abs_diff"] = max(float(np.abs(by_path[p] - local_by_path[p]).max()) for p in local_by_path
                                      if p in by_path)
    # executors killed mid-run: a fresh set of images, one per task (18 tasks) so that the kill lands while work is
    # left (with 3 per task, 6 tasks finishing two at a time could pass the window between two polls)
    check_executor_killed(driver, work, results, arrays, helper, meta)


def _parquet_columns(driver, store: Path) -> list[str]:
    import jpype

    session = jpype.JClass("org.apache.spark.sql.SparkSession").builder().sparkContext(driver.jsc.sc()).getOrCreate()
    frame = session.read().parquet(str(store))
    return [str(c) for c in frame.columns()] + [f"rows={int(frame.count())}",
                                                 f"distinct_paths={int(frame.select('path').distinct().count())}"]


def check_executor_killed(driver, work: Path, results: dict, arrays: dict, helper, meta) -> None:
    from pydl4j_transfer.featurize import featurize_files
    from pydl4j_transfer.spark import featurize_paths

    images = write_images(work / "more", per_class=6, seed=2)
    paths, labels = [p for p, _ in images], [c for _, c in images]
    app_id = str(driver.jsc.sc().applicationId())
    tracker = driver.jsc.statusTracker()
    outcome: dict = {}

    def run():
        try:
            outcome["result"] = featurize_paths(driver, helper, meta, paths, labels, store_dir=work / "killed-store",
                                                batch_size=4, images_per_task=1)
        except Exception as error:  # noqa: BLE001 - reported to the test
            outcome["error"] = f"{type(error).__name__}: {error}"

    thread = threading.Thread(target=run)
    thread.start()
    killed, progress = None, None
    deadline = time.monotonic() + 240
    while thread.is_alive() and killed is None and time.monotonic() < deadline:
        for stage in tracker.getActiveStageIds():
            info = tracker.getStageInfo(stage)
            if info is not None and 1 <= info.numCompletedTasks() < info.numTasks() - 2:
                pids = executor_pids(app_id)
                if pids:
                    os.kill(pids[0], 9)
                    killed, progress = pids[0], (int(info.numCompletedTasks()), int(info.numTasks()))
                    break
        time.sleep(0.05)
    thread.join(timeout=300)
    results["killed_executor"] = killed
    results["killed_at_tasks"] = progress
    results["killed_run_error"] = outcome.get("error")
    if "result" in outcome:
        result = outcome["result"]
        order = {p: i for i, p in enumerate(result.paths)}
        arrays["killed_spark"] = np.stack([result.features[order[p]] for p in paths if p in order]) \
            if order else np.zeros((0, 0), np.float32)
        results["killed_paths_found"] = sum(p in order for p in paths)
        results["killed_store_columns"] = _parquet_columns(driver, Path(result.store))
    local, ok, _ = featurize_files(paths, helper, meta, cache=None, workers=1, progress=False)
    arrays["killed_local"] = local
    results["killed_total"] = len(paths)


def _jclass(name):
    from pydl4j_transfer import jvm

    return jvm.java_class(name)


def _layers():
    """The 4 -> 12 (tanh) -> 3 (softmax) layers both network kinds use."""
    DenseLayer = _jclass("org.pydl4j.nn.conf.layers.DenseLayer")
    OutputLayer = _jclass("org.pydl4j.nn.conf.layers.OutputLayer")
    Activation = _jclass("org.pydl4j.nd.activations.Activation")
    LossFunction = _jclass("org.pydl4j.nd.lossfunctions.LossFunctions$LossFunction")
    return (DenseLayer.Builder().nIn(4).nOut(12).activation(Activation.TANH).build(),
            OutputLayer.Builder(LossFunction.MCXENT).nIn(12).nOut(3).activation(Activation.SOFTMAX).build())


def small_graph(updater, seed: int = 7):
    hidden, out = _layers()
    conf = (_jclass("org.pydl4j.nn.conf.NeuralNetConfiguration").Builder().seed(seed).updater(updater).graphBuilder()
            .addInputs("in").addLayer("hidden", hidden, "in").addLayer("out", out, "hidden").setOutputs("out").build())
    graph = _jclass("org.pydl4j.nn.graph.ComputationGraph")(conf)
    graph.init()
    return graph


def small_mln(updater, seed: int = 7):
    hidden, out = _layers()
    conf = (_jclass("org.pydl4j.nn.conf.NeuralNetConfiguration").Builder().seed(seed).updater(updater).list()
            .layer(hidden).layer(out).build())
    net = _jclass("org.pydl4j.nn.multilayer.MultiLayerNetwork")(conf)
    net.init()
    return net


def datasets(count: int, size: int, seed: int):
    """``count`` DataSets of ``size`` examples: 3 Gaussian blobs in 4-d (separable), one-hot labels."""
    from pydl4j_transfer import jvm

    DataSet = _jclass("org.pydl4j.nd.dataset.DataSet")
    rng = np.random.default_rng(seed)
    centres = np.array([[2, 0, 0, 1], [0, 2, 0, -1], [0, 0, 2, 0]], np.float32)
    out = []
    for _ in range(count):
        y = rng.integers(0, 3, size)
        x = centres[y] + rng.normal(0, 0.7, (size, 4)).astype(np.float32)
        out.append(DataSet(jvm.to_indarray(x), jvm.to_indarray(np.eye(3, dtype=np.float32)[y])))
    return out


def _params(net) -> np.ndarray:
    from pydl4j_transfer import jvm

    return jvm.to_numpy(net.params(), copy=True).ravel()


def check_training(driver, work: Path, results: dict, arrays: dict) -> None:
    import jpype

    Sgd = _jclass("org.pydl4j.nd.learning.config.Sgd")
    Nesterovs = _jclass("org.pydl4j.nd.learning.config.Nesterovs")
    Adam = _jclass("org.pydl4j.nd.learning.config.Adam")
    Master = _jclass("org.pydl4j.spark.impl.paramavg.ParameterAveragingTrainingMaster$Builder")
    SparkComputationGraph = _jclass("org.pydl4j.spark.impl.graph.SparkComputationGraph")
    SparkDl4jMultiLayer = _jclass("org.pydl4j.spark.impl.multilayer.SparkDl4jMultiLayer")
    ArrayList = jpype.JClass("java.util.ArrayList")
    workers, per_worker = 2, 4
    data = datasets(4, per_worker, seed=3)     # 2 averaging periods per epoch: state carried from one to the next
    rdd = driver.jsc.parallelize(ArrayList(data), 2)
    Merge = _jclass("org.pydl4j.nd.dataset.DataSet")

    def synchronous(net, epochs):   # one step per split on the union of the workers' minibatches
        for _ in range(epochs):
            for start in range(0, len(data), workers):
                net.fit(Merge.merge(ArrayList(data[start:start + workers])))

    for name, updater in (("sgd", Sgd(0.1)), ("nesterovs", Nesterovs(0.1, 0.9))):
        for kind, make, wrapper in (("graph", small_graph, SparkComputationGraph),
                                    ("multilayer", small_mln, SparkDl4jMultiLayer)):
            if kind == "multilayer" and name == "nesterovs":
                continue   # the network kind is covered by sgd; nesterovs checks the averaged updater state
            local, distributed = make(updater), make(updater)
            arrays[f"{name}_{kind}_start"] = _params(distributed)
            master = (Master(workers, per_worker).averagingFrequency(1).workerPrefetchNumBatches(2)
                      .saveUpdater(True).build())
            spark_net = wrapper(driver.jsc, distributed, master)
            spark_net.fit(rdd)      # one epoch: 2 averaging periods, the updater state carried from one to the next
            synchronous(local, 1)
            arrays[f"{name}_{kind}_spark"] = _params(spark_net.getNetwork())
            arrays[f"{name}_{kind}_sync"] = _params(local)
            results[f"{name}_{kind}_iterations"] = [int(spark_net.getNetwork().getIterationCount()),
                                                    int(local.getIterationCount())]
            results[f"{name}_{kind}_score"] = float(spark_net.getScore())

    # Adam: averaged moments are not synchronous Adam; it must still learn
    net = small_graph(Adam(0.1))
    spark_net = SparkComputationGraph(driver.jsc, net, Master(workers, per_worker).averagingFrequency(2).build())
    before = float(spark_net.calculateScore(rdd, True))
    for _ in range(5):
        spark_net.fit(rdd)
    results["adam_score_before"] = before
    results["adam_score_after"] = float(spark_net.calculateScore(rdd, True))

    # evaluate / calculateScore on the RDD against the same network evaluated locally
    local_eval = net.evaluate(_jclass("org.pydl4j.nd.dataset.ExistingDataSetIterator")(ArrayList(data)))
    labels = ArrayList([jpype.JString(c) for c in CLASSES])
    spark_eval = spark_net.evaluate(rdd, labels)
    arrays["eval_local_confusion"] = np.array(local_eval.getConfusionMatrix().toArray(), dtype=np.int64)
    arrays["eval_spark_confusion"] = np.array(spark_eval.getConfusionMatrix().toArray(), dtype=np.int64)
    results["eval_accuracy"] = [float(local_eval.accuracy()), float(spark_eval.accuracy())]
    results["eval_f1"] = [float(local_eval.f1()), float(spark_eval.f1())]
    results["eval_labels"] = [str(s) for s in spark_eval.getLabelsList()]
    local_sum = sum(float(net.score(d)) * int(d.numExamples()) for d in data)
    results["score_sum"] = [local_sum, float(spark_net.calculateScore(rdd, False))]

    # fit(String path): DataSets saved as files, read on the executors
    folder = work / "saved"
    folder.mkdir()
    for i, d in enumerate(data):
        d.save(_jclass("java.io.File")(str(folder / f"ds{i:03d}.bin")))
    (folder / "zz-hostile.bin").write_bytes(b"\x01" + b"\x00" * 7)   # a truncated array header
    from_files = SparkComputationGraph(driver.jsc, small_graph(Sgd(0.1)), Master(workers, per_worker)
                                       .averagingFrequency(1).build())
    try:
        from_files.fit(str(folder))
        results["fit_path_hostile"] = "accepted"
    except jpype.JException as error:
        results["fit_path_hostile"] = str(error.getMessage())
    (folder / "zz-hostile.bin").unlink()
    start = _params(from_files.getNetwork())
    from_files.fit(str(folder))
    results["fit_path_changed"] = float(np.abs(_params(from_files.getNetwork()) - start).max())
    results["fit_path_score"] = float(from_files.getScore())


def check_job(master: str, work: Path, results: dict, arrays: dict, image_size: int) -> None:
    """TransferJob(spark=...) against the same job run locally: same features, so the same training and result."""
    from pydl4j_transfer import TransferJob

    data = work / "images"          # written by check_featurize, with its undecodable file
    outcomes = {}
    for name, spark in (("spark", master), ("local", None)):
        job = TransferJob(data=str(data), image_size=image_size, epochs=2, batch_size=8, seed=5, test_fraction=0.3,
                          validation_fraction=0, cache_dir=str(work / f"job-cache-{name}"), progress=False,
                          run_dir=str(work / f"run-{name}"), spark=spark, workers=1)
        result = job.run()
        job.save(work / f"run-{name}" / "model.zip")
        outcomes[name] = result
        arrays[f"job_{name}_confusion"] = np.asarray(result.confusion_matrix)
        results[f"job_{name}_accuracy"] = float(result.accuracy)
        results[f"job_{name}_losses"] = [float(h.get("train_loss", h.get("minibatch_loss", "nan"))) for h in result.history]
        results[f"job_{name}_skipped"] = sorted(s["path"] for s in result.skipped)
        results[f"job_{name}_counts"] = {k: v for k, v in result.counts.items() if isinstance(v, int)}
        import zipfile

        with zipfile.ZipFile(work / f"run-{name}" / "model.zip") as archive:
            results[f"job_{name}_model_entries"] = sorted(archive.namelist())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--master", default="local-cluster[2,1,1024]")
    parser.add_argument("--image-size", type=int, default=128)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from pydl4j_transfer import spark as pyspark_support

    results: dict = {}
    arrays: dict = {}
    t0 = time.perf_counter()
    driver = pyspark_support.start(args.master, settings={"spark.executor.memory": "1g",
                                                           "spark.task.maxFailures": "4"})
    results["context_seconds"] = time.perf_counter() - t0
    try:
        t0 = time.perf_counter()
        check_training(driver, args.out, results, arrays)
        results["training_seconds"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        check_featurize(driver, args.out, results, arrays, args.image_size)
        results["featurize_seconds"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        check_job(args.master, args.out, results, arrays, args.image_size)
        results["job_seconds"] = time.perf_counter() - t0
    finally:
        np.savez(args.out / "arrays.npz", **arrays)
        (args.out / "results.json").write_text(json.dumps(results, indent=1, default=str))
        driver.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
