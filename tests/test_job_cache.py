"""Featurize once: a second job with the same data and model decodes and featurizes nothing; an edited file is
featurized again; augmented views are cached under their own key."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from PIL import Image

from job_support import TEST_HOME, small_flowers

from pydl4j_transfer.featurize import dedupe_by_content
from pydl4j_transfer.job import TransferJob
from pydl4j_transfer.data import scan_image_folder


def _job(data, cache, **kwargs):
    return TransferJob(data=data, epochs=kwargs.pop("epochs", 3), progress=False, cache_dir=cache,
                       models_dir=TEST_HOME / "models", **kwargs)


def test_second_run_featurizes_nothing_and_an_edited_file_is_redone(jvm, tmp_path):
    data = small_flowers(tmp_path / "data", per_class=6)
    cache = tmp_path / "features"
    first = _job(data, cache).run()
    assert first.counts["images"] == 30
    assert first.counts["decoded"] == first.counts["featurized"] == 30
    assert first.counts["cache_hits"] == 0

    second = _job(data, cache).run()
    assert second.counts["decoded"] == second.counts["featurized"] == 0
    assert second.counts["cache_hits"] == 30
    assert second.accuracy == first.accuracy           # same seed, same features: same head

    # replace one link by an edited copy of the image: only that file misses
    victim = sorted((data / "roses").iterdir())[0]
    original = victim.resolve()
    victim.unlink()
    with Image.open(original) as image:
        image.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(victim, quality=90)
    third = _job(data, cache).run()
    assert third.counts["featurized"] == 1
    assert third.counts["cache_hits"] == 29

    # another feature vertex is another cache namespace (and its 1280x7x7 maps feed the trainable avg_pool + fc)
    other = _job(data, cache, feature_extractor="head_act", epochs=2).run()
    assert other.counts["cache_hits"] == 0 and other.counts["featurized"] == 30
    assert other.settings["feature_extractor"] == "head_act"


def test_augmented_views_are_cached_separately(jvm, tmp_path):
    data = small_flowers(tmp_path / "data", per_class=3)
    cache = tmp_path / "features"
    plain = _job(data, cache, epochs=2).run()
    augmented = _job(data, cache, epochs=2, augment=True).run()
    n_train, n_test, n_val = plain.counts["train"], plain.counts["test"], plain.counts["validation"]
    # test and validation splits: cached plain vectors; train split: 3 augmented views, each featurized once
    assert augmented.counts["cache_hits"] == n_test + n_val
    assert augmented.counts["featurized"] == 3 * n_train
    again = _job(data, cache, epochs=2, augment=True).run()
    assert again.counts["featurized"] == 0


def test_byte_identical_copies_are_dropped(tmp_path):
    data = small_flowers(tmp_path / "data", per_class=3)
    daisy = sorted((data / "daisy").iterdir())[0]
    shutil.copy(daisy.resolve(), data / "daisy" / "copy.jpg")           # same class: the copy goes
    shutil.copy(daisy.resolve(), data / "tulips" / "confusing.jpg")     # another class: all copies go
    folder, hashes, dropped = dedupe_by_content(scan_image_folder(data))
    names = {str(p) for p in folder.paths}
    assert str(daisy) not in names and str(data / "tulips" / "confusing.jpg") not in names
    assert str(data / "daisy" / "copy.jpg") not in names
    assert len(folder) == 15 - 1
    reasons = {d["path"]: d["reason"] for d in dropped}
    assert "conflicting labels" in reasons[str(data / "tulips" / "confusing.jpg")]
    assert len(hashes) == 17
    assert np.unique(list(hashes.values())).size == 15


def test_a_saved_run_is_a_base_model_for_new_classes(jvm, tmp_path):
    """model=<model.zip>: the saved frozen part and preprocessing are reused (same cache key), the head replaced."""
    data = small_flowers(tmp_path / "data", per_class=4)
    cache = tmp_path / "features"
    job = _job(data, cache, epochs=2)
    job.run()
    saved = job.save(tmp_path / "run" / "model.zip")
    three = tmp_path / "three"
    three.mkdir()
    for name in ("daisy", "roses", "tulips"):
        (three / name).symlink_to(data / name, target_is_directory=True)
    again = _job(three, cache, model=saved, epochs=2)
    result = again.run()
    assert result.labels == ["daisy", "roses", "tulips"]
    assert result.counts["featurized"] == 0 and result.counts["cache_hits"] == 12
    assert again.meta.model == "efficientnet-lite0" and again.meta.feature_vertex == "avg_pool"
    probs = again.predict([sorted((data / "roses").iterdir())[0]], top_k=3)[0]["predictions"]
    assert sorted(p["label"] for p in probs) == ["daisy", "roses", "tulips"]


def test_unfreeze_fine_tunes_the_last_block_on_cached_maps(jvm, tmp_path):
    """unfreeze=1 on EfficientNet-Lite0: head_conv/head_bn train too, fed from cached blocks_6_0 output maps."""
    from pydl4j_transfer import engine

    data = small_flowers(tmp_path / "data", per_class=3)
    cache = tmp_path / "features"
    job = _job(data, cache, unfreeze=1, epochs=2)
    job._prepare(5, ["daisy", "dandelion", "roses", "sunflowers", "tulips"])     # the pretrained values
    before = engine.jvm.to_numpy(job.graph.getLayer("head_conv").getParam("W"), copy=True)
    result = job.run()
    assert job.meta.feature_vertex == "blocks_6_0_project_bn"
    assert result.counts["featurized"] == 15
    assert job._helper.feature_shape() == (320, 7, 7)
    counts = engine.param_counts(job.graph)
    assert counts["trainable"] == 320 * 1280 + 2 * 1280 + 1280 * 5 + 5     # head_conv W, head_bn gamma/beta, fc
    after = engine.jvm.to_numpy(job.graph.getLayer("head_conv").getParam("W"), copy=True)
    assert not np.array_equal(before, after)
    with pytest.raises(ValueError, match="either feature_extractor or unfreeze"):
        _job(data, cache, unfreeze=1, feature_extractor="avg_pool")
