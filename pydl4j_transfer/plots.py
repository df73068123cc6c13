"""Training curves, confusion-matrix heat maps and mistake grids as matplotlib Figures, saved as PNG files.

Every function returns its :class:`~matplotlib.figure.Figure` (a notebook shows it inline) and, given a ``path``,
also writes it there as a PNG. Figures are drawn on their own Agg canvas (no global pyplot state, safe in threads
and on headless machines) and written atomically, so a reader never sees a half-written image.
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

CURVE_KEYS = {"loss": ("train_loss", "validation_loss", "test_loss"),
              "accuracy": ("train_accuracy", "validation_accuracy", "test_accuracy")}
#: Line style per split (test curves appear only in histories of runs made before the validation split).
STYLES = {"train": "o-", "validation": "s--", "test": "^:"}


def plot_curves(history: Mapping[str, Sequence[float]] | Sequence[Mapping[str, float]],
                path: str | os.PathLike | None = None, *, title: str | None = None) -> Figure:
    """Loss and accuracy per epoch (train, validation; test for old histories) and, when the history has ``lr``,
    the learning rate, as panels of a Figure (saved as a PNG at ``path`` when given).

    ``history`` is either a mapping of per-epoch lists (``train_loss``, ``validation_loss``, ``train_accuracy``,
    ``validation_accuracy``, ``lr``...; missing ones are left out) or a list of per-epoch mappings with those keys
    (and optionally ``epoch``). ``None``/NaN values are gaps.
    """
    series, epochs = _normalise_history(history)
    rates = _series(history, "lr")
    panels = len(CURVE_KEYS) + (1 if rates else 0)
    figure = Figure(figsize=(5 * panels, 4), dpi=100)
    FigureCanvasAgg(figure)
    for column, (panel, keys) in enumerate(CURVE_KEYS.items()):
        axes = figure.add_subplot(1, panels, column + 1)
        for key in keys:
            if key in series:
                values = series[key]
                split = key.split("_")[0]
                axes.plot(epochs[:len(values)], values, STYLES[split], label=split, markersize=3)
        axes.set_xlabel("epoch")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel(panel)
        axes.set_title(panel)
        axes.grid(True, alpha=0.3)
        if axes.lines:
            axes.legend()
    if rates:
        axes = figure.add_subplot(1, panels, panels)
        axes.plot(epochs[:len(rates)], rates, "o-", markersize=3)
        axes.set_xlabel("epoch")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel("learning rate")
        axes.set_title("learning rate (last step of the epoch)")
        axes.ticklabel_format(axis="y", style="sci", scilimits=(-2, 2))
        axes.grid(True, alpha=0.3)
    if title:
        figure.suptitle(printable(title))
    figure.tight_layout()
    return _shown(figure, path)


def plot_misclassified(images: Sequence[np.ndarray], true_labels: Sequence[str], predicted_labels: Sequence[str],
                       probabilities: Sequence[float], path: str | os.PathLike | None = None, *,
                       title: str = "Most confident mistakes") -> Figure:
    """A grid of images (uint8 HWC) with their true label, the predicted label and its probability (the most
    confident mistakes first, as fastai's top losses), as a Figure (saved as a PNG at ``path`` when given). No
    mistakes: a short note."""
    n = len(images)
    if not (len(true_labels) == len(predicted_labels) == len(probabilities) == n):
        raise ValueError("plot_misclassified: images, labels and probabilities differ in length")
    columns = max(1, min(4, n))
    rows = max(1, math.ceil(n / columns))
    figure = Figure(figsize=(3 * columns, 3.2 * rows + 0.5), dpi=100)
    FigureCanvasAgg(figure)
    if n == 0:
        axes = figure.add_subplot(1, 1, 1)
        axes.text(0.5, 0.5, "no misclassified test image", ha="center", va="center")
        axes.axis("off")
    for i in range(n):
        axes = figure.add_subplot(rows, columns, i + 1)
        axes.imshow(np.asarray(images[i]))
        axes.set_title(f"true {printable(true_labels[i])}\npredicted {printable(predicted_labels[i])} "
                       f"({probabilities[i]:.2f})",
                       fontsize=9)
        axes.axis("off")
    figure.suptitle(title)
    figure.tight_layout()
    return _shown(figure, path)


def _series(history, key: str) -> list[float]:
    if isinstance(history, Mapping):
        return [_number(v) for v in history.get(key, [])]
    rows = list(history)
    return [_number(row.get(key)) for row in rows] if any(key in row for row in rows) else []


def plot_confusion(matrix, labels: Sequence[str], path: str | os.PathLike | None = None, *,
                   title: str = "Confusion matrix") -> Figure:
    """Annotated heat map of ``matrix`` (rows actual, columns predicted) as a Figure (saved as a PNG at ``path``
    when given)."""
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
    return _shown(figure, path)


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
    """Writes ``figure`` as a PNG at ``path``, atomically; returns the path."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return atomic_write_bytes(path, buffer.getvalue())


def _shown(figure: Figure, path: str | os.PathLike | None) -> Figure:
    """What the plot functions return: the figure (a notebook shows it), saved first when a path is given."""
    if path is not None:
        _save(figure, path)
    return figure
