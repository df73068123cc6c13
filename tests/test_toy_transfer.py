"""The toy transfer example: glyph-pretrained CNN, convolutions frozen, circles vs squares, against scratch."""

from __future__ import annotations

import numpy as np

from pydl4j_transfer.examples import toy_transfer


def test_glyphs_are_ten_balanced_distinct_classes():
    images, labels = toy_transfer.make_glyphs(200, seed=1)
    assert images.shape == (200, 1, 28, 28) and images.dtype == np.float32
    assert 0.0 <= images.min() and images.max() <= 1.0
    assert np.bincount(labels.argmax(1), minlength=10).tolist() == [20] * 10
    means = np.stack([images[labels.argmax(1) == d].mean(0) for d in range(10)])
    assert np.abs(means[1] - means[8]).mean() > 0.02        # a 1 and an 8 do not look alike


def test_transfer_and_scratch_curves_with_the_convolutions_frozen(jvm, tmp_path):
    result = toy_transfer.run(source_train=1500, source_epochs=4, target_train=64, target_validation=200, epochs=3,
                              out=tmp_path / "toy.png", verbose=False)
    assert result.source_accuracy > 0.5                       # chance is 0.1
    assert result.frozen_unchanged                           # the pretrained convolutions did not move
    for history in (result.transfer, result.scratch):
        assert [r["epoch"] for r in history] == [1, 2, 3]
        assert all(0.0 <= r["validation_accuracy"] <= 1.0 and np.isfinite(r["minibatch_loss"]) for r in history)
        assert history[-1]["minibatch_loss"] < history[0]["minibatch_loss"]     # both train
    assert result.chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and result.chart.stat().st_size > 10_000
