"""Scan an image folder laid out as one sub-folder per class.

Semantics follow DL4J's ``ParentPathLabelGenerator`` over a recursive ``FileSplit``: every image below
``root/<class>/`` (at any depth) gets the label ``<class>``; labels are the sorted class folder names.
Hidden files and folders (name starting with ``.``) are skipped, symbolic links are followed but each real
folder is visited once (so link loops terminate), and the result is in a deterministic (sorted) order.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"})
ON_EMPTY_CHOICES = ("error", "warn")


class ImageFolderError(ValueError):
    """The image folder cannot be used as a labelled data set; the message says what to fix."""


class EmptyClassWarning(UserWarning):
    """A class folder holds no image and was left out of the labels."""


@dataclass(frozen=True)
class ImageFolder:
    """Files of a labelled image folder: ``paths[i]`` has label ``label_names[labels[i]]``."""

    root: Path
    paths: tuple[Path, ...]
    labels: tuple[int, ...]
    label_names: tuple[str, ...]
    empty_classes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.paths)

    def class_counts(self) -> dict[str, int]:
        """Number of files per label name, in label order."""
        counts = [0] * len(self.label_names)
        for label in self.labels:
            counts[label] += 1
        return dict(zip(self.label_names, counts))

    def subset(self, indices) -> "ImageFolder":
        """The files at ``indices`` (same labels and label names)."""
        chosen = [int(i) for i in indices]
        return ImageFolder(
            root=self.root,
            paths=tuple(self.paths[i] for i in chosen),
            labels=tuple(self.labels[i] for i in chosen),
            label_names=self.label_names,
            empty_classes=self.empty_classes,
        )


def is_image_file(name: str) -> bool:
    """True for a non-hidden file name with an image extension (case-insensitive)."""
    return not name.startswith(".") and os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS


def scan_image_folder(root: str | os.PathLike, *, on_empty: str = "error", min_classes: int = 2) -> ImageFolder:
    """List the images of ``root`` (one sub-folder per class).

    ``on_empty`` chooses what an empty class folder does: ``"error"`` raises :class:`ImageFolderError`,
    ``"warn"`` emits an :class:`EmptyClassWarning` and leaves that class out of the labels.
    At least ``min_classes`` non-empty classes are required (2 to train a classifier; 1 to evaluate one).
    A class folder that is a symbolic link to another class folder is visited after the real ones, so every image
    keeps the label of the folder it really lives in.
    """
    if on_empty not in ON_EMPTY_CHOICES:
        raise ValueError(f"scan_image_folder: on_empty must be one of {ON_EMPTY_CHOICES}, got {on_empty!r}")
    root_path = Path(root)
    if not root_path.exists():
        raise ImageFolderError(f"image folder {str(root_path)!r} does not exist; pass the folder holding one "
                               "sub-folder per class")
    if not root_path.is_dir():
        raise ImageFolderError(f"image folder {str(root_path)!r} is a file, not a folder; pass the folder "
                               "holding one sub-folder per class")
    class_dirs = sorted(
        (entry for entry in _list_dir(root_path) if not entry.name.startswith(".") and _is_dir(entry)),
        key=lambda entry: entry.name,
    )
    if not class_dirs:
        raise ImageFolderError(f"image folder {str(root_path)!r} has no class sub-folders; put each class's "
                               "images in their own sub-folder (e.g. flowers/daisy/*.jpg)")

    visited: set[str] = {os.path.realpath(root_path)}
    collected = {entry.name: _collect_images(Path(entry.path), visited)
                 for entry in sorted(class_dirs, key=lambda entry: (entry.is_symlink(), entry.name))}
    per_class: list[tuple[str, list[Path]]] = []
    empty: list[str] = []
    for class_dir in class_dirs:
        files = collected[class_dir.name]
        if files:
            per_class.append((class_dir.name, files))
            continue
        message = (f"class folder {class_dir.path!r} holds no image file "
                   f"(extensions {', '.join(sorted(IMAGE_EXTENSIONS))}); add images or remove the folder")
        if on_empty == "error":
            raise ImageFolderError(message)
        warnings.warn(message + "; the class is left out", EmptyClassWarning, stacklevel=2)
        empty.append(class_dir.name)

    if len(per_class) < min_classes:
        found = ", ".join(repr(name) for name, _ in per_class) or "none"
        raise ImageFolderError(f"image folder {str(root_path)!r} has {len(per_class)} non-empty class folder(s) "
                               f"({found}); {'classification needs at least 2 classes' if min_classes > 1 else 'it needs at least one class folder with images'}")

    paths: list[Path] = []
    labels: list[int] = []
    for label, (_, files) in enumerate(per_class):
        paths.extend(files)
        labels.extend([label] * len(files))
    return ImageFolder(
        root=root_path,
        paths=tuple(paths),
        labels=tuple(labels),
        label_names=tuple(name for name, _ in per_class),
        empty_classes=tuple(empty),
    )


def _collect_images(folder: Path, visited: set[str]) -> list[Path]:
    """Images below ``folder`` in sorted order, visiting each real folder at most once. Iterative (a stack of
    folder listings), so any depth of nesting works without Python's recursion limit."""
    real = os.path.realpath(folder)
    if real in visited:
        return []
    visited.add(real)
    found: list[Path] = []
    stack = [iter(sorted(_list_dir(folder), key=lambda e: e.name))]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
        elif entry.name.startswith("."):
            continue
        elif _is_dir(entry):
            real = os.path.realpath(entry.path)
            if real not in visited:
                visited.add(real)
                stack.append(iter(sorted(_list_dir(Path(entry.path)), key=lambda e: e.name)))
        elif is_image_file(entry.name) and _is_file(entry):
            found.append(Path(entry.path))
    return found


def _list_dir(folder: Path) -> list[os.DirEntry]:
    try:
        with os.scandir(folder) as entries:
            return list(entries)
    except PermissionError as error:
        raise ImageFolderError(f"cannot list folder {str(folder)!r}: {error.strerror}; fix its permissions") from error
    except OSError as error:        # EIO, ENAMETOOLONG (a very deep tree), ELOOP...
        raise ImageFolderError(f"cannot list folder {str(folder)!r}: {error.strerror or error}") from error


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:
        return False  # broken link or vanished entry


def _is_file(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file(follow_symlinks=True)
    except OSError:
        return False
