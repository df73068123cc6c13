"""Numpy reference forward pass of EfficientNet-Lite0/1/2, the oracle the Java engine is checked against.

Weights are a flat dict in the engine's naming, ``{vertex}_{param}`` (see ``pydl4j_transfer.weights.mapping``):
``stem_conv_W`` [32, 3, 3, 3], ``stem_bn_gamma|beta|mean|var``, per block ``blocks_{s}_{r}_expand_conv_W``,
``..._expand_bn_*``, ``..._dw_conv_W`` [C, 1, k, k], ``..._dw_bn_*``, ``..._project_conv_W``, ``..._project_bn_*``,
then ``head_conv_W``, ``head_bn_*``, ``fc_W`` [1280, 1000], ``fc_b``. The architecture comes from
``efficientnet_lite_arch``.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from pydl4j_transfer.weights.efficientnet_lite_arch import BN_EPS, INPUT_MEAN, INPUT_STD, expand_blocks, variant_table

from . import ops


def _param(weights: Mapping[str, np.ndarray], key: str) -> np.ndarray:
    try:
        return weights[key]
    except KeyError:
        raise KeyError(f"EfficientNet-Lite weights lack {key!r}; map the source file with "
                       "pydl4j_transfer.weights.mapping.efficientnet_lite_from_torch") from None


def _bn(x, weights, vertex):
    return ops.batch_norm(x, _param(weights, f"{vertex}_gamma"), _param(weights, f"{vertex}_beta"),
                          _param(weights, f"{vertex}_mean"), _param(weights, f"{vertex}_var"), BN_EPS)


def _same_conv(x, w, stride):
    kh, kw = w.shape[2], w.shape[3]
    top, bottom = ops.same_padding(x.shape[2], kh, stride)
    left, right = ops.same_padding(x.shape[3], kw, stride)
    return top, bottom, left, right


def _mbconv(x, weights, block):
    p = block["prefix"]
    inputs = x
    if block["expand"] != 1:
        x = ops.conv2d(x, _param(weights, f"{p}_expand_conv_W"))
        x = ops.relu6(_bn(x, weights, f"{p}_expand_bn"))
    w = _param(weights, f"{p}_dw_conv_W")
    x = ops.depthwise_conv2d(x, w, block["stride"], _same_conv(x, w, block["stride"]))
    x = ops.relu6(_bn(x, weights, f"{p}_dw_bn"))
    x = ops.conv2d(x, _param(weights, f"{p}_project_conv_W"))
    x = _bn(x, weights, f"{p}_project_bn")
    if block["residual"]:
        x = x + inputs
    return x


def _check_blocks(weights: Mapping[str, np.ndarray], variant: str, blocks: list[dict]) -> None:
    expected = {b["prefix"] for b in blocks}
    found = {"_".join(k.split("_")[:3]) for k in weights if k.startswith("blocks_")}
    if found != expected:
        raise ValueError(f"weights hold blocks {sorted(found - expected) or sorted(expected - found)} that "
                         f"{variant} {'lacks' if found - expected else 'needs'}; are they for another variant?")


def features(x: np.ndarray, weights: Mapping[str, np.ndarray], variant: str) -> np.ndarray:
    """Normalised NCHW input -> head activations [N, 1280, h, w] (after head_bn and relu6)."""
    variant_table(variant)
    blocks = expand_blocks(variant)
    _check_blocks(weights, variant, blocks)
    w = _param(weights, "stem_conv_W")
    x = ops.conv2d(x, w, stride=2, padding=_same_conv(x, w, 2))
    x = ops.relu6(_bn(x, weights, "stem_bn"))
    for block in blocks:
        x = _mbconv(x, weights, block)
    x = ops.conv2d(x, _param(weights, "head_conv_W"))
    return ops.relu6(_bn(x, weights, "head_bn"))


def forward(x: np.ndarray, weights: Mapping[str, np.ndarray], variant: str, dtype=np.float32) -> np.ndarray:
    """Normalised NCHW input [N, 3, H, W] -> logits [N, classes], computed in ``dtype``."""
    if x.ndim != 4 or x.shape[1] != 3:
        raise ValueError(f"EfficientNet-Lite expects NCHW input with 3 channels, got shape {x.shape}")
    x = np.asarray(x, dtype=dtype)
    pooled = ops.global_avg_pool(features(x, weights, variant))
    return ops.dense(pooled, _param(weights, "fc_W"), _param(weights, "fc_b"))


def preprocess(rgb_uint8: np.ndarray) -> np.ndarray:
    """HWC RGB image in [0, 255] (already resized) -> NCHW float32 batch of one, ``(x - 127) / 128``."""
    if rgb_uint8.ndim != 3 or rgb_uint8.shape[2] != 3:
        raise ValueError(f"expected an HWC RGB image, got shape {rgb_uint8.shape}")
    x = (np.asarray(rgb_uint8, dtype=np.float32) - np.float32(INPUT_MEAN)) / np.float32(INPUT_STD)
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None])
