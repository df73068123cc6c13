"""Helpers shared by the transfer-job tests (not a test module)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
#: The shared flower data set, read in place: ``$FLOWERS_DIR``, else ``../shared/datasets/flower_photos`` from the
#: repository root (as pydl4j_transfer.flowers resolves it).
FLOWERS = Path(os.environ.get("FLOWERS_DIR") or
               Path(__file__).resolve().parents[2] / "shared" / "datasets" / "flower_photos")
#: A PYDL4J_HOME for tests under the git-ignored build folder: converted weights and feature vectors persist between
#: local runs (CI starts from a fresh clone and fills it once per run).
TEST_HOME = REPO_ROOT / "build" / "test-home"
CLASSES = ("daisy", "dandelion", "roses", "sunflowers", "tulips")


def require_flowers() -> Path:
    """The shared flower folder; a clear failure (not a skip) when it is missing."""
    if not all((FLOWERS / c).is_dir() for c in CLASSES):
        raise AssertionError(f"the shared data set is missing: {FLOWERS} must hold {', '.join(CLASSES)}")
    return FLOWERS


def small_flowers(root: Path, per_class: int, offset: int = 0) -> Path:
    """A folder of symlinks to ``per_class`` flower images per class (a deterministic slice of each class)."""
    source = require_flowers()
    root.mkdir(parents=True, exist_ok=True)
    for name in CLASSES:
        (root / name).mkdir(exist_ok=True)
        files = sorted(p for p in (source / name).iterdir() if p.suffix.lower() == ".jpg")
        for path in files[offset:offset + per_class]:
            link = root / name / path.name
            if not link.exists():
                os.symlink(path, link)
    return root
