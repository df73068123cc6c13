"""Keras HDF5 reader and the VGG-16 mapping (HWIO -> OIHW, fc1 rows HWC -> CHW), on files in Keras' exact layout
with narrowed VGG-16 widths so that they stay small."""

import h5py
import numpy as np
import pytest

from pydl4j_transfer.weights import (WeightFormatError, WeightMappingError, read_keras_h5, vgg16_from_keras,
                                     write_keras_h5)
from pydl4j_transfer.weights.mapping import hwc_rows_to_chw
from support.reference import ops, vgg16

# Narrow VGG-16: same layer names and topology, few channels. 64x64 input -> block5_pool is 2x2x8.
WIDTHS = {1: 4, 2: 6, 3: 8, 4: 8, 5: 8}
INPUT = 64
FC = 16
CLASSES = 10


def narrow_vgg_layers(include_top=True, seed=0):
    """{layer: {kernel, bias}} in Keras order and layouts, weightless layers as empty dicts."""
    rng = np.random.default_rng(seed)
    layers = {"input_1": {}}
    cin = 3
    for name, _, _ in vgg16.VGG16_CONV:
        cout = WIDTHS[int(name[5])]
        layers[name] = {"kernel": (rng.standard_normal((3, 3, cin, cout)) * np.sqrt(2 / (9 * cin))).astype(np.float32),
                        "bias": (rng.standard_normal(cout) * 0.1).astype(np.float32)}
        if name in vgg16.VGG16_POOL_AFTER:
            layers[name.split("_")[0] + "_pool"] = {}
        cin = cout
    if include_top:
        side = INPUT // 32
        layers["flatten"] = {}
        for name, n_in, n_out in (("fc1", side * side * cin, FC), ("fc2", FC, FC), ("predictions", FC, CLASSES)):
            layers[name] = {"kernel": (rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)).astype(np.float32),
                            "bias": (rng.standard_normal(n_out) * 0.1).astype(np.float32)}
    return layers


def keras_forward_nhwc(image_nhwc, layers):
    """Independent Keras-style forward: NHWC, HWIO kernels applied tap by tap, HWC flatten."""
    x = image_nhwc.astype(np.float64)
    for name, _, _ in vgg16.VGG16_CONV:
        k, b = layers[name]["kernel"].astype(np.float64), layers[name]["bias"]
        n, h, w, _ = x.shape
        padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
        y = np.zeros((n, h, w, k.shape[3]))
        for i in range(3):
            for j in range(3):
                y += padded[:, i:i + h, j:j + w, :] @ k[i, j]
        x = np.maximum(y + b, 0)
        if name in vgg16.VGG16_POOL_AFTER:
            n, h, w, c = x.shape
            x = x.reshape(n, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))
    x = x.reshape(x.shape[0], -1)
    for name, act in (("fc1", "relu"), ("fc2", "relu"), ("predictions", "softmax")):
        x = x @ layers[name]["kernel"] + layers[name]["bias"]
        x = np.maximum(x, 0) if act == "relu" else ops.softmax(x)
    return x


@pytest.mark.parametrize("include_top", [True, False], ids=["full", "notop"])
def test_keras_layout_roundtrip_is_exact(tmp_path, include_top):
    layers = narrow_vgg_layers(include_top)
    path = tmp_path / "vgg16_weights.h5"
    write_keras_h5(path, layers)
    with h5py.File(path) as f:  # the layout Keras' save_weights produces
        assert f.attrs["layer_names"][0] == b"input_1"
        assert list(f["block1_conv1"].attrs["weight_names"]) == [b"block1_conv1/kernel:0", b"block1_conv1/bias:0"]
        assert f["block1_conv1"]["block1_conv1"]["kernel:0"].shape == (3, 3, 3, 4)
    got = read_keras_h5(path)
    weighted = [name for name, params in layers.items() if params]
    assert list(got) == weighted
    for name in weighted:
        assert list(got[name]) == ["kernel", "bias"]
        for short in ("kernel", "bias"):
            assert got[name][short].dtype == np.float32
            np.testing.assert_array_equal(got[name][short], layers[name][short])


def test_keras1_names_and_model_weights_group(tmp_path):
    rng = np.random.default_rng(5)
    kernel, bias = rng.standard_normal((3, 3, 3, 2)).astype(np.float32), rng.standard_normal(2).astype(np.float32)
    path = tmp_path / "full_model.h5"
    with h5py.File(path, "w") as f:
        root = f.create_group("model_weights")
        root.attrs["layer_names"] = np.array([b"block1_conv1", b"block1_pool"])
        g = root.create_group("block1_conv1")
        g.attrs["weight_names"] = np.array([b"block1_conv1_W_1:0", b"block1_conv1_b_1:0"])
        g.create_dataset("block1_conv1_W_1:0", data=kernel)
        g.create_dataset("block1_conv1_b_1:0", data=bias)
        root.create_group("block1_pool").attrs["weight_names"] = np.array([], dtype="S")
    got = read_keras_h5(path)
    assert list(got) == ["block1_conv1"]
    np.testing.assert_array_equal(got["block1_conv1"]["kernel"], kernel)
    np.testing.assert_array_equal(got["block1_conv1"]["bias"], bias)


def test_bad_h5_files_raise_weight_format_error(tmp_path):
    garbage = tmp_path / "garbage.h5"
    garbage.write_bytes(b"\x89HDF\r\n\x1a\n" + b"\0" * 40)
    with pytest.raises(WeightFormatError, match="garbage.h5: not a readable HDF5 file"):
        read_keras_h5(garbage)
    good = tmp_path / "good.h5"
    write_keras_h5(good, narrow_vgg_layers(False))
    data = good.read_bytes()
    cut = tmp_path / "cut.h5"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(WeightFormatError, match="cut.h5"):
        read_keras_h5(cut)
    plain = tmp_path / "plain.h5"
    with h5py.File(plain, "w") as f:
        f.create_dataset("x", data=np.zeros(3))
    with pytest.raises(WeightFormatError, match="plain.h5: no 'layer_names' attribute"):
        read_keras_h5(plain)
    with pytest.raises(WeightFormatError, match="absent.h5: file not found"):
        read_keras_h5(tmp_path / "absent.h5")


def test_fc1_rows_are_permuted_from_hwc_to_chw():
    rng = np.random.default_rng(9)
    h, w, c, n_out = 3, 2, 5, 4
    kernel = rng.standard_normal((h * w * c, n_out))
    fmap_chw = rng.standard_normal((c, h, w))
    keras_out = fmap_chw.transpose(1, 2, 0).reshape(-1) @ kernel      # Keras flattens HWC
    engine_out = fmap_chw.reshape(-1) @ hwc_rows_to_chw(kernel, h, w, c)  # the engine flattens CHW
    np.testing.assert_allclose(engine_out, keras_out, rtol=1e-12)
    # row (c, h, w) of the engine kernel is row (h, w, c) of Keras'
    permuted = hwc_rows_to_chw(kernel, h, w, c)
    np.testing.assert_array_equal(permuted[(4 * h + 2) * w + 1], kernel[(2 * w + 1) * c + 4])


def test_vgg16_mapping_layouts(tmp_path):
    layers = narrow_vgg_layers()
    path = tmp_path / "vgg.h5"
    write_keras_h5(path, layers)
    params = vgg16_from_keras(read_keras_h5(path), source=str(path))
    assert len(params) == 2 * 16
    k = layers["block2_conv1"]["kernel"]
    assert params["block2_conv1_W"].shape == (6, 4, 3, 3)
    assert params["block2_conv1_W"][5, 3, 0, 2] == k[0, 2, 3, 5]
    np.testing.assert_array_equal(params["fc2_W"], layers["fc2"]["kernel"])
    np.testing.assert_array_equal(params["predictions_b"], layers["predictions"]["bias"])
    notop = vgg16_from_keras(narrow_vgg_layers(include_top=False))
    assert len(notop) == 26 and "fc1_W" not in notop


def test_vgg16_reference_matches_keras_style_forward():
    layers = narrow_vgg_layers(seed=2)
    params = vgg16_from_keras(layers)
    image = np.random.default_rng(4).uniform(0, 255, (2, INPUT, INPUT, 3))
    x = np.stack([vgg16.preprocess(im)[0] for im in image])
    expected = keras_forward_nhwc(x.transpose(0, 2, 3, 1), layers)
    got64 = vgg16.forward(x, params, dtype=np.float64)
    got32 = vgg16.forward(x, params)
    assert got32.dtype == np.float32 and got32.shape == (2, CLASSES)
    np.testing.assert_allclose(got64, expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got32, expected, rtol=1e-3, atol=1e-6)
    notop_params = vgg16_from_keras(narrow_vgg_layers(False, seed=2))
    assert vgg16.forward(x, notop_params).shape == (2, 8, 2, 2)  # without the top: block5_pool features


def test_vgg16_preprocess_is_caffe_style():
    rgb = np.zeros((2, 2, 3), dtype=np.uint8)
    rgb[..., 0] = 200  # red
    x = vgg16.preprocess(rgb)
    assert x.shape == (1, 3, 2, 2)
    np.testing.assert_allclose(x[0, :, 0, 0], [-103.939, -116.779, 200 - 123.68], rtol=1e-6)


def test_vgg16_mapping_errors_name_the_problem():
    layers = narrow_vgg_layers()
    del layers["block3_conv2"]
    with pytest.raises(WeightMappingError, match="vgg.h5: layer 'block3_conv2' is missing"):
        vgg16_from_keras(layers, source="vgg.h5")
    layers = narrow_vgg_layers()
    del layers["fc2"]
    with pytest.raises(WeightMappingError, match="top layers partly present"):
        vgg16_from_keras(layers)
    layers = narrow_vgg_layers()
    layers["block2_conv1"]["kernel"] = layers["block2_conv1"]["kernel"][:, :, :3]
    with pytest.raises(WeightMappingError, match="block2_conv1 takes 3 channels, previous layer gives 4"):
        vgg16_from_keras(layers)
