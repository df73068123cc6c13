"""The one conversion every weight reader applies to a tensor it read: floating -> float32 (bfloat16 bits widened
exactly; float64 values beyond float32's range refused, not turned into inf), integers -> int64, bools kept."""

from __future__ import annotations

import os

import numpy as np

from .errors import WeightFormatError

_FLOAT32_MAX = float(np.finfo(np.float32).max)


def to_output(path: str | os.PathLike, name: str, raw: np.ndarray, bfloat16: bool = False) -> np.ndarray:
    """``raw`` (little-endian elements as stored) as the array a reader returns; ``bfloat16``: raw holds uint16 bits."""
    if bfloat16:
        return (raw.astype(np.uint32) << 16).view(np.float32)
    if raw.dtype.kind == "f":
        if raw.dtype.itemsize > 4 and raw.size:
            finite = np.abs(raw[np.isfinite(raw)])
            if finite.size and float(finite.max()) > _FLOAT32_MAX:
                raise WeightFormatError(path, f"tensor {name!r} holds {float(finite.max()):.3g}, beyond float32's "
                                        "range", "the weights are corrupt")
        return raw.astype(np.float32)
    if raw.dtype.kind in "iu":
        return raw.astype(np.int64)
    return raw.copy()
