"""Classification metrics in the spirit of DL4J's ``org.nd4j.evaluation.classification.Evaluation``.

Feed batches with :meth:`Evaluation.eval` (actual labels as class indices or one-hot rows, predictions as
probability rows or class indices); the confusion matrix accumulates (rows: actual, columns: predicted).
Macro averages follow DL4J: a class whose metric is undefined (precision of a never-predicted class,
recall of a class absent from the labels) is left out of the average, and :meth:`Evaluation.stats` says so.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

_RULE = "=" * 66


class Evaluation:
    """Accumulating multi-class evaluation; ``labels`` is the class count or the class names."""

    def __init__(self, labels: int | Sequence[str]):
        if isinstance(labels, (int, np.integer)) and not isinstance(labels, bool):
            names = [str(i) for i in range(int(labels))]
        else:
            names = [str(name) for name in labels]
        if len(names) < 2:
            raise ValueError(f"Evaluation needs at least 2 classes, got {len(names)}")
        self.label_names: tuple[str, ...] = tuple(names)
        self.confusion = np.zeros((len(names), len(names)), dtype=np.int64)

    @property
    def num_classes(self) -> int:
        return len(self.label_names)

    def _repr_html_(self) -> str:
        """How a notebook shows the evaluation (:func:`pydl4j_transfer.display.evaluation_html`)."""
        from .display import evaluation_html

        return evaluation_html(self)

    def eval(self, actual, predicted) -> "Evaluation":
        """Add a batch: ``actual`` (N,) indices or (N, C) one-hot; ``predicted`` (N, C) scores or (N,) indices."""
        truth = self._to_indices(actual, "actual")
        guess = self._to_indices(predicted, "predicted")
        if truth.shape != guess.shape:
            raise ValueError(f"Evaluation.eval: {truth.shape[0]} actual labels but {guess.shape[0]} predictions")
        np.add.at(self.confusion, (truth, guess), 1)
        return self

    def merge(self, other: "Evaluation") -> "Evaluation":
        """Add another evaluation's counts (same classes) to this one."""
        if other.label_names != self.label_names:
            raise ValueError("Evaluation.merge: the two evaluations have different class labels")
        self.confusion += other.confusion
        return self

    # -- counts -----------------------------------------------------------------------------------------
    def num_examples(self) -> int:
        return int(self.confusion.sum())

    def true_positives(self) -> np.ndarray:
        return np.diag(self.confusion).copy()

    def false_positives(self) -> np.ndarray:
        return self.confusion.sum(axis=0) - np.diag(self.confusion)

    def false_negatives(self) -> np.ndarray:
        return self.confusion.sum(axis=1) - np.diag(self.confusion)

    def true_negatives(self) -> np.ndarray:
        return self.num_examples() - self.true_positives() - self.false_positives() - self.false_negatives()

    def class_counts(self) -> np.ndarray:
        """Examples per actual class (the row sums)."""
        return self.confusion.sum(axis=1)

    # -- metrics ----------------------------------------------------------------------------------------
    def accuracy(self) -> float:
        total = self.num_examples()
        return float(np.trace(self.confusion) / total) if total else float("nan")

    def precision(self, cls: int | None = None) -> float:
        """Precision of class ``cls``, or the macro average over classes where it is defined."""
        return self._metric(self._precisions(), cls)

    def recall(self, cls: int | None = None) -> float:
        return self._metric(self._recalls(), cls)

    def f1(self, cls: int | None = None) -> float:
        return self._metric(self._f1s(), cls)

    def _precisions(self) -> np.ndarray:
        return _ratio(self.true_positives(), self.true_positives() + self.false_positives())

    def _recalls(self) -> np.ndarray:
        return _ratio(self.true_positives(), self.true_positives() + self.false_negatives())

    def _f1s(self) -> np.ndarray:
        precision, recall = self._precisions(), self._recalls()
        tp = self.true_positives()
        denominator = 2 * tp + self.false_positives() + self.false_negatives()
        f1 = _ratio(2 * tp, denominator)
        f1[np.isnan(precision) | np.isnan(recall)] = np.nan
        return f1

    def _metric(self, values: np.ndarray, cls: int | None) -> float:
        if cls is not None:
            if not 0 <= cls < self.num_classes:
                raise IndexError(f"class index {cls} out of range for {self.num_classes} classes")
            return float(values[cls])
        defined = values[~np.isnan(values)]
        return float(defined.mean()) if defined.size else float("nan")

    # -- reporting --------------------------------------------------------------------------------------
    def stats(self, per_class: bool = False) -> str:
        """Text report laid out like DL4J's ``Evaluation.stats()``; ``per_class`` adds a per-class table."""
        lines = ["", "========================Evaluation Metrics========================",
                 f" # of classes:    {self.num_classes}",
                 f" Accuracy:        {_fmt(self.accuracy())}",
                 f" Precision:       {_fmt(self.precision())}",
                 f" Recall:          {_fmt(self.recall())}",
                 f" F1 Score:        {_fmt(self.f1())}",
                 f"Precision, recall & F1: macro-averaged (equally weighted avg. of {self.num_classes} classes)"]
        lines += self._exclusion_warnings()
        if per_class:
            lines += ["", self._per_class_table()]
        lines += ["", "", "=========================Confusion Matrix=========================",
                  self._confusion_block(), "",
                  "Confusion matrix format: Actual (rowClass) predicted as (columnClass) N times", _RULE]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """JSON-ready summary; undefined values are ``None``."""
        precision, recall, f1 = self._precisions(), self._recalls(), self._f1s()
        counts, predicted = self.class_counts(), self.confusion.sum(axis=0)
        tp, fp, fn, tn = self.true_positives(), self.false_positives(), self.false_negatives(), self.true_negatives()
        return {
            "num_classes": self.num_classes,
            "num_examples": self.num_examples(),
            "labels": list(self.label_names),
            "accuracy": _json(self.accuracy()),
            "precision": _json(self.precision()),
            "recall": _json(self.recall()),
            "f1": _json(self.f1()),
            "averaging": "macro",
            "per_class": [{
                "label": name, "precision": _json(precision[i]), "recall": _json(recall[i]), "f1": _json(f1[i]),
                "count": int(counts[i]), "predicted": int(predicted[i]),
                "tp": int(tp[i]), "fp": int(fp[i]), "fn": int(fn[i]), "tn": int(tn[i]),
            } for i, name in enumerate(self.label_names)],
            "confusion_matrix": self.confusion.tolist(),
        }

    def _exclusion_warnings(self) -> list[str]:
        lines = []
        for what, values, reason in (("precision", self._precisions(), "never predicted by the model"),
                                     ("recall", self._recalls(), "never present in the labels")):
            excluded = [int(i) for i in np.flatnonzero(np.isnan(values))]
            if excluded:
                noun, verb = ("class", "was") if len(excluded) == 1 else ("classes", "were")
                lines.append(f"Warning: {len(excluded)} {noun} {verb} {reason} and {verb} excluded from "
                             f"average {what}")
                lines.append(f"Classes excluded from average {what}: {excluded}")
        return lines

    def _per_class_table(self) -> str:
        width = max(5, max(len(name) for name in self.label_names))
        rows = [f" {'Class':<{width}}  Precision     Recall   F1 Score   Count"]
        precision, recall, f1, counts = self._precisions(), self._recalls(), self._f1s(), self.class_counts()
        for i, name in enumerate(self.label_names):
            rows.append(f" {name:<{width}}  {_fmt(precision[i]):>9}  {_fmt(recall[i]):>9}  {_fmt(f1[i]):>9}  "
                        f"{int(counts[i]):>6}")
        return "\n".join(rows)

    def _confusion_block(self) -> str:
        n = self.num_classes
        width = max(len(str(int(self.confusion.max(initial=0)))), len(str(n - 1))) + 1
        header = "".join(f"{i:>{width}}" for i in range(n))
        rows = [header, "-" * len(header)]
        for i, name in enumerate(self.label_names):
            cells = "".join(f"{int(v):>{width}}" for v in self.confusion[i])
            rows.append(f"{cells} | {i} = {name}")
        return "\n".join(rows)

    def _to_indices(self, values, what: str) -> np.ndarray:
        array = np.asarray(values)
        if array.ndim == 2:
            if array.shape[1] != self.num_classes:
                raise ValueError(f"Evaluation.eval: {what} has {array.shape[1]} columns but the evaluation has "
                                 f"{self.num_classes} classes")
            return array.argmax(axis=1).astype(np.int64)
        if array.ndim != 1:
            raise ValueError(f"Evaluation.eval: {what} must be (N,) class indices or (N, {self.num_classes}) rows, "
                             f"got shape {array.shape}")
        if array.size and not np.issubdtype(array.dtype, np.integer):
            raise TypeError(f"Evaluation.eval: 1-D {what} must hold integer class indices, got {array.dtype}")
        indices = array.astype(np.int64)
        if indices.size and (indices.min() < 0 or indices.max() >= self.num_classes):
            raise ValueError(f"Evaluation.eval: {what} holds class index outside 0..{self.num_classes - 1}")
        return indices


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    out = np.full(numerator.shape, np.nan, dtype=np.float64)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _fmt(value: float) -> str:
    return "NaN" if np.isnan(value) else f"{value:.4f}"


def _json(value: float):
    return None if np.isnan(value) else float(value)
