"""VGG-16 as plain data plus a numpy reference forward pass (NCHW), the oracle for the Java engine's VGG-16.

Weights are a flat dict in the engine's naming, ``{vertex}_{param}``: ``block1_conv1_W`` (OIHW) and
``block1_conv1_b`` ... ``block5_conv3_*``, and with the top ``fc1_W`` [C*H*W, 4096] whose rows are in (c, h, w)
order (the engine flattens CHW), ``fc2_*``, ``predictions_*``. Channel counts are read from the weights, so a
narrowed VGG (for tests) runs through the same code.

Layers: 3x3 convolutions, stride 1, padding 1 ("same"), ReLU; 2x2/2 max pooling after each block; then flatten,
fc1 and fc2 with ReLU, predictions with softmax.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from pydl4j_transfer.weights.vgg16_arch import CAFFE_BGR_MEAN, VGG16_CONV, VGG16_DENSE, VGG16_POOL_AFTER

from . import ops


def _param(weights, key):
    try:
        return weights[key]
    except KeyError:
        raise KeyError(f"VGG-16 weights lack {key!r}; map the Keras file with "
                       "pydl4j_transfer.weights.mapping.vgg16_from_keras") from None


def features(x: np.ndarray, weights: Mapping[str, np.ndarray]) -> np.ndarray:
    """NCHW input -> block5_pool output [N, 512, H/32, W/32]."""
    for name, _, _ in VGG16_CONV:
        x = ops.relu(ops.conv2d(x, _param(weights, f"{name}_W"), _param(weights, f"{name}_b"), 1, (1, 1, 1, 1)))
        if name in VGG16_POOL_AFTER:
            x = ops.max_pool2d(x, 2, 2)
    return x


def forward(x: np.ndarray, weights: Mapping[str, np.ndarray], dtype=np.float32) -> np.ndarray:
    """Full VGG-16: NCHW input -> class probabilities [N, classes] (or block5_pool features if the top is absent)."""
    if x.ndim != 4:
        raise ValueError(f"VGG-16 expects NCHW input, got shape {x.shape}")
    x = features(np.asarray(x, dtype=dtype), weights)
    if "fc1_W" not in weights:
        return x
    x = ops.flatten_chw(x)
    for name, _, _, activation in VGG16_DENSE:
        x = ops.dense(x, _param(weights, f"{name}_W"), _param(weights, f"{name}_b"))
        x = ops.relu(x) if activation == "relu" else ops.softmax(x)
    return x


def preprocess(rgb_uint8: np.ndarray) -> np.ndarray:
    """HWC RGB image in [0, 255] (already resized) -> NCHW float32 batch of one, Keras "caffe" style (BGR, means)."""
    if rgb_uint8.ndim != 3 or rgb_uint8.shape[2] != 3:
        raise ValueError(f"expected an HWC RGB image, got shape {rgb_uint8.shape}")
    bgr = np.asarray(rgb_uint8, dtype=np.float32)[:, :, ::-1] - np.asarray(CAFFE_BGR_MEAN, dtype=np.float32)
    return np.ascontiguousarray(bgr.transpose(2, 0, 1)[None])
