"""A training run whose loss or parameters stop being finite numbers: detected, reported, never saved."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import jvm


class DivergenceError(RuntimeError):
    """Training diverged (a non-finite loss or parameter); the run stops before it writes anything more."""

    def __init__(self, what: str, learning_rate: float, kept_checkpoint: Path | None = None):
        kept = f"; the last good checkpoint {kept_checkpoint} is kept" if kept_checkpoint is not None else ""
        super().__init__(f"training diverged: {what}; nothing was saved{kept}; lower the learning rate "
                         f"(now {learning_rate:g}, e.g. {learning_rate / 10:g})")
        self.kept_checkpoint = kept_checkpoint


def non_finite_parameters(graph) -> str | None:
    """The name of the first parameter of ``graph`` holding NaN or an infinity, else ``None``."""
    table = graph.paramTable()
    for key in sorted(str(k) for k in table.keySet()):
        values = jvm.to_numpy(table.get(key), copy=True)
        if not np.isfinite(values).all():
            return key
    return None


__all__ = ["DivergenceError", "non_finite_parameters"]
