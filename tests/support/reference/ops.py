"""Plain numpy building blocks of the reference networks (NCHW, conv weights OIHW, dense weights [nIn, nOut]).

Written for clarity first; vectorised enough (im2col + matmul, depthwise as a sum over kernel taps) that a 224x224
image runs through VGG-16 or EfficientNet-Lite in seconds. Every function computes in the dtype of its input
(float32 or float64).
"""

from __future__ import annotations

import math

import numpy as np


def same_padding(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TF "SAME" padding of one spatial axis: (before, after), the odd pixel after (bottom/right)."""
    out = math.ceil(size / stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def pad_nchw(x: np.ndarray, top: int, bottom: int, left: int, right: int) -> np.ndarray:
    if top == bottom == left == right == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))


def _windows(x: np.ndarray, kh: int, kw: int, stride: int) -> np.ndarray:
    """View of shape [N, C, OH, OW, kh, kw] over an already padded input."""
    win = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(2, 3))
    return win[:, :, ::stride, ::stride]


def conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None, stride: int = 1,
           padding: tuple[int, int, int, int] = (0, 0, 0, 0)) -> np.ndarray:
    """Dense convolution. x [N, C, H, W], w [O, C, kh, kw], padding (top, bottom, left, right)."""
    o, c, kh, kw = w.shape
    if x.shape[1] != c:
        raise ValueError(f"conv2d: input has {x.shape[1]} channels, weights expect {c}")
    x = pad_nchw(x, *padding)
    w = w.astype(x.dtype, copy=False)
    if kh == kw == 1:
        xs = x[:, :, ::stride, ::stride]
        n, _, oh, ow = xs.shape
        y = (w[:, :, 0, 0] @ xs.reshape(n, c, oh * ow)).reshape(n, o, oh, ow)
    else:
        win = _windows(x, kh, kw, stride)  # N C OH OW kh kw
        n, _, oh, ow = win.shape[:4]
        cols = win.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, c * kh * kw)
        y = (cols @ w.reshape(o, c * kh * kw).T).reshape(n, oh, ow, o).transpose(0, 3, 1, 2)
    if b is not None:
        y = y + b.astype(x.dtype, copy=False).reshape(1, -1, 1, 1)
    return np.ascontiguousarray(y)


def depthwise_conv2d(x: np.ndarray, w: np.ndarray, stride: int = 1,
                     padding: tuple[int, int, int, int] = (0, 0, 0, 0)) -> np.ndarray:
    """Depthwise convolution (groups = channels, multiplier 1). x [N, C, H, W], w [C, 1, kh, kw]."""
    c, one, kh, kw = w.shape
    if one != 1 or x.shape[1] != c:
        raise ValueError(f"depthwise_conv2d: weights {w.shape} do not fit input {x.shape}")
    x = pad_nchw(x, *padding)
    oh = (x.shape[2] - kh) // stride + 1
    ow = (x.shape[3] - kw) // stride + 1
    w = w.astype(x.dtype, copy=False)
    y = np.zeros((x.shape[0], c, oh, ow), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            tap = x[:, :, i:i + stride * (oh - 1) + 1:stride, j:j + stride * (ow - 1) + 1:stride]
            y += tap * w[:, 0, i, j].reshape(1, c, 1, 1)
    return y


def batch_norm(x: np.ndarray, gamma, beta, mean, var, eps: float) -> np.ndarray:
    """Inference batch norm over channel axis 1."""
    dt = x.dtype
    scale = (np.asarray(gamma, dtype=dt) / np.sqrt(np.asarray(var, dtype=dt) + dt.type(eps))).reshape(1, -1, 1, 1)
    shift = np.asarray(beta, dtype=dt).reshape(1, -1, 1, 1) - np.asarray(mean, dtype=dt).reshape(1, -1, 1, 1) * scale
    return x * scale + shift


def relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0)


def relu6(x: np.ndarray) -> np.ndarray:
    return np.clip(x, 0, 6)


def max_pool2d(x: np.ndarray, kernel: int = 2, stride: int = 2) -> np.ndarray:
    """Max pooling without padding (floor of the output size), as VGG's 2x2/2 pools."""
    return _windows(x, kernel, kernel, stride).max(axis=(4, 5))


def global_avg_pool(x: np.ndarray) -> np.ndarray:
    """[N, C, H, W] -> [N, C]."""
    return x.mean(axis=(2, 3))


def dense(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """x [N, nIn] @ w [nIn, nOut] + b."""
    return x @ w.astype(x.dtype, copy=False) + b.astype(x.dtype, copy=False)


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def flatten_chw(x: np.ndarray) -> np.ndarray:
    """[N, C, H, W] -> [N, C*H*W] in (c, h, w) order, as DL4J's CnnToFeedForwardPreProcessor does."""
    return x.reshape(x.shape[0], -1)
