"""Training the unfrozen part on cached features: minibatches, learning-rate schedule, validation, early stopping.

:func:`fit_featurized` is the epoch loop of the transfer job and of the fine-tuning recipe's phases. Every choice is
made on the **validation** split (never the test split): after each epoch the validation loss is computed; the
parameters of the epoch with the lowest validation loss are kept (keep-best) and put back at the end; with
``patience`` the run stops when the validation loss has not improved for that many epochs (DL4J's
``ScoreImprovementEpochTerminationCondition``, the same class the Java ``EarlyStoppingGraphTrainer`` uses).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from . import engine, jvm
from .featurize import progress_bar
from .schedule import set_learning_rate, warmup_cosine


@dataclass(frozen=True)
class FitPlan:
    """How to train: ``epochs`` at most, ``learning_rate`` peak, ``warmup_epochs`` of linear warmup, then cosine
    decay when ``cosine`` (else constant); ``patience`` epochs without validation improvement stop the run (0: never);
    ``label_smoothing`` mixes ``eps / classes`` into the one-hot targets."""

    epochs: int
    batch_size: int
    learning_rate: float
    warmup_epochs: int = 0
    cosine: bool = False
    patience: int = 0
    label_smoothing: float = 0.0

    def __post_init__(self):
        if not 0.0 <= self.label_smoothing < 1.0:
            raise ValueError(f"label_smoothing must be in [0, 1), got {self.label_smoothing!r}")
        if self.patience < 0:
            raise ValueError(f"patience must be >= 0 epochs, got {self.patience!r}")
        if self.warmup_epochs < 0 or self.warmup_epochs > self.epochs:
            raise ValueError(f"warmup_epochs must be in [0, epochs={self.epochs}], got {self.warmup_epochs!r}")


@dataclass
class FitOutcome:
    history: list[dict] = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False


def smoothed_targets(labels: np.ndarray, num_classes: int, smoothing: float) -> np.ndarray:
    """One-hot targets with ``smoothing`` spread evenly over the classes (rows still sum to 1)."""
    targets = engine.one_hot(labels, num_classes)
    if smoothing > 0:
        targets = targets * (1.0 - smoothing) + smoothing / num_classes
    return targets.astype(np.float32)


def balanced_class_weights(labels: Sequence[int], num_classes: int) -> list[float]:
    """``n / (classes * count_c)`` per class (1 for every class of a balanced folder); a class without training
    images gets weight 1."""
    counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=num_classes).astype(np.float64)
    n = counts.sum()
    return [float(n / (num_classes * c)) if c > 0 else 1.0 for c in counts]


def cross_entropy(probabilities: np.ndarray, labels: np.ndarray) -> float:
    if len(labels) == 0:
        return float("nan")
    p = probabilities[np.arange(len(labels)), labels]
    return float(-np.mean(np.log(np.clip(p, 1e-12, 1.0))))


def fit_featurized(helper: "engine.Helper", views: Sequence[tuple[np.ndarray, np.ndarray]],
                   validation: tuple[np.ndarray, np.ndarray] | None, num_classes: int, plan: FitPlan,
                   rng: np.random.Generator, *, progress: bool = True, desc: str = "train", start_epoch: int = 1,
                   history: Sequence[dict] | None = None,
                   on_batch: Callable[[int, int], None] | None = None,
                   on_loss: Callable[[int, int, float], None] | None = None,
                   on_epoch: Callable[[int, list[dict]], None] | None = None,
                   evaluate_train: bool = True, keep_best: bool = True) -> FitOutcome:
    """Trains ``helper``'s unfrozen part for up to ``plan.epochs`` epochs; epoch ``e`` trains on view
    ``(e - 1) % len(views)``. Returns the history (one row per epoch: ``lr``, ``minibatch_loss``, ``train_loss``,
    ``train_accuracy``, ``validation_loss``, ``validation_accuracy``), the kept epoch and whether patience ended it.
    ``on_batch(epoch, batch)``, ``on_loss(epoch, batch, loss)`` and ``on_epoch(epoch, history)`` are the job's hooks
    (fault injection, divergence checks, checkpoints).
    ``evaluate_train=False`` skips the pass over the training features after each epoch (their loss and accuracy
    are then left out; ``minibatch_loss`` remains), which saves a forward pass per epoch on large feature maps.
    ``keep_best=False`` ends with the last epoch's parameters (``best_epoch`` still names the best one)."""
    graph = helper.helper.unfrozenGraph()
    steps_per_epoch = math.ceil(len(views[0][0]) / plan.batch_size)
    total = steps_per_epoch * plan.epochs
    if plan.cosine or plan.warmup_epochs:
        lr_at = warmup_cosine(plan.learning_rate, total, plan.warmup_epochs * steps_per_epoch,
                              final_fraction=0.0 if plan.cosine else 1.0)
    else:
        lr_at = None
    conditions = jvm.java_class("org.pydl4j.earlystopping.termination.ScoreImprovementEpochTerminationCondition")
    patience = conditions(int(plan.patience)) if plan.patience and validation is not None else None
    if patience is not None:
        patience.initialize()
    outcome = FitOutcome(history=list(history or []))
    best_loss, best_params = math.inf, None
    bar = progress_bar(range(start_epoch, plan.epochs + 1), progress, desc=desc, unit="epoch",
                       initial=start_epoch - 1, total=plan.epochs)
    for epoch in bar:
        x_train, y_train = views[(epoch - 1) % len(views)]
        targets = smoothed_targets(y_train, num_classes, plan.label_smoothing)
        order = rng.permutation(len(x_train))
        losses, lr = [], plan.learning_rate
        for batch, start in enumerate(range(0, len(order), plan.batch_size)):
            if on_batch is not None:
                on_batch(epoch, batch)
            if lr_at is not None:
                lr = lr_at((epoch - 1) * steps_per_epoch + batch)
                set_learning_rate(graph, lr)
            rows = order[start:start + plan.batch_size]
            loss = helper.fit(x_train[rows], targets[rows])
            if on_loss is not None:
                on_loss(epoch, batch, loss)
            losses.append(loss)
        row = {"epoch": epoch, "lr": lr, "minibatch_loss": float(np.mean(losses)) if losses else None}
        if evaluate_train:
            train_probs = helper.predict(views[0][0])
            row["train_loss"] = cross_entropy(train_probs, views[0][1])
            row["train_accuracy"] = float(np.mean(train_probs.argmax(1) == views[0][1]))
        if validation is not None:
            val_probs = helper.predict(validation[0])
            row["validation_loss"] = cross_entropy(val_probs, validation[1])
            row["validation_accuracy"] = float(np.mean(val_probs.argmax(1) == validation[1]))
            if row["validation_loss"] < best_loss:   # keep-best: strictly lower validation loss
                best_loss, outcome.best_epoch = row["validation_loss"], epoch
                if keep_best:
                    best_params = jvm.to_numpy(graph.params(), copy=True)
        outcome.history.append(row)
        if on_epoch is not None:
            on_epoch(epoch, outcome.history)
        if hasattr(bar, "set_postfix"):
            shown = {"loss": f"{row.get('train_loss', row['minibatch_loss']):.3f}"}
            if validation is not None:
                shown["val_acc"] = f"{row['validation_accuracy']:.3f}"
            bar.set_postfix(**shown)
        if patience is not None and patience.terminate(epoch - 1, float(row["validation_loss"]), True):
            outcome.stopped_early = True
            break
    if keep_best and best_params is not None and outcome.best_epoch != outcome.history[-1]["epoch"]:
        restored = jvm.to_indarray(best_params.reshape(1, -1))
        graph.setParams(restored)
        restored.close()
    if validation is None and outcome.history:
        outcome.best_epoch = outcome.history[-1]["epoch"]
    return outcome


__all__ = ["FitOutcome", "FitPlan", "balanced_class_weights", "cross_entropy", "fit_featurized", "smoothed_targets"]
