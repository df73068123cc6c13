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

from . import ops

# (vertex, in_channels, out_channels) of the 13 convolutions, in order; a pool follows the last of each block.
VGG16_CONV = (
    ("block1_conv1", 3, 64), ("block1_conv2", 64, 64),
    ("block2_conv1", 64, 128), ("block2_conv2", 128, 128),
    ("block3_conv1", 128, 256), ("block3_conv2", 256, 256), ("block3_conv3", 256, 256),
    ("block4_conv1", 256, 512), ("block4_conv2", 512, 512), ("block4_conv3", 512, 512),
    ("block5_conv1", 512, 512), ("block5_conv2", 512, 512), ("block5_conv3", 512, 512),
)
VGG16_POOL_AFTER = ("block1_conv2", "block2_conv2", "block3_conv3", "block4_conv3", "block5_conv3")
# (vertex, nIn, nOut, activation) of the top, for 224x224 input (7x7x512 after block5's pool).
VGG16_DENSE = (("fc1", 7 * 7 * 512, 4096, "relu"), ("fc2", 4096, 4096, "relu"), ("predictions", 4096, 1000, "softmax"))

# Keras' "caffe" preprocessing for VGG-16: RGB -> BGR, then subtract these per-channel means (B, G, R).
CAFFE_BGR_MEAN = (103.939, 116.779, 123.68)


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
