"""``train_fraction`` (nested, stratified training subsets; validation and test untouched) and the ``scratch`` option's
checks, without the engine; and a job from scratch on a few images, saved and evaluated like a transfer model."""

from __future__ import annotations

from pathlib import Path

import pytest

from job_support import TEST_HOME, small_flowers

from pydl4j_transfer.data import ImageFolder, split_folder_three_way, stratified_subset
from pydl4j_transfer.job_config import JobConfig, JobConfigError


def _folder(per_class=(40, 25, 3)) -> ImageFolder:
    paths, labels = [], []
    for label, n in enumerate(per_class):
        paths += [Path(f"/data/c{label}/{i:03d}.jpg") for i in range(n)]
        labels += [label] * n
    return ImageFolder(root=Path("/data"), paths=tuple(paths), labels=tuple(labels),
                       label_names=tuple(f"c{i}" for i in range(len(per_class))), empty_classes=())


def test_subsets_are_stratified_nested_and_seeded():
    folder = _folder()
    tenth, half, whole = (stratified_subset(folder, fraction=f, seed=3) for f in (0.1, 0.5, 1.0))
    assert whole is folder
    counts = lambda f: [sum(1 for x in f.labels if x == c) for c in range(3)]   # noqa: E731
    assert counts(tenth) == [4, 3, 1] and counts(half) == [20, 13, 2]        # every class keeps at least one
    assert set(tenth.paths) <= set(half.paths) <= set(folder.paths)
    assert stratified_subset(folder, fraction=0.5, seed=3).paths == half.paths
    assert stratified_subset(folder, fraction=0.5, seed=4).paths != half.paths
    for bad in (0, -0.5, 1.5, float("nan"), True, "0.5"):
        with pytest.raises(ValueError, match=r"\(0, 1\]"):
            stratified_subset(folder, fraction=bad, seed=3)


def test_the_fraction_leaves_validation_and_test_alone():
    folder = _folder()
    train, validation, test = split_folder_three_way(folder, test_fraction=0.2, validation_fraction=0.2, seed=1)
    small = stratified_subset(train, fraction=0.1, seed=1)
    assert set(small.paths) <= set(train.paths) and not set(small.paths) & (set(validation.paths) | set(test.paths))


def test_job_options_are_checked():
    assert JobConfig(train_fraction=0.25).train_fraction == 0.25
    for bad in (0, 1.01, float("inf"), "half"):
        with pytest.raises(JobConfigError, match="train_fraction"):
            JobConfig(train_fraction=bad)
    for conflict in ({"recipe": "finetune"}, {"unfreeze": 2}, {"feature_extractor": "avg_pool"}):
        with pytest.raises(JobConfigError, match="scratch"):
            JobConfig(scratch=True, **conflict)
    assert JobConfig(scratch=True, augment=True).settings()["scratch"] is True


def test_a_job_from_scratch_trains_every_layer_and_saves_a_model_evaluate_reads(jvm, tmp_path):
    from pydl4j_transfer.classifier import Classifier
    from pydl4j_transfer.job import TransferJob

    data = small_flowers(tmp_path / "data", per_class=6)
    job = TransferJob(data=data, scratch=True, train_fraction=0.5, epochs=2, image_size=48, progress=False,
                      cache_dir=tmp_path / "cache", models_dir=tmp_path / "no-weights-needed", augment=True)
    result = job.run()
    assert result.counts["train"] == 10 and result.counts["validation"] == 5 and result.counts["test"] == 5
    assert [r["epoch"] for r in result.history] == [1, 2]
    assert all("minibatch_loss" in r and "validation_accuracy" in r for r in result.history)
    assert result.settings["scratch"] is True and result.settings["train_fraction"] == 0.5
    assert job.meta.extra["trained_parameters"] > 0.95 * int(job.graph.numParams())
    assert not (tmp_path / "no-weights-needed").exists()       # no pretrained weights were looked for
    model = job.save(tmp_path / "model.zip")
    again = Classifier.load(model, cache_dir=tmp_path / "cache", progress=False).evaluate(data, test_split=True)
    assert again["n_images"] == 5 and again["accuracy"] == pytest.approx(result.accuracy)
