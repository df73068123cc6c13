"""Which images a saved model was trained, validated and tested on (by content), so that ``evaluate`` can warn when
it is given training images and can re-score exactly the saved test split.

The record lives in the model's ``pydl4j_transfer.json`` (``extra["splits"]``): the SHA-1 of every training and
validation image, and the test split as ``{"path": relative to the data folder, "label", "sha1"}`` entries.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from .data import ImageFolder, file_sha1

SPLITS_KEY = "splits"


class SplitRecordError(ValueError):
    """The saved test split cannot be re-scored (no record, or a file is missing or changed)."""


def record_splits(extra: dict, root: str | os.PathLike, hashes: dict[str, str], *, train: ImageFolder,
                  test: ImageFolder, validation: ImageFolder | None = None) -> None:
    """Stores the split record into a run description's ``extra``."""
    root = Path(os.path.abspath(root))
    names = test.label_names

    def relative(path) -> str:
        try:
            return Path(os.path.abspath(path)).relative_to(root).as_posix()
        except ValueError:
            return os.fspath(path)

    extra[SPLITS_KEY] = {
        "train": sorted(hashes[os.fspath(p)] for p in train.paths),
        "validation": sorted(hashes[os.fspath(p)] for p in validation.paths) if validation is not None else [],
        "test": [{"path": relative(p), "label": names[label], "sha1": hashes[os.fspath(p)]}
                 for p, label in zip(test.paths, test.labels)],
    }


def seen_in_training(extra: dict, hashes: Iterable[str]) -> dict:
    """How many of the given contents the model was trained or validated on."""
    record = extra.get(SPLITS_KEY) or {}
    train, validation = set(record.get("train", ())), set(record.get("validation", ()))
    hashes = list(hashes)
    return {"train": sum(h in train for h in hashes), "validation": sum(h in validation for h in hashes),
            "recorded": bool(record)}


def saved_test_split(extra: dict, data: str | os.PathLike) -> list[tuple[Path, str, str]]:
    """``(path, label, sha1)`` of the saved test split, resolved under ``data``; every file must exist with the
    recorded content."""
    record = extra.get(SPLITS_KEY) or {}
    entries = record.get("test")
    if not entries:
        raise SplitRecordError("the model has no saved test split (trained before splits were recorded, or not by "
                               "`train`); evaluate a folder instead")
    root = Path(data)
    out, problems = [], []
    for entry in entries:
        rel = Path(str(entry["path"]))
        if rel.is_absolute() or ".." in rel.parts:
            raise SplitRecordError(f"the saved test split names {entry['path']!r}, outside the data folder")
        path = root / rel
        if not path.is_file():
            problems.append(f"{rel} is missing")
        elif file_sha1(path) != entry["sha1"]:
            problems.append(f"{rel} has changed")
        else:
            out.append((path, str(entry["label"]), str(entry["sha1"])))
    if problems:
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
        raise SplitRecordError(f"cannot re-score the saved test split in {root}: {shown}")
    return out


__all__ = ["SPLITS_KEY", "SplitRecordError", "record_splits", "saved_test_split", "seen_in_training"]
