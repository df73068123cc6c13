"""Strict JSON out: no bare ``NaN``/``Infinity`` (not JSON; other readers refuse them). A non-finite number is
written as ``null``; numpy scalars as plain numbers."""

from __future__ import annotations

import json
import math

import numpy as np


def finite_or_none(value):
    """``value`` with every non-finite float replaced by ``None`` (recursively through dicts, lists, tuples)."""
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_none(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def strict_dumps(value, **kwargs) -> str:
    return json.dumps(finite_or_none(value), allow_nan=False, **kwargs)


__all__ = ["finite_or_none", "strict_dumps"]
