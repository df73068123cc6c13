"""A trained transfer model read back from its zip: predict and evaluate on image files (:class:`Classifier`)."""

from __future__ import annotations

import os
import time
from typing import Sequence

import numpy as np

from . import engine, jvm
from .data import CacheKey, FeatureCache, decode_many, scan_image_folder
from .featurize import StepTimer, expand_images, featurize_files
from .job_config import POSITIVE, JobConfigError
from .metrics import Evaluation


class Classifier:
    """A trained transfer model: the engine graph plus what it needs to read images (from :func:`engine.load_model`)."""

    def __init__(self, graph, meta: engine.RunMeta, *, cache_dir=None, workers=None, progress: bool = True):
        self.graph = graph
        self.meta = meta
        self.cache_dir = cache_dir
        self.workers = workers
        self.progress = progress
        self._helper: engine.Helper | None = None
        self._frozen: str | None = None

    @classmethod
    def load(cls, path: str | os.PathLike, *, backend: str | None = None, **kwargs) -> "Classifier":
        jvm.start_jvm(backend=backend)
        graph, meta = engine.load_model(path)
        return cls(graph, meta, **kwargs)

    @property
    def labels(self) -> list[str]:
        return list(self.meta.labels)

    def helper(self) -> engine.Helper:
        if self._helper is None:
            size = self.meta.image_size
            self._helper = engine.Helper(self.graph, input_shape=(3, size, size))
        return self._helper

    def cache_key(self) -> CacheKey:
        """The feature cache's namespace, keyed on this graph's frozen parameters as loaded (never on the checksum
        the zip declares)."""
        if self._frozen is None:
            self._frozen = engine.frozen_digest(self.graph, self.meta.feature_vertex)
        return engine.feature_cache_key(self.meta, self._frozen)

    def probabilities(self, paths: Sequence[str | os.PathLike], batch_size: int = 32):
        """``(probabilities, ok_mask, skipped)`` from the full graph (no cache): decode, preprocess, output."""
        spec = self.meta.preprocess_spec()
        mode = self.meta.preprocess.get("resize", "stretch")
        names = [os.fspath(p) for p in paths]
        ok = np.zeros(len(names), dtype=bool)
        rows, skipped, images, positions = [], [], [], []

        def flush():
            if images:
                rows.append(engine.output(self.graph, spec.apply(np.stack(images))))
                images.clear()

        for result in decode_many(names, self.meta.image_size, mode, workers=self.workers):
            if not result.ok:
                skipped.append({"path": result.path, "reason": result.error})
                continue
            ok[result.index] = True
            images.append(result.image)
            positions.append(result.index)
            if len(images) == batch_size:
                flush()
        flush()
        probs = np.concatenate(rows) if rows else np.zeros((0, len(self.meta.labels)), np.float32)
        return probs, ok, skipped

    def predict(self, paths, top_k: int = 3) -> list[dict]:
        """Top-``k`` labels of each image (a folder stands for every image below it)."""
        try:
            POSITIVE.check(top_k)
        except ValueError as e:
            raise JobConfigError("top_k", str(e)) from None
        files = expand_images(paths)
        probs, ok, skipped = self.probabilities(files)
        k = min(int(top_k), len(self.meta.labels))
        out, row = [], 0
        reasons = {s["path"]: s["reason"] for s in skipped}
        for i, path in enumerate(files):
            if not ok[i]:
                out.append({"path": os.fspath(path), "error": reasons.get(os.fspath(path), "cannot decode")})
                continue
            p = probs[row]
            row += 1
            best = np.argsort(-p, kind="stable")[:k]
            out.append({"path": os.fspath(path),
                        "predictions": [{"label": self.meta.labels[j], "probability": float(p[j])} for j in best]})
        return out

    def evaluate(self, data: str | os.PathLike, *, use_cache: bool = True, batch_size: int = 32) -> dict:
        """Accuracy and per-class metrics on every image of ``data`` (class folders named as the training labels).

        With ``use_cache`` the frozen part's features come from the feature cache (same key as training) and
        only the classifier runs on them; without it, every image goes through the full graph.
        """
        folder = scan_image_folder(data, on_empty="warn", min_classes=1)
        unknown = [name for name in folder.label_names if name not in self.meta.labels]
        if unknown:
            raise ValueError(f"evaluate: class folder(s) {', '.join(repr(u) for u in unknown)} in {data} are not "
                             f"classes of the model ({', '.join(self.meta.labels)}); remove or rename them")
        remap = np.array([self.meta.labels.index(name) for name in folder.label_names], dtype=np.int64)
        truth = remap[np.asarray(folder.labels, dtype=np.int64)]
        timer = StepTimer()
        counts = {"decoded": 0, "featurized": 0, "cache_hits": 0}
        t0 = time.perf_counter()
        if use_cache:
            features, ok, skipped = featurize_files(folder.paths, self.helper(), self.meta,
                                                    cache=FeatureCache(self.cache_key(), self.cache_dir),
                                                    batch_size=batch_size, workers=self.workers, timer=timer,
                                                    counts=counts, progress=self.progress, what="images to evaluate")
            probs = self.helper().predict(features)
        else:
            probs, ok, skipped = self.probabilities(folder.paths, batch_size)
            counts["decoded"] = counts["featurized"] = int(ok.sum())
        if not ok.any():
            example = f" (e.g. {skipped[0]['path']}: {skipped[0]['reason']})" if skipped else ""
            raise ValueError(f"evaluate: none of the {len(ok)} images in {data} could be decoded{example}")
        evaluation = Evaluation(self.meta.labels).eval(truth[ok], probs)
        summary = evaluation.to_dict()
        return {"accuracy": summary["accuracy"], "labels": list(self.meta.labels), "per_class": summary["per_class"],
                "confusion_matrix": summary["confusion_matrix"], "n_images": int(ok.sum()), "skipped": skipped,
                "precision": summary["precision"], "recall": summary["recall"], "f1": summary["f1"],
                "counts": counts, "seconds": round(time.perf_counter() - t0, 3)}


__all__ = ["Classifier"]
