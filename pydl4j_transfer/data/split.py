"""Seeded, stratified train/test split in the spirit of DL4J's ``BalancedPathFilter``.

Every class is split in the same proportion; the files of a class are first put in a canonical order
(sorted by path) and then shuffled with a generator seeded by ``(seed, class label)``, so the same seed and
the same set of files give the same split whatever order the files were listed in.
"""

from __future__ import annotations

import math
import numbers
import os
from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .folder import ImageFolder


@dataclass(frozen=True)
class SplitIndices:
    """Positions (into the input lists) of the training and test files, each ascending."""

    train: np.ndarray
    test: np.ndarray


def stratified_split(paths: Sequence[str | os.PathLike], labels: Sequence[int], *, test_fraction: float,
                     seed: int) -> SplitIndices:
    """Split ``paths`` (with class ``labels``) so each class puts ``test_fraction`` of its files in the test set.

    A class with at least 2 files keeps at least one file on each side. No path may appear twice.
    """
    _check_fraction(test_fraction)
    if len(paths) != len(labels):
        raise ValueError(f"stratified_split: paths has {len(paths)} entries but labels has {len(labels)}; "
                         "pass one label per path")
    keys = [os.fspath(p) for p in paths]
    if len(set(keys)) != len(keys):
        duplicate = next(k for k in keys if keys.count(k) > 1)
        raise ValueError(f"stratified_split: path {duplicate!r} is listed twice; each file may appear once")

    by_class: dict[int, list[int]] = defaultdict(list)
    for position, label in enumerate(labels):
        by_class[int(label)].append(position)

    train: list[int] = []
    test: list[int] = []
    for label in sorted(by_class):
        members = sorted(by_class[label], key=lambda position: keys[position])
        order = np.random.default_rng([int(seed) & 0xFFFFFFFF, label]).permutation(len(members))
        n_test = _test_count(len(members), test_fraction)
        test.extend(members[i] for i in order[:n_test])
        train.extend(members[i] for i in order[n_test:])
    return SplitIndices(train=np.array(sorted(train), dtype=np.int64), test=np.array(sorted(test), dtype=np.int64))


def split_folder(folder: ImageFolder, *, test_fraction: float, seed: int) -> tuple[ImageFolder, ImageFolder]:
    """Stratified split of a scanned folder into (train, test) folders sharing the same label names."""
    indices = stratified_split(folder.paths, folder.labels, test_fraction=test_fraction, seed=seed)
    return folder.subset(indices.train), folder.subset(indices.test)


#: Added to the seed for carving validation out of the training part, so that the train/test split stays exactly the
#: two-way split of the same seed (the test split never moves when a validation split is asked for).
VALIDATION_SEED_OFFSET = 0x5EED


def split_folder_three_way(folder: ImageFolder, *, test_fraction: float, validation_fraction: float,
                           seed: int) -> tuple[ImageFolder, ImageFolder, ImageFolder]:
    """(train, validation, test): the test split is exactly ``split_folder``'s for the same seed and fraction;
    validation is a stratified ``validation_fraction`` of the rest (of the training 80%, not of the whole folder),
    seeded too. Files are split by path; the caller drops byte-identical duplicates first, so each content lies on
    one side only."""
    rest, test = split_folder(folder, test_fraction=test_fraction, seed=seed)
    train, validation = split_folder(rest, test_fraction=validation_fraction, seed=int(seed) + VALIDATION_SEED_OFFSET)
    return train, validation, test


#: Added to the seed for choosing a training subset (``train_fraction``), apart from the split's own generators.
SUBSET_SEED_OFFSET = 0xF4AC


def stratified_subset(folder: ImageFolder, *, fraction: float, seed: int) -> ImageFolder:
    """``fraction`` of each class of ``folder`` (at least one file of a class that has any), chosen in a seeded
    order per class, so that a smaller fraction is always a subset of a larger one (learning curves over data size
    compare nested training sets)."""
    if isinstance(fraction, bool) or not isinstance(fraction, numbers.Real) or not 0.0 < float(fraction) <= 1.0:
        raise ValueError(f"train fraction must be in (0, 1] (e.g. 0.1), got {fraction!r}")
    if float(fraction) == 1.0:
        return folder
    keys = [os.fspath(p) for p in folder.paths]
    by_class: dict[int, list[int]] = defaultdict(list)
    for position, label in enumerate(folder.labels):
        by_class[int(label)].append(position)
    keep: list[int] = []
    for label in sorted(by_class):
        members = sorted(by_class[label], key=lambda position: keys[position])
        order = np.random.default_rng([(int(seed) + SUBSET_SEED_OFFSET) & 0xFFFFFFFF, label]).permutation(len(members))
        count = max(1, int(math.floor(len(members) * float(fraction) + 0.5)))
        keep.extend(members[i] for i in order[:count])
    return folder.subset(np.array(sorted(keep), dtype=np.int64))


def _test_count(n: int, fraction: float) -> int:
    if n < 2:
        return 0
    count = int(math.floor(n * fraction + 0.5))
    return min(max(count, 1), n - 1)


def _check_fraction(test_fraction: float) -> None:
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, numbers.Real):
        raise TypeError(f"test_fraction must be a number strictly between 0 and 1, got {test_fraction!r}")
    if not 0.0 < float(test_fraction) < 1.0:  # also rejects NaN
        raise ValueError(f"test_fraction must be strictly between 0 and 1 (e.g. 0.2), got {test_fraction!r}")
