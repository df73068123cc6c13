"""Training from scratch: the same architecture as a transfer job, randomly initialised, every layer trained.

The baseline that shows what transfer learning gains (``TransferJob(scratch=True)``, ``train --scratch``,
``compare --scratch``). It gets the job's budget and choices: the same splits (``train_fraction`` included), epochs,
batch size, updater and learning rate, schedule, label smoothing, weight decay, class weights and patience, and the
same augmentation (``augment``: the job's ``AUGMENT_VIEWS`` crop + flip views, view ``e % views`` in epoch ``e``).
What differs is forced by the network having nothing frozen: no feature cache (the images themselves are the input
of every step: each split is decoded once, kept as ``uint8`` in memory and preprocessed per minibatch), no refit on
training + validation (it would train the whole network again), and the training loss is the minibatch loss (a
pass over the training images after each epoch would cost as much as the epoch).

The trained network is saved with its layers up to the model's feature vertex frozen (:func:`engine.freeze_up_to`),
so ``evaluate``, ``predict`` and a later transfer job read it as they read any transfer model.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from . import divergence, engine, jvm
from .data import Augmentation, ImageFolder, decode_many
from .featurize import StepTimer
from .fitting import FitPlan, balanced_class_weights, fit_featurized
from .job_config import JobConfig


@dataclass
class ScratchContext:
    """What the job hands over: its configuration, its splits, and where timings, counts and skipped files go."""

    config: JobConfig
    labels: list[str]
    train: ImageFolder
    validation: ImageFolder | None
    test: ImageFolder
    timer: StepTimer = field(default_factory=StepTimer)
    counts: dict = field(default_factory=dict)
    skipped: list = field(default_factory=list)


@dataclass
class ScratchOutcome:
    graph: object                # the trained network, frozen up to the feature vertex (as saved)
    helper: engine.Helper
    meta: engine.RunMeta
    history: list[dict]
    kept_epoch: int
    test_probabilities: np.ndarray
    test_labels: np.ndarray


class WholeNetwork:
    """:func:`fitting.fit_featurized`'s helper interface over a network trained end to end: its "features" are the
    decoded ``uint8`` NHWC images, preprocessed per minibatch (memory stays at one byte per pixel)."""

    def __init__(self, graph, spec):
        self.graph = graph
        self.spec = spec
        self.helper = self            # fit_featurized reaches the trained network as helper.helper.unfrozenGraph()
        self._DataSet = jvm.java_class("org.pydl4j.nd.dataset.DataSet")

    def unfrozenGraph(self):          # noqa: N802 (the name of TransferLearningHelper's method)
        return self.graph

    def fit(self, images: np.ndarray, targets: np.ndarray) -> float:
        x = jvm.to_indarray(self.spec.apply(images))
        y = jvm.to_indarray(targets, dtype=np.float32)
        try:
            self.graph.fit(self._DataSet(x, y))
        finally:
            x.close()
            y.close()
        return float(self.graph.score())

    def predict(self, images: np.ndarray, batch: int = 32) -> np.ndarray:
        outs = [engine.output(self.graph, self.spec.apply(images[start:start + batch]))
                for start in range(0, len(images), batch)]
        return np.concatenate(outs) if outs else np.zeros((0, 0), np.float32)


def decode_split(subset: ImageFolder, size: int, mode: str, *, workers: int | None, augment=None,
                 skipped: list, counts: dict) -> tuple[np.ndarray, np.ndarray]:
    """``(images uint8 [n_ok, size, size, 3], labels int64 [n_ok])``; files that do not decode go to ``skipped``."""
    images = np.empty((len(subset), size, size, 3), dtype=np.uint8)
    ok = np.zeros(len(subset), dtype=bool)
    for result in decode_many(subset.paths, size, mode, workers=workers, augment=augment):
        if result.ok:
            images[result.index] = result.image
            ok[result.index] = True
        else:
            skipped.append({"path": result.path, "reason": result.error})
    counts["decoded"] = counts.get("decoded", 0) + int(ok.sum())
    return images[ok], np.asarray(subset.labels, dtype=np.int64)[ok]


def run_scratch(ctx: ScratchContext) -> ScratchOutcome:
    from .job import AUGMENT_VIEWS     # the transfer job's count of crop + flip views

    cfg = ctx.config
    info = engine.model_info(cfg.model, cfg.image_size)
    if info.output_vertex is None:
        raise ValueError(f"model={cfg.model!r} has no classifier to replace; use a model with its top")
    num_classes = len(ctx.labels)
    t0 = time.perf_counter()
    weights = balanced_class_weights(ctx.train.labels, num_classes) if cfg.class_weights else None
    graph = engine.build_transfer_graph(engine.random_graph(info.name, cfg.image_size, cfg.seed), feature_vertex=None,
                                        output_vertex=info.output_vertex, num_classes=num_classes,
                                        learning_rate=cfg.learning_rate, seed=cfg.seed, updater=cfg.updater, l2=cfg.l2,
                                        weight_decay=cfg.weight_decay, class_weights=weights)
    spec = info.preprocess_spec()
    network = WholeNetwork(graph, spec)
    ctx.timer.setup += time.perf_counter() - t0

    t0 = time.perf_counter()
    size, mode = info.image_size, info.resize

    def decode(subset, augment=None):
        return decode_split(subset, size, mode, workers=cfg.workers, augment=augment, skipped=ctx.skipped,
                            counts=ctx.counts)

    augments = [Augmentation(cfg.seed, v) for v in range(AUGMENT_VIEWS)] if cfg.augment else [None]
    views = [decode(ctx.train, a) for a in augments]
    validation = decode(ctx.validation) if ctx.validation is not None else None
    x_test, y_test = decode(ctx.test)
    ctx.timer.decode += time.perf_counter() - t0
    if len(views[0][0]) == 0 or len(x_test) == 0:
        which = "training" if len(views[0][0]) == 0 else "test"
        example = f" (e.g. {ctx.skipped[-1]['path']}: {ctx.skipped[-1]['reason']})" if ctx.skipped else ""
        raise ValueError(f"{cfg.data}: none of the images of the {which} split could be decoded{example}")

    def on_loss(epoch, batch, loss):
        if not math.isfinite(loss):
            raise divergence.DivergenceError(f"the loss of minibatch {batch + 1} of epoch {epoch} is {loss}",
                                             cfg.learning_rate)

    def on_epoch(epoch, rows):
        bad = divergence.non_finite_parameters(graph)
        if bad:
            raise divergence.DivergenceError(f"after epoch {epoch} parameter {bad} is not finite", cfg.learning_rate)

    plan = FitPlan(epochs=cfg.epochs, batch_size=cfg.batch_size, learning_rate=cfg.learning_rate,
                   warmup_epochs=cfg.warmup_epochs, cosine=cfg.schedule == "cosine", patience=cfg.patience,
                   label_smoothing=cfg.label_smoothing)
    t0 = time.perf_counter()
    outcome = fit_featurized(network, views, validation, num_classes, plan, np.random.default_rng(cfg.seed),
                             progress=cfg.progress, desc="training from scratch", on_loss=on_loss,
                             on_epoch=on_epoch, evaluate_train=False, keep_best=bool(cfg.patience))
    ctx.timer.train += time.perf_counter() - t0

    t0 = time.perf_counter()   # the test split, once
    probabilities = network.predict(x_test)
    ctx.timer.evaluate += time.perf_counter() - t0
    saved = engine.freeze_up_to(graph, info.feature_vertex)
    meta = engine.RunMeta(model=info.name, labels=list(ctx.labels), feature_vertex=info.feature_vertex,
                          output_vertex=info.output_vertex, info=info,
                          preprocess=engine.spec_to_json(spec, info.resize), image_size=info.image_size,
                          weights_checksum=f"none:random-initialisation:seed={cfg.seed}",
                          extra={"scratch": True, "trained_parameters": int(graph.numTrainableParams())})
    kept = outcome.best_epoch if cfg.patience else outcome.history[-1]["epoch"]
    return ScratchOutcome(graph=saved, helper=engine.Helper(saved, input_shape=(3, size, size)), meta=meta,
                          history=outcome.history, kept_epoch=kept, test_probabilities=probabilities,
                          test_labels=y_test)


__all__ = ["ScratchContext", "ScratchOutcome", "WholeNetwork", "run_scratch"]
