import numpy as np
import pytest

from pydl4j_transfer.data.preprocess import SPECS, PreprocessSpec, get_spec, preprocess_batch


def batch():
    data = np.zeros((2, 3, 4, 3), dtype=np.uint8)
    data[0, :, :, 0], data[0, :, :, 1], data[0, :, :, 2] = 255, 127, 0
    data[1] = 200
    data[1, 2, 3] = (10, 20, 30)
    return data


def test_imagenet_vgg_subtracts_rgb_means_without_scaling():
    out = preprocess_batch(batch(), "imagenet_vgg")
    assert out.shape == (2, 3, 3, 4) and out.dtype == np.float32 and out.flags.c_contiguous
    np.testing.assert_allclose(out[0, :, 0, 0], [255 - 123.68, 127 - 116.779, 0 - 103.939], rtol=1e-6)
    np.testing.assert_allclose(out[1, :, 2, 3], [10 - 123.68, 20 - 116.779, 30 - 103.939], rtol=1e-6)


def test_efficientnet_lite_maps_to_about_minus_one_to_one():
    out = preprocess_batch(batch(), "efficientnet_lite")
    np.testing.assert_allclose(out[0, :, 1, 1], [1.0, 0.0, -127 / 128], rtol=1e-7)
    np.testing.assert_allclose(out[1, :, 0, 0], [73 / 128] * 3, rtol=1e-7)


def test_scale_0_1_divides_by_255_exactly():
    out = preprocess_batch(batch(), "scale_0_1")
    assert out[0, 0, 0, 0] == 1.0 and out[0, 2, 0, 0] == 0.0
    assert out[0, 1, 0, 0] == np.float32(127) / np.float32(255)


def test_layout_is_nchw():
    data = np.arange(2 * 2 * 2 * 3, dtype=np.uint8).reshape(2, 2, 2, 3)
    out = preprocess_batch(data, "scale_0_1") * 255
    np.testing.assert_allclose(out, data.transpose(0, 3, 1, 2).astype(np.float32), rtol=1e-6)


def test_bgr_order_swaps_channels_before_normalising():
    spec = PreprocessSpec("bgr", mean=(1.0, 2.0, 3.0), std=(1.0, 1.0, 1.0), channel_order="BGR")
    out = spec.apply(batch())
    np.testing.assert_allclose(out[0, :, 0, 0], [0 - 1, 127 - 2, 255 - 3])


def test_fingerprints_are_stable_distinct_and_track_the_numbers():
    prints = {name: spec.fingerprint() for name, spec in SPECS.items()}
    assert len(set(prints.values())) == len(SPECS)
    assert all(fp.startswith(name + "-") for name, fp in prints.items())
    again = PreprocessSpec("imagenet_vgg", mean=(123.68, 116.779, 103.939), std=(1, 1, 1))
    assert again.fingerprint() == prints["imagenet_vgg"]
    changed = PreprocessSpec("imagenet_vgg", mean=(123.68, 116.779, 103.94), std=(1, 1, 1))
    assert changed.fingerprint() != prints["imagenet_vgg"]
    assert prints["imagenet_vgg"] == "imagenet_vgg-" + prints["imagenet_vgg"].split("-")[1]
    assert len(prints["imagenet_vgg"].split("-")[1]) == 12


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="unknown preprocessing 'vgg'.*efficientnet_lite"):
        get_spec("vgg")
    with pytest.raises(TypeError, match="uint8"):
        preprocess_batch(np.zeros((1, 2, 2, 3), dtype=np.float32), "scale_0_1")
    with pytest.raises(ValueError, match=r"\(N, H, W, 3\)"):
        preprocess_batch(np.zeros((2, 2, 3), dtype=np.uint8), "scale_0_1")
    with pytest.raises(ValueError, match="std"):
        PreprocessSpec("zero", mean=(0, 0, 0), std=(1, 0, 1))
    with pytest.raises(ValueError, match="channel_order"):
        PreprocessSpec("odd", mean=(0, 0, 0), std=(1, 1, 1), channel_order="GBR")
    assert get_spec(SPECS["scale_0_1"]) is SPECS["scale_0_1"]
