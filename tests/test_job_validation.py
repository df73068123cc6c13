"""The job's validation split, early stopping, schedule, the saved split record and the finetune recipe, on a small
slice of the flowers (64x64 inputs, so that the whole module runs in a minute or two)."""

from __future__ import annotations

import numpy as np
import pytest

from job_support import TEST_HOME, small_flowers

from pydl4j_transfer import engine
from pydl4j_transfer.classifier import Classifier
from pydl4j_transfer.jvm import to_numpy as jvm_numpy
from pydl4j_transfer.job import TransferJob
from pydl4j_transfer.job_config import DEFAULT_MODEL, JobConfigError
from pydl4j_transfer.recipe import RECIPE_MODEL, RecipeSettings


def _job(data, cache, **kwargs):
    return TransferJob(data=data, progress=False, cache_dir=cache, models_dir=TEST_HOME / "models", image_size=64,
                       **kwargs)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return small_flowers(tmp_path_factory.mktemp("flowers") / "data", per_class=10)


def test_validation_drives_training_and_the_test_split_is_scored_once(jvm, data, tmp_path):
    job = _job(data, tmp_path / "cache", epochs=4)
    result = job.run()
    assert result.counts["test"] == 10 and result.counts["validation"] == 10 and result.counts["train"] == 30
    assert all("validation_accuracy" in row and not any(k.startswith("test") for k in row) for row in result.history)
    split = job.meta.extra["splits"]
    assert len(split["train"]) == 30 and len(split["validation"]) == 10 and len(split["test"]) == 10
    model = job.save(tmp_path / "model.zip")
    classifier = Classifier.load(model, cache_dir=tmp_path / "cache")
    again = classifier.evaluate(data, test_split=True)
    assert again["n_images"] == 10 and again["accuracy"] == pytest.approx(result.accuracy)
    assert again["seen_in_training"] == {"train": 0, "validation": 0}
    # the whole folder: 40 of its 50 images were used for training or validation, and evaluate says so
    everything = classifier.evaluate(data)
    assert everything["seen_in_training"] == {"train": 30, "validation": 10}


def test_saved_test_split_must_be_unchanged(jvm, data, tmp_path):
    job = _job(data, tmp_path / "cache", epochs=1)
    job.run()
    model = job.save(tmp_path / "model.zip")
    entry = job.meta.extra["splits"]["test"][0]
    copy = tmp_path / "copy"
    import shutil

    shutil.copytree(data, copy, symlinks=False)
    (copy / entry["path"]).write_bytes(b"not the same image")
    with pytest.raises(ValueError, match="has changed"):
        Classifier.load(model, cache_dir=tmp_path / "cache").evaluate(copy, test_split=True)


def test_patience_stops_early_and_keeps_the_best_epoch(jvm, data, tmp_path):
    # a large learning rate overfits 30 images within a few epochs: the validation loss turns up
    job = _job(data, tmp_path / "cache", epochs=40, learning_rate=0.05, patience=2)
    result = job.run()
    losses = [row["validation_loss"] for row in result.history]
    assert len(losses) < 40, "patience was ignored"
    kept = result.counts["kept_epoch"]
    assert losses[kept - 1] == min(losses)
    assert len(losses) == kept + 2   # stopped 2 epochs after the last improvement


def test_cosine_schedule_with_warmup_is_followed(jvm, data, tmp_path):
    result = _job(data, tmp_path / "cache", epochs=4, schedule="cosine", warmup_epochs=1,
                  learning_rate=1e-3).run()
    rates = [row["lr"] for row in result.history]
    assert rates[0] == pytest.approx(1e-3) and rates[-1] == pytest.approx(0.0, abs=1e-12)
    assert rates[1] > rates[2] > rates[3]


def test_bad_combinations_are_refused(tmp_path):
    with pytest.raises(JobConfigError, match="patience"):
        TransferJob(data=tmp_path, patience=3, validation_fraction=0)
    with pytest.raises(JobConfigError, match="recipe"):
        TransferJob(data=tmp_path, recipe="finetune", augment=True)
    with pytest.raises(JobConfigError, match="tta"):
        TransferJob(data=tmp_path, tta=True)
    with pytest.raises(JobConfigError, match="head_epochs"):
        TransferJob(data=tmp_path, head_epochs=2)


@pytest.mark.parametrize("bad", [{"views": 0}, {"head_epochs": -1}, {"epochs": 2.5}, {"warmup_epochs": 7},
                                 {"patience": -1}, {"learning_rate": 0.0}, {"learning_rate": float("nan")},
                                 {"head_learning_rate": float("inf")}, {"weight_decay": -0.1},
                                 {"label_smoothing": 1.0}, {"unfreeze": True}])
def test_recipe_settings_refuse_bad_values_naming_them(bad):
    name = next(iter(bad))
    with pytest.raises(ValueError, match=f"recipe setting {name} "):
        RecipeSettings(**bad)


def test_recipe_base_is_lite2_unless_a_model_is_named(tmp_path):
    assert TransferJob(data=tmp_path, recipe="finetune").model == RECIPE_MODEL
    assert TransferJob(data=tmp_path, recipe="finetune", model="efficientnet-lite0").model == "efficientnet-lite0"
    assert TransferJob(data=tmp_path).model == DEFAULT_MODEL   # the quick default job keeps its base


def test_finetune_recipe_on_a_subset(jvm, data, tmp_path):
    """The recipe end to end (its full-size run is `make test-slow`): EfficientNet-Lite2 when no model is named, no
    classifier-only phase (head_epochs=0, chosen on validation), the last 4 blocks trained from blocks_5_2_add on a
    fresh augmented view per epoch, the test split predicted once with flip averaging."""
    # 128 px (not the module's 64): Lite2's last blocks see 4x4 maps, enough for phase 2 to learn something
    job = TransferJob(data=data, progress=False, cache_dir=tmp_path / "cache", models_dir=TEST_HOME / "models",
                      image_size=128, recipe="finetune", tta=True, seed=7)
    assert job.model == RECIPE_MODEL == "efficientnet-lite2"
    result = job.run()
    settings = RecipeSettings()
    assert settings.head_epochs == 0
    assert [row["phase"] for row in result.history] == [2] * len(result.history)
    assert job.meta.feature_vertex == "blocks_5_2_add"
    assert all("validation_loss" in row and not any(k.startswith("test") for k in row) for row in result.history)
    phase1, phase2 = job.meta.extra["phases"]["phase1"], job.meta.extra["phases"]["phase2"]
    assert phase1 is None and phase2["best_epoch"] is not None
    assert result.timings["train"] > 0 and result.timings["evaluate"] > 0 and result.timings["setup"] > 0
    # the fresh classifier starts near the uniform guess (loss ln 5 = 1.61); the kept epoch learned something
    assert phase2["validation_loss"] < 1.5
    # warmup to the phase-2 rate in its first epoch, then cosine decay (to 0 when every epoch ran)
    rates = [row["lr"] for row in result.history if row["phase"] == 2]
    assert rates[0] == pytest.approx(settings.learning_rate) and rates == sorted(rates, reverse=True)
    if phase2["epochs_run"] == settings.epochs:
        assert rates[-1] == pytest.approx(0.0, abs=1e-12)
    # a fresh augmented view per phase-2 epoch (views = epochs), none repeated
    assert settings.views == settings.epochs
    # the last 4 blocks were trained (their weights left the pretrained ones), the block below them was not
    base, _ = engine.pretrained_graph(RECIPE_MODEL, 128, models_dir=TEST_HOME / "models")
    changed = [v for v in ("blocks_5_2_project_conv", "blocks_5_3_project_conv", "blocks_5_4_expand_conv",
                           "blocks_6_0_project_conv", "head_conv")
               if not np.array_equal(jvm_numpy(job.graph.getLayer(v).getParam("W")),
                                     jvm_numpy(base.getLayer(v).getParam("W")))]
    assert changed == ["blocks_5_3_project_conv", "blocks_5_4_expand_conv", "blocks_6_0_project_conv", "head_conv"]
    # better than chance (0.2) on 10 unseen images at 128 px (0.6 measured): a broken phase (labels, views, head)
    # falls to chance
    assert result.accuracy >= 0.5 and result.counts["test"] == 10
    # the kept model predicts the test images as the run scored them (full graph, no cache, no flip averaging)
    model = job.save(tmp_path / "model.zip")
    report = Classifier.load(model).evaluate(data, test_split=True, use_cache=False)
    assert report["n_images"] == 10
    assert abs(report["accuracy"] - result.accuracy) <= 0.2 + 1e-9   # flip averaging may change 2 of 10


def test_staged_recipe_starts_phase_2_from_the_phase_1_classifier(jvm, data, tmp_path, monkeypatch):
    """With ``head_epochs`` > 0 the recipe trains the classifier alone first and phase 2 starts from the kept
    phase-1 classifier (without it, from a fresh one): the classifier's weights are read as each phase begins."""
    from pydl4j_transfer import recipe

    starts, ends = [], []
    fit = recipe.fit_featurized
    head = engine.model_info(RECIPE_MODEL, 128).output_vertex

    def spying_fit(helper, *args, **kwargs):
        starts.append(jvm_numpy(helper.graph.getLayer(head).getParam("W")).copy())
        outcome = fit(helper, *args, **kwargs)
        ends.append(jvm_numpy(helper.graph.getLayer(head).getParam("W")).copy())
        return outcome

    monkeypatch.setattr(recipe, "fit_featurized", spying_fit)
    monkeypatch.setattr(recipe, "RecipeSettings", lambda **kw: RecipeSettings(**{**kw, "views": 1, "epochs": 1}))
    job = TransferJob(data=data, progress=False, cache_dir=tmp_path / "cache", models_dir=TEST_HOME / "models",
                      image_size=128, recipe="finetune", head_epochs=3, seed=7)
    result = job.run()
    assert [row["phase"] for row in result.history] == [1] * (len(result.history) - 1) + [2]
    assert job.meta.extra["phases"]["phase1"]["best_epoch"] is not None
    assert job.meta.extra["recipe_settings"]["head_epochs"] == 3 and job.settings()["head_epochs"] == 3
    assert len(starts) == 2
    assert np.array_equal(starts[1], ends[0])          # phase 2 began with phase 1's kept classifier
    assert not np.array_equal(starts[0], ends[0])      # which phase 1 trained
