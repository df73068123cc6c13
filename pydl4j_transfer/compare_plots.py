"""The charts of ``compare``: accuracy against latency (``compare.png``) and transfer against training from scratch
(``transfer_vs_scratch.png``); the latter's curve panel also draws the toy example's curves
(:func:`plot_learning_curves`). Agg canvas, written atomically (as :mod:`pydl4j_transfer.plots`).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .plots import _save
from .text import printable

INIT_COLOURS = {"pretrained": "tab:blue", "scratch": "tab:orange"}
#: Marker area (points^2) of the largest model in compare.png; the others scale with their parameter count.
MAX_BUBBLE = 2500.0


@dataclass(frozen=True)
class Curve:
    """One learning curve: ``history`` rows with ``epoch`` and ``validation_accuracy`` (and ``train_loss`` or
    ``minibatch_loss``); ``dashed`` for the from-scratch run, ``colour`` shared by a transfer/scratch pair."""

    label: str
    history: Sequence[dict]
    dashed: bool = False
    colour: str | None = None


def plot_compare(table, path: str | os.PathLike) -> Path:
    """Validation accuracy against single-image latency p50, one labelled bubble per finished row, area
    proportional to the parameter count."""
    rows = [r for r in table.rows if r["status"] == "ok" and r["latency_p50_ms"] is not None
            and r["validation_accuracy"] is not None]
    figure = Figure(figsize=(8, 5.5), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    if not rows:
        axes.text(0.5, 0.5, "no model finished; see compare.md", ha="center", va="center")
        axes.axis("off")
        return _save(figure, path)
    largest = max(r["params_total"] or 1 for r in rows)
    for row in rows:
        area = MAX_BUBBLE * (row["params_total"] or 1) / largest
        axes.scatter([row["latency_p50_ms"]], [row["validation_accuracy"]], s=max(area, 30.0), alpha=0.45,
                     color=INIT_COLOURS[row["init"]], edgecolors="black", linewidths=0.6)
        label = f"{printable(row['model'])}" + ("" if row["init"] == "pretrained" else " (scratch)") + \
            ("" if row["train_fraction"] == 1 else f", {row['train_fraction']:.0%} data") + \
            f"\n{row['params_total'] / 1e6:.1f}M params, test {row['test_accuracy']:.3f}"
        axes.annotate(label, (row["latency_p50_ms"], row["validation_accuracy"]), textcoords="offset points",
                      xytext=(8, 6), fontsize=8)
    latencies = [r["latency_p50_ms"] for r in rows]
    if min(latencies) > 0 and max(latencies) / min(latencies) > 8:
        axes.set_xscale("log")
    low, high = min(latencies), max(latencies)
    axes.set_xlim(low * 0.7 if axes.get_xscale() == "log" else max(0.0, low - 0.3 * (high - low + 1)),
                  high * 1.8 if axes.get_xscale() == "log" else high + 0.6 * (high - low + 1))
    accuracies = [r["validation_accuracy"] for r in rows]
    axes.set_ylim(max(0.0, min(accuracies) - 0.08), min(1.02, max(accuracies) + 0.06))
    for init, colour in INIT_COLOURS.items():
        if any(r["init"] == init for r in rows):
            axes.scatter([], [], color=colour, alpha=0.45, edgecolors="black", label=init)
    axes.legend(loc="lower right", fontsize=8)
    axes.set_xlabel("single-image prediction latency p50 (ms, warm)")
    axes.set_ylabel("validation accuracy")
    axes.set_title("accuracy vs latency (bubble area = parameters)")
    axes.grid(True, alpha=0.3)
    figure.tight_layout()
    return _save(figure, path)


def plot_transfer_vs_scratch(table, path: str | os.PathLike) -> Path:
    """Per-epoch curves of every model that also trained from scratch (transfer solid, scratch dashed, one colour
    per model and fraction) and, with several training fractions, final validation accuracy against the fraction."""
    rows = [r for r in table.rows if r["status"] == "ok"]
    scratch_models = {r["model"] for r in rows if r["init"] == "scratch"}
    palette = ["tab:blue", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:olive", "tab:cyan", "tab:pink"]
    keys = sorted({(r["model"], r["train_fraction"]) for r in rows if r["model"] in scratch_models},
                  key=lambda k: (k[0], -k[1]))
    colour = {key: palette[i % len(palette)] for i, key in enumerate(keys)}
    curves = []
    shown = sorted((r for r in rows if r["model"] in scratch_models),
                   key=lambda r: (r["model"], -r["train_fraction"], r["init"]))
    for row in shown:
        fraction = "" if row["train_fraction"] == 1 else f", {row['train_fraction']:.0%} data"
        curves.append(Curve(f"{row['model']} {row['init']}{fraction}", table.curves.get(row["run_dir"], []),
                            dashed=row["init"] == "scratch", colour=colour[(row["model"], row["train_fraction"])]))
    fractions = sorted({r["train_fraction"] for r in rows})
    return plot_learning_curves(curves, path, title="transfer (solid) vs training from scratch (dashed)",
                                by_fraction=_by_fraction(rows, scratch_models) if len(fractions) > 1 else None)


def _by_fraction(rows, models) -> dict:
    out = {}
    for row in rows:
        if row["model"] in models:
            out.setdefault((row["model"], row["init"]), []).append((row["train_fraction"], row["validation_accuracy"]))
    return {key: sorted(points) for key, points in out.items()}


def plot_learning_curves(curves: Sequence[Curve], path: str | os.PathLike, *, title: str,
                         by_fraction: dict | None = None) -> Path:
    """Validation accuracy and training loss per epoch of ``curves``; ``by_fraction`` (``{(model, init): [(fraction,
    accuracy)]}``) adds a panel of accuracy against the training fraction."""
    panels = 2 + (1 if by_fraction else 0)
    figure = Figure(figsize=(5.5 * panels, 4.5), dpi=100)
    FigureCanvasAgg(figure)
    accuracy = figure.add_subplot(1, panels, 1)
    loss = figure.add_subplot(1, panels, 2)
    last = 1
    for curve in curves:
        style = dict(linestyle="--" if curve.dashed else "-", marker="s" if curve.dashed else "o",
                     markersize=5 if curve.dashed else 4, color=curve.colour, label=printable(curve.label))
        epochs = [row.get("epoch", i + 1) for i, row in enumerate(curve.history)]
        last = max([last, *epochs])
        # the minibatch loss: what both kinds of run record (a scratch run makes no extra pass over its images)
        losses = [_value(row.get("minibatch_loss", row.get("train_loss"))) for row in curve.history]
        accuracy.plot(epochs, [_value(row.get("validation_accuracy")) for row in curve.history], **style)
        loss.plot(epochs, losses, **style)
    for axes, name in ((accuracy, "validation accuracy"), (loss, "training loss (mean over minibatches)")):
        axes.set_xlim(0.5, last + 0.5)
        axes.set_xlabel("epoch")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel(name)
        axes.set_title(name)
        axes.grid(True, alpha=0.3)
    if curves:
        accuracy.legend(fontsize=7)
    if by_fraction:
        axes = figure.add_subplot(1, panels, 3)
        for (model, init), points in sorted(by_fraction.items()):
            axes.plot([p[0] for p in points], [p[1] for p in points], "--" if init == "scratch" else "-", marker="o",
                      color=INIT_COLOURS[init], label=printable(f"{model} {init}"))
        axes.set_xscale("log")
        axes.set_xlabel("fraction of the training images")
        axes.set_ylabel("validation accuracy (saved model)")
        axes.set_title("where transfer matters most")
        axes.grid(True, alpha=0.3)
        axes.legend(fontsize=7)
    figure.suptitle(printable(title))
    figure.tight_layout()
    return _save(figure, path)


def _value(value) -> float:
    return math.nan if value is None else float(value)


__all__ = ["Curve", "plot_compare", "plot_learning_curves", "plot_transfer_vs_scratch"]
