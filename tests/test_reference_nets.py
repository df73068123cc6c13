"""The numpy reference networks: building blocks against naive loops, the EfficientNet-Lite table against the
scaling rules and the real weight files, and the ImageNet sanity facts with the real EfficientNet-Lite0 weights."""

import math

import numpy as np
import pytest
import skimage.data
from PIL import Image

from pydl4j_transfer.weights.efficientnet_lite_arch import BN_EPS, EFFICIENTNET_LITE, expand_blocks, variant_table
from pydl4j_transfer.weights import (WeightFormatError, WeightMappingError, efficientnet_lite_from_torch,
                                     efficientnet_lite_key_map, efficientnet_lite_pth, read_torch_state_dict,
                                     split_param_key, verify_sha256)
from support.reference import efficientnet_lite as enet
from support.reference import ops

# ---------------------------------------------------------------- building blocks


def naive_conv(x, w, stride, pad):
    """Direct 7-loop-equivalent convolution in float64; pad = (top, bottom, left, right)."""
    x = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[1]), (pad[2], pad[3])))
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
    y = np.zeros((n, o, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            y[:, :, i, j] = np.tensordot(patch, w, axes=([1, 2, 3], [1, 2, 3]))
    return y


@pytest.mark.parametrize("size,kernel,stride,expected", [
    (224, 3, 2, (0, 1)), (112, 3, 1, (1, 1)), (15, 5, 2, (2, 2)), (30, 5, 2, (1, 2)), (8, 1, 1, (0, 0)),
    (7, 3, 2, (1, 1)), (60, 3, 2, (0, 1)),
])
def test_same_padding_puts_the_odd_pixel_last(size, kernel, stride, expected):
    assert ops.same_padding(size, kernel, stride) == expected
    before, after = expected
    assert (size + before + after - kernel) // stride + 1 == math.ceil(size / stride)


@pytest.mark.parametrize("stride,kernel,size", [(1, 3, 7), (2, 3, 8), (2, 5, 9), (1, 1, 5), (2, 1, 6)])
def test_conv2d_matches_naive_loops(stride, kernel, size):
    rng = np.random.default_rng(stride * 10 + kernel)
    x = rng.standard_normal((2, 3, size, size + 1))
    w = rng.standard_normal((4, 3, kernel, kernel))
    b = rng.standard_normal(4)
    pad = ops.same_padding(size, kernel, stride) + ops.same_padding(size + 1, kernel, stride)
    got = ops.conv2d(x, w, b, stride, pad)
    np.testing.assert_allclose(got, naive_conv(x, w, stride, pad) + b.reshape(1, -1, 1, 1), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("stride,kernel", [(1, 3), (2, 3), (1, 5), (2, 5)])
def test_depthwise_conv_matches_per_channel_naive_conv(stride, kernel):
    rng = np.random.default_rng(kernel + stride)
    x = rng.standard_normal((2, 5, 11, 10))
    w = rng.standard_normal((5, 1, kernel, kernel))
    pad = ops.same_padding(11, kernel, stride) + ops.same_padding(10, kernel, stride)
    got = ops.depthwise_conv2d(x, w, stride, pad)
    for ch in range(5):
        want = naive_conv(x[:, ch:ch + 1], w[ch:ch + 1], stride, pad)[:, 0]
        np.testing.assert_allclose(got[:, ch], want, rtol=1e-12, atol=1e-12)


def test_batch_norm_pool_and_activations():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 4, 4)).astype(np.float32)
    gamma, beta, mean, var = (rng.random(3).astype(np.float32) + 0.5 for _ in range(4))
    got = ops.batch_norm(x, gamma, beta, mean, var, 1e-3)
    c = (slice(None), None, None)
    want = (x - mean[c]) / np.sqrt(var[c] + 1e-3) * gamma[c] + beta[c]
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert ops.relu6(np.array([-1.0, 3.0, 7.0])).tolist() == [0.0, 3.0, 6.0]
    pooled = ops.max_pool2d(np.arange(16.0).reshape(1, 1, 4, 4))
    assert pooled[0, 0].tolist() == [[5.0, 7.0], [13.0, 15.0]]
    np.testing.assert_allclose(ops.softmax(np.array([[0.0, math.log(3.0)]])), [[0.25, 0.75]])


# ---------------------------------------------------------------- architecture table


def _round_filters(filters, width, divisor=8):
    filters *= width
    new = max(divisor, int(filters + divisor / 2) // divisor * divisor)
    return int(new + divisor if new < 0.9 * filters else new)


LITE_BASE = [(1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40), (3, 3, 2, 6, 40, 80),
             (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192), (1, 3, 1, 6, 192, 320)]


@pytest.mark.parametrize("variant", list(EFFICIENTNET_LITE))
def test_table_follows_the_lite_scaling_rules(variant):
    table = variant_table(variant)
    width, depth = table["width_coefficient"], table["depth_coefficient"]
    derived = []
    for i, (r, k, s, e, cin, cout) in enumerate(LITE_BASE):
        first_or_last = i in (0, len(LITE_BASE) - 1)  # Lite keeps stem, head and their stages' repeats
        repeats = r if first_or_last else math.ceil(depth * r)
        cin = 32 if i == 0 else _round_filters(cin, width)
        derived.append((repeats, k, s, e, cin, _round_filters(cout, width)))
    assert table["stages"] == derived
    for prev, nxt in zip(table["stages"], table["stages"][1:], strict=False):
        assert prev[5] == nxt[4]


@pytest.mark.parametrize("variant,blocks,keys", [
    ("efficientnet-lite0", 16, 296), ("efficientnet-lite1", 21, 386), ("efficientnet-lite2", 21, 386)])
def test_table_matches_the_real_weight_files(variant, blocks, keys):
    state = read_torch_state_dict(efficientnet_lite_pth(variant))
    assert len(state) == keys
    assert len(expand_blocks(variant)) == blocks
    assert len({k.split(".")[1] for k in state if k.startswith("_blocks.")}) == blocks
    params = efficientnet_lite_from_torch(state, variant, source=variant)  # checks every shape against the table
    bn_layers = 2 + 3 * blocks - 1  # stem, head, three per block but the first (no expansion)
    assert len(params) == keys - bn_layers  # every num_batches_tracked dropped
    assert params["fc_W"].shape == (1280, 1000)
    np.testing.assert_array_equal(params["fc_W"], state["_fc.weight"].T)
    for key in params:
        vertex, param = split_param_key(key)
        assert vertex and param in ("W", "b", "gamma", "beta", "mean", "var")


def test_mapping_refuses_the_wrong_variant_and_missing_tensors():
    lite1 = read_torch_state_dict(efficientnet_lite_pth("efficientnet-lite1"))
    with pytest.raises(WeightMappingError, match="unknown to efficientnet-lite0"):
        efficientnet_lite_from_torch(lite1, "efficientnet-lite0", source="lite1.pth")
    lite0 = read_torch_state_dict(efficientnet_lite_pth("efficientnet-lite0"))
    del lite0["_blocks.3._bn1.running_var"]
    with pytest.raises(WeightMappingError, match=r"'_blocks.3._bn1.running_var' for blocks_2_0_dw_bn_var is missing"):
        efficientnet_lite_from_torch(lite0, "efficientnet-lite0")
    with pytest.raises(ValueError, match="unknown EfficientNet-Lite variant 'efficientnet-lite9'"):
        efficientnet_lite_key_map("efficientnet-lite9")


def test_checksum_mismatch_names_the_file(tmp_path):
    path = tmp_path / "copy.pth"
    path.write_bytes(efficientnet_lite_pth("efficientnet-lite0").read_bytes()[:-1])
    with pytest.raises(WeightFormatError, match="copy.pth: SHA-256 mismatch"):
        verify_sha256(path, "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db")


def test_bn_eps_is_the_one_the_weights_were_trained_with():
    assert BN_EPS == 1e-3  # efficientnet-lite-pytorch: batch_norm_epsilon=1e-3 (TF's default for EfficientNet)


# ---------------------------------------------------------------- ImageNet sanity facts


def _imagenet_input(name, size):
    rgb = getattr(skimage.data, name)()
    resized = np.asarray(Image.fromarray(rgb).resize((size, size), Image.BILINEAR))
    return enet.preprocess(resized)


@pytest.fixture(scope="module")
def lite0_params():
    path = efficientnet_lite_pth("efficientnet-lite0")
    return efficientnet_lite_from_torch(read_torch_state_dict(path), "efficientnet-lite0", source=str(path))


@pytest.mark.parametrize("image,cls,prob", [("chelsea", 285, 0.79), ("coffee", 967, 0.90)])
def test_lite0_classifies_the_sample_images(lite0_params, image, cls, prob):
    x = _imagenet_input(image, 224)
    assert x.shape == (1, 3, 224, 224) and x.dtype == np.float32
    p = ops.softmax(enet.forward(x, lite0_params, "efficientnet-lite0"))[0]
    assert int(np.argmax(p)) == cls
    assert abs(p[cls] - prob) <= 0.05


def test_lite0_float32_agrees_with_float64(lite0_params):
    x = _imagenet_input("coffee", 224)
    z32 = enet.forward(x, lite0_params, "efficientnet-lite0")
    z64 = enet.forward(x, lite0_params, "efficientnet-lite0", dtype=np.float64)
    assert z32.dtype == np.float32 and z64.dtype == np.float64
    np.testing.assert_allclose(z32, z64, atol=2e-3)


@pytest.mark.parametrize("variant", ["efficientnet-lite1", "efficientnet-lite2"])
def test_lite1_and_lite2_agree_on_the_sample_images(variant):
    path = efficientnet_lite_pth(variant)
    params = efficientnet_lite_from_torch(read_torch_state_dict(path), variant)
    size = variant_table(variant)["resolution"]
    x = np.concatenate([_imagenet_input("chelsea", size), _imagenet_input("coffee", size)])
    top1 = np.argmax(enet.forward(x, params, variant), axis=1)
    assert top1.tolist() == [285, 967]


def test_forward_refuses_weights_of_another_variant(lite0_params):
    with pytest.raises(ValueError, match="efficientnet-lite1 needs"):
        enet.forward(np.zeros((1, 3, 32, 32), np.float32), lite0_params, "efficientnet-lite1")
    with pytest.raises(ValueError, match="NCHW input with 3 channels"):
        enet.forward(np.zeros((1, 32, 32, 3), np.float32), lite0_params, "efficientnet-lite0")


def test_preprocess_is_minus_127_over_128():
    rgb = np.array([[[0, 127, 255]]], dtype=np.uint8)
    x = enet.preprocess(rgb)
    assert x.shape == (1, 3, 1, 1)
    np.testing.assert_allclose(x.ravel(), [-127 / 128, 0.0, 1.0])
