"""An exclusive lock on a run folder: one run (train, resume) writes into a folder at a time.

``RUN_DIR/.pydl4j-run.lock`` is locked with ``flock`` (released by the kernel when the holder dies, even by
SIGKILL, so a killed run never leaves the folder locked) and names its holder (pid, host, start time), which a
second run quotes when it fails at once. Holding the lock, a run removes the temporary files that killed runs left
in the folder (no one else may be writing there). The lock is reentrant within a process: the command line holds
it across the job and the writing of its results, the job takes it again inside.
"""

from __future__ import annotations

import errno
import os
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .data.temporaries import remove_stale

LOCK_NAME = ".pydl4j-run.lock"

_HELD: dict[Path, list] = {}          # resolved folder -> [fd, depth]
_GUARD = threading.Lock()


class RunFolderBusyError(ValueError):
    """Another live run holds the folder's lock."""

    def __init__(self, folder: Path, holder: str):
        super().__init__(f"run folder {folder} is in use by another run ({holder or 'holder unknown'}); wait for it "
                         "to finish or pass another folder")
        self.folder = folder
        self.holder = holder


def holder(folder: str | os.PathLike) -> str:
    """Who holds (or last held) the folder's lock, as written in the lock file."""
    try:
        return (Path(folder) / LOCK_NAME).read_text(errors="replace").strip()
    except OSError:
        return ""


@contextmanager
def locked(folder: str | os.PathLike) -> Iterator[Path]:
    """Holds the exclusive lock of ``folder`` (made if missing) for the ``with`` block; raises
    :class:`RunFolderBusyError` at once if another process holds it."""
    import fcntl

    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    key = path.resolve()
    with _GUARD:
        if key in _HELD:
            _HELD[key][1] += 1
            entry = None
        else:
            fd = os.open(key / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as e:
                os.close(fd)
                if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise RunFolderBusyError(path, holder(key)) from None
                raise
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()} on {socket.gethostname()} since "
                         f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}\n".encode())
            entry = _HELD[key] = [fd, 1]
    try:
        if entry is not None:
            remove_stale(key, unowned=True)
        yield path
    finally:
        with _GUARD:
            _HELD[key][1] -= 1
            if _HELD[key][1] == 0:
                fd = _HELD.pop(key)[0]
                os.close(fd)                # releases the flock


def is_lock_file(name: str) -> bool:
    return name == LOCK_NAME


__all__ = ["LOCK_NAME", "RunFolderBusyError", "holder", "is_lock_file", "locked"]
