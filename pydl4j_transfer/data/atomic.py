"""Atomic file writes: a reader sees either the old file or the complete new one, never a partial file.

The bytes go to a temporary file in the destination folder, are flushed and fsync'ed, and the temporary
file is then renamed over the destination with :func:`os.replace` (atomic on POSIX and Windows when both
paths are on the same file system). Temporary files end in ``.tmp`` so readers can ignore leftovers of a
killed process.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import Callable, BinaryIO

from .temporaries import temp_prefix

TEMP_SUFFIX = ".tmp"


class DiskFullError(OSError):
    """The disk (or quota) filled while writing ``path``; the message says how much was needed and how much is free.

    An OSError with errno ENOSPC/EDQUOT, so callers that handle those keep working; ``path`` keeps its old content.
    """

    def __init__(self, path: Path, errno_: int, needed: int | None, written: int | None, free: int | None):
        self.path, self.needed, self.written, self.free = path, needed, written, free
        need = f"{needed} bytes needed" if needed is not None else f"more than {written} bytes needed"
        room = f"{free} bytes free" if free is not None else "free space unknown"
        when = f"{written} written when it filled, " if written is not None else "checked before writing, "
        super().__init__(errno_, f"no space left on the device writing {path}: {need} ({when}{room} in "
                         f"{path.parent}); free some space or write elsewhere", str(path))

    def __str__(self) -> str:
        return self.strerror


def atomic_write(path: str | os.PathLike, write: Callable[[BinaryIO], None], *, size_hint: int | None = None,
                 check: Callable[[Path], None] | None = None) -> Path:
    """Call ``write(file)`` on a temporary file next to ``path``, then atomically move it to ``path``.

    ``check(temporary_path)``, when given, runs on the complete, fsync'ed temporary file and may raise to refuse it
    (validate, then replace). If ``write``, ``check`` or the rename fails, the temporary file is removed and the
    error propagates; ``path`` keeps its previous content (or stays absent). A full disk raises
    :class:`DiskFullError` naming ``path`` and the bytes needed (``size_hint`` when the caller knows them).
    """
    target = Path(path)
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(target), suffix=TEMP_SUFFIX, dir=folder)
    try:
        # mkstemp makes the file private (0600); give it the permissions an ordinary open() would
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        if check is not None:
            check(Path(tmp_name))
        os.replace(tmp_name, target)
    except BaseException as error:
        written = _size(tmp_name)
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        if isinstance(error, OSError) and error.errno in _DISK_FULL and not isinstance(error, DiskFullError):
            raise DiskFullError(target, error.errno, size_hint, written, _free_bytes(folder)) from error
        raise
    _fsync_folder(folder)
    return target


_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def require_free_space(path: str | os.PathLike, needed: int) -> None:
    """Raise :class:`DiskFullError` before a write of about ``needed`` bytes into ``path``'s folder that cannot fit
    (for writers that fail without saying so, such as the engine's own zip writer)."""
    target = Path(path)
    free = _free_bytes(target.parent)
    if free is not None and free < needed:
        raise DiskFullError(target, errno.ENOSPC, needed, None, free)


def _size(name: str) -> int:
    try:
        return os.stat(name).st_size
    except OSError:
        return 0


def _free_bytes(folder: Path) -> int | None:
    try:
        stat = os.statvfs(folder)
    except (OSError, AttributeError):   # statvfs: POSIX only
        return None
    return stat.f_bavail * stat.f_frsize


def _read_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once at import: os.umask can only be read by setting it, which would race with writer threads.
_UMASK = _read_umask()


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Atomically replace ``path`` with ``data``."""
    return atomic_write(path, lambda handle: handle.write(data), size_hint=len(data))


def _fsync_folder(folder: Path) -> None:
    """Persist the rename itself (POSIX); silently skipped where folders cannot be opened (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
