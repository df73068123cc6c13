"""Fine-tuning augmentations: reproducible, the right size, really random across views, flips exact."""

import numpy as np
import pytest

from pydl4j_transfer.data.augment import HorizontalFlip, RandomResizedCrop


def image(h=90, w=120):
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (h, w, 3), dtype=np.uint8)


def test_random_resized_crop_is_seeded_per_view_and_image():
    img = image()
    a = RandomResizedCrop(seed=1, epoch=0).apply(img, 64, index=3)
    assert a.shape == (64, 64, 3) and a.dtype == np.uint8
    np.testing.assert_array_equal(a, RandomResizedCrop(seed=1, epoch=0).apply(img, 64, index=3))
    assert not np.array_equal(a, RandomResizedCrop(seed=1, epoch=1).apply(img, 64, index=3))
    assert not np.array_equal(a, RandomResizedCrop(seed=1, epoch=0).apply(img, 64, index=4))
    assert RandomResizedCrop(seed=1, epoch=0).cache_tag != RandomResizedCrop(seed=1, epoch=1).cache_tag


def test_jitter_changes_colours_mildly_and_can_be_off():
    img = np.full((80, 80, 3), 120, np.uint8)
    plain = RandomResizedCrop(seed=2, jitter=0.0, flip=False).apply(img, 32, 0)
    np.testing.assert_array_equal(plain, np.full((32, 32, 3), 120, np.uint8))
    means = [RandomResizedCrop(seed=2, epoch=v).apply(img, 32, 0).mean() for v in range(8)]
    assert max(means) - min(means) > 5
    assert 120 * 0.75 < min(means) and max(means) < 120 * 1.25


def test_flip_is_a_mirror():
    img = image(40, 40)
    np.testing.assert_array_equal(HorizontalFlip().apply(img, 40, 0), img[:, ::-1])
    assert HorizontalFlip().decode_size(40) == 40


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="min_scale"):
        RandomResizedCrop(seed=0, min_scale=0.0)
    with pytest.raises(ValueError, match="jitter"):
        RandomResizedCrop(seed=0, jitter=1.5)
