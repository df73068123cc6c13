"""SHA-256 of a file, read in chunks so that large weight files need little memory."""

from __future__ import annotations

import hashlib
import os

from .errors import WeightFormatError

_CHUNK = 1 << 20


def sha256_file(path: str | os.PathLike) -> str:
    """Return the lower-case hex SHA-256 digest of the file at ``path``."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(_CHUNK), b""):
                digest.update(chunk)
    except OSError as e:
        raise WeightFormatError(path, f"cannot read file: {e.strerror}", "check the path and permissions") from e
    return digest.hexdigest()


def verify_sha256(path: str | os.PathLike, expected: str) -> None:
    """Raise WeightFormatError unless the file's SHA-256 equals ``expected`` (hex, any case)."""
    actual = sha256_file(path)
    if actual != expected.lower():
        raise WeightFormatError(
            path, f"SHA-256 mismatch: expected {expected.lower()}, got {actual}",
            "the file is corrupt or a different version; download or copy it again")
