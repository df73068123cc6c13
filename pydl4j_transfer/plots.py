"""Training curves and confusion-matrix heat maps as PNG files (matplotlib, Agg canvas, no display needed).

Figures are drawn on their own Agg canvas (no global pyplot state, safe in threads and on headless
machines) and written atomically, so a reader never sees a half-written image.
"""

from __future__ import annotations

import io
import math
import os
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .data.atomic import atomic_write_bytes
from .text import printable

CURVE_KEYS = {"loss": ("train_loss", "test_loss"), "accuracy": ("train_accuracy", "test_accuracy")}


def plot_curves(history: Mapping[str, Sequence[float]] | Sequence[Mapping[str, float]],
                path: str | os.PathLike, *, title: str | None = None) -> Path:
    """Two panels -- loss and accuracy per epoch, train and test -- saved as a PNG at ``path``.

    ``history`` is either a mapping of per-epoch lists (``train_loss``, ``test_loss``, ``train_accuracy``,
    ``test_accuracy``; missing ones are left out) or a list of per-epoch mappings with those keys (and
    optionally ``epoch``). ``None``/NaN values are gaps.
    """
    series, epochs = _normalise_history(history)
    figure = Figure(figsize=(10, 4), dpi=100)
    FigureCanvasAgg(figure)
    for column, (panel, keys) in enumerate(CURVE_KEYS.items()):
        axes = figure.add_subplot(1, 2, column + 1)
        for key in keys:
            if key in series:
                values = series[key]
                style = "o-" if key.startswith("train") else "s--"
                axes.plot(epochs[:len(values)], values, style, label=key.split("_")[0], markersize=3)
        axes.set_xlabel("epoch")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel(panel)
        axes.set_title(panel)
        axes.grid(True, alpha=0.3)
        if axes.lines:
            axes.legend()
    if title:
        figure.suptitle(printable(title))
    figure.tight_layout()
    return _save(figure, path)


def plot_confusion(matrix, labels: Sequence[str], path: str | os.PathLike, *, title: str = "Confusion matrix") -> Path:
    """Annotated heat map of ``matrix`` (rows actual, columns predicted) saved as a PNG at ``path``."""
    counts = np.asarray(matrix)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(f"plot_confusion: matrix must be square, got shape {counts.shape}")
    if len(labels) != counts.shape[0]:
        raise ValueError(f"plot_confusion: {len(labels)} labels for a {counts.shape[0]}x{counts.shape[0]} matrix")
    n = counts.shape[0]
    side = max(4.0, 0.6 * n + 2.5)
    figure = Figure(figsize=(side, side), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    image = axes.imshow(counts, cmap="Blues", vmin=0)
    figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04)
    names = [printable(label) for label in labels]   # folder names: any bytes, newlines included
    axes.set_xticks(range(n), labels=names, rotation=45, ha="right")
    axes.set_yticks(range(n), labels=names)
    axes.set_xlabel("predicted")
    axes.set_ylabel("actual")
    axes.set_title(printable(title))
    threshold = counts.max() / 2 if counts.size and counts.max() > 0 else math.inf
    for row in range(n):
        for col in range(n):
            value = counts[row, col]
            text = f"{value:g}" if np.issubdtype(counts.dtype, np.floating) else str(int(value))
            axes.text(col, row, text, ha="center", va="center",
                      color="white" if value > threshold else "black", fontsize=9)
    figure.tight_layout()
    return _save(figure, path)


def _normalise_history(history) -> tuple[dict[str, list[float]], list[float]]:
    known = {key for keys in CURVE_KEYS.values() for key in keys}
    if isinstance(history, Mapping):
        series = {key: [_number(v) for v in history[key]] for key in known if key in history}
        epochs = list(history.get("epoch", []))
    else:
        rows = list(history)
        series = {key: [_number(row.get(key)) for row in rows] for key in known if any(key in row for row in rows)}
        epochs = [row.get("epoch") for row in rows] if rows and all("epoch" in row for row in rows) else []
    if not series:
        raise ValueError(f"plot_curves: history has none of the series {sorted(known)}; nothing to plot")
    length = max(len(values) for values in series.values())
    if len(epochs) < length:
        epochs = list(range(1, length + 1))
    return series, epochs


def _number(value) -> float:
    return math.nan if value is None else float(value)


def _save(figure: Figure, path: str | os.PathLike) -> Path:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return atomic_write_bytes(path, buffer.getvalue())
