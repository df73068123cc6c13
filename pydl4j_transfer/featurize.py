"""Featurizing image files through the frozen part of a transfer graph, with the on-disk feature cache, and the
small file-level helpers the job and the classifier share (content de-duplication, folder expansion, timings).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from . import engine
from .data import Augmentation, BatchStream, FeatureCache, ImageFolder, file_sha1, is_image_file


@dataclass
class StepTimer:
    """Seconds spent per step of a job, reported in metrics.json."""

    decode: float = 0.0
    featurize: float = 0.0
    train: float = 0.0
    evaluate: float = 0.0
    setup: float = 0.0
    hash: float = 0.0

    def as_dict(self) -> dict:
        return {k: round(v, 3) for k, v in vars(self).items()}


def featurize_files(paths: Sequence[str | os.PathLike], helper: engine.Helper, meta: engine.RunMeta, *,
                    cache: FeatureCache | None, batch_size: int = 32, workers: int | None = None,
                    augment: Augmentation | None = None, timer: StepTimer | None = None, counts: dict | None = None,
                    progress: bool = True, what: str = "images", hashes: Sequence[str] | None = None,
                    spark=None, labels: Sequence[str] | None = None):
    """``(features[n_ok, dim], ok_mask, skipped)`` for ``paths``: cached vectors where the cache has them, the
    rest decoded, preprocessed and run through the frozen part (then stored in the cache).

    ``spark``: a :class:`pydl4j_transfer.spark.SparkDriver`: the misses are decoded and featurized on its
    executors (same decoder, same cache keys; ``labels``, the class names of ``paths``, go into its Parquet store)."""
    timer = timer if timer is not None else StepTimer()
    counts = counts if counts is not None else {"decoded": 0, "featurized": 0, "cache_hits": 0}
    names = [os.fspath(p) for p in paths]
    vectors: dict[int, np.ndarray] = {}
    t0 = time.perf_counter()
    skipped: list[dict] = []
    if cache is not None and hashes is None:
        found, unreadable = hash_files(names)
        skipped = [{"path": path, "reason": reason} for path, reason in unreadable.items()]
        keep = [i for i, name in enumerate(names) if name in found]
        if unreadable:
            names = [names[i] for i in keep]
        hashes = [found[name] for name in names]
    else:
        keep = list(range(len(names)))
    timer.hash += time.perf_counter() - t0
    if cache is not None and names:
        lookup = cache.get_many(hashes)
        for position, row in zip(lookup.hit_indices.tolist(), lookup.features):
            vectors[position] = row
        misses = lookup.miss_indices.tolist()
        counts["cache_hits"] = counts.get("cache_hits", 0) + len(lookup.hit_indices)
    else:
        misses = list(range(len(names)))
    if misses and spark is not None:
        t0 = time.perf_counter()
        skipped += _featurize_on_spark(spark, names, misses, labels, keep, helper, meta, cache, batch_size, augment,
                                       vectors, counts)
        timer.featurize += time.perf_counter() - t0
    elif misses:
        position_of = {names[i]: i for i in misses}
        stream = BatchStream([names[i] for i in misses], [0] * len(misses), batch_size=batch_size,
                             image_size=meta.image_size, preprocess=meta.preprocess_spec(),
                             mode=meta.preprocess.get("resize", "stretch"), workers=workers, augment=augment)
        bar = progress_bar(None, progress, desc=f"featurizing {what}", total=len(misses), unit="img")
        iterator = iter(stream)
        try:
            while True:
                t0 = time.perf_counter()
                batch = next(iterator, None)
                timer.decode += time.perf_counter() - t0
                if batch is None:
                    break
                t0 = time.perf_counter()
                features = helper.featurize(batch.features)
                timer.featurize += time.perf_counter() - t0
                positions = [position_of[p] for p in batch.paths]
                for position, row in zip(positions, features):
                    vectors[position] = row
                if cache is not None:
                    cache.put_many([hashes[p] for p in positions], features)
                counts["decoded"] = counts.get("decoded", 0) + len(batch)
                counts["featurized"] = counts.get("featurized", 0) + len(batch)
                if bar is not None:
                    bar.update(len(batch))
            if bar is not None:
                bar.update(len(stream.skipped))
        finally:        # workers stopped and the bar ended before whatever is said next (an error, an interruption)
            iterator.close()
            if bar is not None:
                bar.close()
        skipped += [{"path": s.path, "reason": s.reason} for s in stream.skipped]
    ok = np.zeros(len(paths), dtype=bool)
    ok[[keep[i] for i in vectors]] = True
    order = sorted(vectors)
    dim = next(iter(vectors.values())).shape[0] if vectors else 0
    matrix = np.stack([vectors[i] for i in order]).astype(np.float32, copy=False) if order \
        else np.zeros((0, dim), np.float32)
    return matrix, ok, skipped


def _featurize_on_spark(driver, names, misses, labels, keep, helper, meta, cache, batch_size, augment, vectors,
                        counts) -> list[dict]:
    """The misses featurized on Spark executors; vectors land in ``vectors`` (and the cache), the skipped files
    are returned."""
    from .data.feature_cache import pydl4j_home
    from .spark import featurize_paths

    if augment is not None:
        raise ValueError("spark: augmented views are featurized locally only; run without augment or without spark")
    wanted = [names[i] for i in misses]
    classes = None if labels is None else [str(labels[keep[i]]) for i in misses]
    store = (cache.folder / "spark") if cache is not None else pydl4j_home() / "spark-features"
    result = featurize_paths(driver, helper, meta, wanted, classes, store_dir=store, batch_size=batch_size)
    position_of = {names[i]: i for i in misses}
    for path, row in zip(result.paths, result.features):
        vectors[position_of[path]] = row
    if cache is not None and result.paths:
        cache.put_many(result.hashes, result.features)
    counts["decoded"] = counts.get("decoded", 0) + len(result.paths)
    counts["featurized"] = counts.get("featurized", 0) + len(result.paths)
    return result.skipped


def dedupe_by_content(folder: ImageFolder) -> tuple[ImageFolder, dict[str, str], list[dict]]:
    """Drop byte-identical copies so that no image can sit on both sides of the split.

    Copies within one class keep the first file (sorted order); content found under several classes has no
    trustworthy label and every copy is dropped. Returns the reduced folder, ``{path: sha1}`` of every file, and
    the dropped files with their reasons.
    """
    hashes, unreadable = hash_files(folder.paths)
    dropped = [{"path": path, "reason": reason} for path, reason in unreadable.items()]
    by_hash: dict[str, list[int]] = {}
    for i, path in enumerate(folder.paths):
        if os.fspath(path) in hashes:
            by_hash.setdefault(hashes[os.fspath(path)], []).append(i)
    keep = []
    for i, path in enumerate(folder.paths):
        if os.fspath(path) in unreadable:
            continue
        group = by_hash[hashes[os.fspath(path)]]
        classes = {folder.labels[j] for j in group}
        if len(classes) > 1:
            others = [os.fspath(folder.paths[j]) for j in group if j != i]
            dropped.append({"path": os.fspath(path), "reason": "same content as " + ", ".join(others)
                            + " in another class (conflicting labels)"})
        elif group[0] != i:
            dropped.append({"path": os.fspath(path), "reason": f"duplicate of {os.fspath(folder.paths[group[0]])}"})
        else:
            keep.append(i)
    return folder.subset(keep), hashes, dropped


def hash_files(paths) -> tuple[dict[str, str], dict[str, str]]:
    """``({path: sha1}, {path: reason})``: a file that cannot be read (EACCES, EIO...) is reported, not fatal."""
    hashes, unreadable = {}, {}
    for p in paths:
        name = os.fspath(p)
        try:
            hashes[name] = file_sha1(name)
        except OSError as error:
            unreadable[name] = f"cannot read the file: {error.strerror or error}"
    return hashes, unreadable


def expand_images(paths) -> list[Path]:
    """Files as given; a folder becomes every image below it (sorted)."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(q for q in path.rglob("*") if q.is_file() and is_image_file(q.name))
            if not found:
                raise ValueError(f"{path} holds no image file")
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise FileNotFoundError(f"image {str(path)!r} does not exist")
    return out


def progress_bar(iterable, enabled: bool, **kwargs):
    if not enabled:
        return iterable if iterable is not None else None
    from tqdm.auto import tqdm

    return tqdm(iterable, file=sys.stderr, dynamic_ncols=True, **kwargs)


__all__ = ["StepTimer", "dedupe_by_content", "expand_images", "featurize_files", "hash_files", "progress_bar"]
