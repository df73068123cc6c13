"""Bounds on what hostile files may make the Python side allocate, and the readers that enforce them.

Every size a file declares is checked against these before memory is taken: zip entries are read through
:func:`read_zip_entry`, which stops at the cap while inflating (a 2 GiB entry costs at most ``cap + 1`` bytes),
never trusting the size the zip directory claims; image sizes from arguments or saved metadata go through
:func:`check_image_size` before anything is decoded or built.
"""

from __future__ import annotations

import os
import zipfile

#: A JSON entry of a model or checkpoint zip (the Java side caps DL4J's JSON entries at the same 64 MiB).
MAX_JSON_ENTRY = 64 << 20
#: A weight file read whole (safetensors): VGG-16 in float32 is 0.55 GB.
MAX_WEIGHT_FILE_BYTES = 1 << 30
#: The side of the square images the networks are fed. 2048 px needs ~0.5 GiB per image for the first
#: EfficientNet-Lite activation alone; nothing sensible asks for more.
MAX_IMAGE_SIZE = 2048
#: Classes of a classifier, and the length of one label (labels come from folder names, at most 255 bytes).
MAX_LABELS = 100_000
MAX_LABEL_CHARS = 1024

_CHUNK = 1 << 20


class EntryTooLargeError(ValueError):
    """A zip entry inflates beyond its cap; ``path``/``entry``/``limit`` say which and how much was allowed."""

    def __init__(self, path: str | os.PathLike, entry: str, limit: int):
        self.path, self.entry, self.limit = os.fspath(path), entry, limit
        super().__init__(f"{self.path}: entry {entry!r} inflates beyond {limit} bytes, more than such an entry ever "
                         "holds; the file is corrupt or hostile")


def read_zip_entry(archive: zipfile.ZipFile, name: str, limit: int, source: str | os.PathLike) -> bytes:
    """The bytes of ``name`` in ``archive``, inflated in chunks and refused once they pass ``limit``.

    The declared ``file_size`` is checked first; the inflated bytes are then counted chunk by chunk as well, so
    the cap holds whatever the directory claims (zipfile itself stops at the declared size and checks the CRC
    there). Raises :class:`EntryTooLargeError` (a ValueError); KeyError when the entry is absent.
    """
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise EntryTooLargeError(source, name, limit)
    parts, total = [], 0
    with archive.open(info) as member:
        while True:
            chunk = member.read(min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                raise EntryTooLargeError(source, name, limit)
            parts.append(chunk)
    return b"".join(parts)


def check_image_size(size, what: str) -> int:
    """``size`` as an int in ``1..MAX_IMAGE_SIZE``, else ValueError naming ``what`` (an option or a file)."""
    if isinstance(size, bool) or not isinstance(size, int) and not hasattr(size, "__index__"):
        raise ValueError(f"{what}: image size must be an integer, got {size!r}")
    value = int(size)
    if not 1 <= value <= MAX_IMAGE_SIZE:
        raise ValueError(f"{what}: image size {value} is outside 1..{MAX_IMAGE_SIZE} (pixels per side; the "
                         "networks are trained at 224-260)")
    return value


def check_labels(labels, what: str) -> list[str]:
    """Labels as a list of distinct, non-empty strings of sane length (their count against the graph's outputs is
    the classifier's check)."""
    if not isinstance(labels, (list, tuple)) or not all(isinstance(label, str) for label in labels):
        raise ValueError(f"{what}: labels must be a list of strings")
    if not 1 <= len(labels) <= MAX_LABELS:
        raise ValueError(f"{what}: {len(labels)} labels; a classifier has 1..{MAX_LABELS}")
    bad = [label for label in labels if not label or len(label) > MAX_LABEL_CHARS]
    if bad:
        raise ValueError(f"{what}: empty or over-long label {bad[0][:40]!r}")
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        raise ValueError(f"{what} lists label(s) {', '.join(map(repr, duplicates))} more than once; labels must be "
                         "distinct")
    return list(labels)
