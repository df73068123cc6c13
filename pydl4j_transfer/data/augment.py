"""Fine-tuning augmentations, applied while decoding (in the decode worker processes), reproducible per image.

:class:`RandomResizedCrop` is the usual ImageNet-style training view: a random window of 35-100% of the image area
and aspect ratio 3/4-4/3, resized to the input size, mirrored left-right with probability 1/2, with a mild colour
jitter (brightness, contrast, saturation each scaled by a factor in [1 - jitter, 1 + jitter]). :class:`HorizontalFlip`
is the deterministic mirror used for test-time flip averaging. Both follow :class:`~pydl4j_transfer.data.Augmentation`'s
interface (``decode_size``, ``apply(image, size, index)``), so the decoders and the feature cache take them as they
are; ``cache_tag`` names the view in feature-cache keys.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class RandomResizedCrop:
    """View ``epoch`` of a seeded random-resized-crop + flip + colour-jitter augmentation."""

    seed: int
    epoch: int = 0
    min_scale: float = 0.35
    jitter: float = 0.2
    flip: bool = True

    def __post_init__(self):
        if not 0.05 <= self.min_scale <= 1.0:
            raise ValueError(f"RandomResizedCrop.min_scale must be in [0.05, 1], got {self.min_scale!r}")
        if not 0.0 <= self.jitter < 1.0:
            raise ValueError(f"RandomResizedCrop.jitter must be in [0, 1), got {self.jitter!r}")

    @property
    def cache_tag(self) -> str:
        return f"rrc(seed={self.seed},view={self.epoch},scale={self.min_scale},jitter={self.jitter},flip={self.flip})"

    def decode_size(self, size: int) -> int:
        # decoded larger than the input, so that a small crop still has detail to resize from
        return int(round(size * 1.5))

    def apply(self, image: np.ndarray, size: int, index: int) -> np.ndarray:
        rng = np.random.default_rng([int(self.seed) & 0xFFFFFFFF, int(self.epoch), int(index), 0xA06])
        h, w = image.shape[:2]
        top, left, ch, cw = 0, 0, h, w
        for _ in range(10):   # as torchvision: retry until the window fits, else the whole image
            area = h * w * rng.uniform(self.min_scale, 1.0)
            ratio = math.exp(rng.uniform(math.log(3 / 4), math.log(4 / 3)))
            cw_try, ch_try = int(round(math.sqrt(area * ratio))), int(round(math.sqrt(area / ratio)))
            if 0 < cw_try <= w and 0 < ch_try <= h:
                ch, cw = ch_try, cw_try
                top, left = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
                break
        window = Image.fromarray(image[top:top + ch, left:left + cw]).resize((size, size), Image.BILINEAR)
        out = np.asarray(window, dtype=np.float32)
        if self.flip and rng.random() < 0.5:
            out = out[:, ::-1]
        if self.jitter > 0:
            b, c, s = rng.uniform(1 - self.jitter, 1 + self.jitter, 3)
            out = out * b
            mean = out.mean()
            out = (out - mean) * c + mean
            grey = out @ np.array([0.299, 0.587, 0.114], np.float32)
            out = (out - grey[..., None]) * s + grey[..., None]
        return np.ascontiguousarray(np.clip(np.rint(out), 0, 255).astype(np.uint8))


@dataclass(frozen=True)
class HorizontalFlip:
    """The image mirrored left-right (test-time flip averaging)."""

    seed: int = 0
    epoch: int = 0

    @property
    def cache_tag(self) -> str:
        return "hflip"

    def decode_size(self, size: int) -> int:
        return size

    def apply(self, image: np.ndarray, size: int, index: int) -> np.ndarray:
        return np.ascontiguousarray(image[:, ::-1])
