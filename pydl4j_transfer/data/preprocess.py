"""Per-model input preprocessing, described as data.

A :class:`PreprocessSpec` maps a ``uint8`` NHWC RGB batch to a ``float32`` NCHW batch as
``(x - mean[c]) / std[c]`` per channel (after an optional RGB -> BGR swap). Specs:

- ``imagenet_vgg``: DL4J's ``VGG16ImagePreProcessor`` -- subtract the ImageNet RGB means
  (123.68, 116.779, 103.939), no scaling, RGB order.
- ``efficientnet_lite``: ``(x - 127) / 128`` per channel.
- ``scale_0_1``: DL4J's ``ImagePreProcessingScaler(0, 1)`` -- ``x / 255``.

:meth:`PreprocessSpec.fingerprint` is a stable string identifying the exact arithmetic; it is part of
feature-cache keys, so any change to a spec invalidates cached features.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np

CHANNEL_ORDERS = ("RGB", "BGR")


@dataclass(frozen=True)
class PreprocessSpec:
    name: str
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    channel_order: str = "RGB"

    def __post_init__(self):
        if len(self.mean) != 3 or len(self.std) != 3:
            raise ValueError(f"preprocessing spec {self.name!r}: mean and std need 3 values (R, G, B)")
        if any(s == 0 for s in self.std):
            raise ValueError(f"preprocessing spec {self.name!r}: std values must be non-zero, got {self.std}")
        if self.channel_order not in CHANNEL_ORDERS:
            raise ValueError(f"preprocessing spec {self.name!r}: channel_order must be one of {CHANNEL_ORDERS}")

    def fingerprint(self) -> str:
        """``<name>-<12 hex digits>``: the same for the same arithmetic, on any machine and Python run."""
        canonical = json.dumps({
            "name": self.name, "mean": [float(m) for m in self.mean], "std": [float(s) for s in self.std],
            "channel_order": self.channel_order, "layout": "NCHW", "dtype": "float32",
        }, sort_keys=True)
        return f"{self.name}-{hashlib.sha1(canonical.encode('utf-8')).hexdigest()[:12]}"

    def apply(self, batch: np.ndarray) -> np.ndarray:
        """``uint8`` (N, H, W, 3) RGB -> ``float32`` (N, 3, H, W)."""
        return preprocess_batch(batch, self)


SPECS: dict[str, PreprocessSpec] = {
    "imagenet_vgg": PreprocessSpec("imagenet_vgg", mean=(123.68, 116.779, 103.939), std=(1.0, 1.0, 1.0)),
    "efficientnet_lite": PreprocessSpec("efficientnet_lite", mean=(127.0, 127.0, 127.0), std=(128.0, 128.0, 128.0)),
    "scale_0_1": PreprocessSpec("scale_0_1", mean=(0.0, 0.0, 0.0), std=(255.0, 255.0, 255.0)),
}


def get_spec(name: str | PreprocessSpec) -> PreprocessSpec:
    """The spec called ``name`` (a spec passes through unchanged)."""
    if isinstance(name, PreprocessSpec):
        return name
    try:
        return SPECS[name]
    except KeyError:
        raise ValueError(f"unknown preprocessing {name!r}; choose one of {sorted(SPECS)}") from None


def preprocess_batch(batch: np.ndarray, spec: str | PreprocessSpec) -> np.ndarray:
    """Apply ``spec`` to a ``uint8`` NHWC RGB batch, returning a C-contiguous ``float32`` NCHW array."""
    spec = get_spec(spec)
    array = np.asarray(batch)
    if array.dtype != np.uint8:
        raise TypeError(f"preprocess_batch: expected a uint8 batch, got dtype {array.dtype}")
    if array.ndim != 4 or array.shape[-1] != 3:
        raise ValueError(f"preprocess_batch: expected shape (N, H, W, 3), got {array.shape}")
    if spec.channel_order == "BGR":
        array = array[..., ::-1]
    out = np.ascontiguousarray(array.transpose(0, 3, 1, 2), dtype=np.float32)
    mean = np.asarray(spec.mean, dtype=np.float32).reshape(1, 3, 1, 1)
    std = np.asarray(spec.std, dtype=np.float32).reshape(1, 3, 1, 1)
    out -= mean
    if np.any(std != 1.0):
        out /= std
    return out
