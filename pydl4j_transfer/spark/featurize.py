"""Featurizing image files on Spark executors (``org.pydl4j.spark.transfer.SparkFeaturizer``).

Executors read each file once, hash its bytes (SHA-1, the local feature cache's key), decode it with this package's
decoder (:mod:`pydl4j_transfer.spark.decode_worker`: the same Pillow code and preprocessing as a local run), run
the frozen part, and write Parquet rows (label, content_hash, vector, path, error). The driver reads the committed
run back; :func:`pydl4j_transfer.featurize.featurize_files` then stores the vectors in the local feature cache under
the same keys, so a later local run hits them.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .. import jvm
from .session import SparkDriver


@dataclass
class SparkFeatures:
    """A distributed run's result: ``features[i]`` belongs to ``paths[i]`` (content hash ``hashes[i]``)."""

    features: np.ndarray
    paths: list[str]
    hashes: list[str]
    skipped: list[dict]
    store: str


def featurize_paths(driver: SparkDriver, helper, meta, paths: Sequence[str | os.PathLike],
                    labels: Sequence[str] | None = None, *, store_dir: str | os.PathLike,
                    batch_size: int = 32, images_per_task: int = 64) -> SparkFeatures:
    """Featurizes ``paths`` on the executors with ``helper``'s frozen part (an :class:`engine.Helper`) and the
    decoding of ``meta`` (a :class:`engine.RunMeta`); the Parquet run is committed under ``store_dir``."""
    import jpype

    names = [os.fspath(p) for p in paths]
    labels = [str(label) for label in labels] if labels is not None else [""] * len(names)
    if len(labels) != len(names):
        raise ValueError(f"featurize_paths: {len(names)} paths but {len(labels)} labels")
    if not names:
        return SparkFeatures(np.zeros((0, 0), np.float32), [], [], [], "")
    spec = meta.preprocess_spec()
    spec_json = json.dumps({"name": spec.name, "mean": list(spec.mean), "std": list(spec.std),
                            "channel_order": spec.channel_order})
    decoder = jvm.java_class("org.pydl4j.spark.transfer.DecoderSpec")(
        driver.python, int(meta.image_size), meta.preprocess.get("resize", "stretch"), spec_json)
    boundary = [str(v) for v in helper.helper.getBoundary()]
    featurizer = jvm.java_class("org.pydl4j.spark.transfer.SparkFeaturizer")(
        driver.jsc, helper.graph, jpype.JArray(jpype.JString)(boundary), decoder)
    featurizer.batchSize(int(batch_size)).imagesPerTask(int(images_per_task))
    Path(store_dir).mkdir(parents=True, exist_ok=True)
    ArrayList = jpype.JClass("java.util.ArrayList")
    java_paths, java_labels = ArrayList(), ArrayList()
    for name, label in zip(names, labels):
        java_paths.add(jpype.JString(_absolute(name)))
        java_labels.add(jpype.JString(label))
    try:
        result = featurizer.featurize(java_paths, java_labels, jpype.JString(str(Path(store_dir).resolve())))
    except jpype.JException as error:
        raise RuntimeError(f"distributed featurizing failed: {error.getMessage()}") from None
    features = jvm.to_numpy(result.features(), copy=True).astype(np.float32, copy=False)
    given = {_absolute(n): n for n in names}    # executors saw absolute paths; report the caller's
    out_paths = [given.get(str(p), str(p)) for p in result.paths()]
    skipped = [{"path": given.get(str(p), str(p)), "reason": str(r)}
               for p, r in zip(result.skippedPaths(), result.skippedReasons())]
    return SparkFeatures(features, out_paths, [str(h) for h in result.contentHashes()], skipped, str(result.store()))


def _absolute(name: str) -> str:
    """A local path made absolute (executors run elsewhere); a URI (hdfs://, s3a://, file:/...) as it is."""
    return name if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:/", name) else str(Path(name).resolve())
