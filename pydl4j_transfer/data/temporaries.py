"""Temporary files named after their owner, so that a process removes only its own leftovers and those of dead
processes, never a temporary file another live process is still writing.

A temporary file for ``folder/NAME`` is ``folder/.NAME.@HOST~PID.RANDOM[.KIND].tmp``. :func:`remove_stale` deletes
the ones whose owner ran on this host and no longer exists (a process killed by SIGKILL cannot clean up after
itself); files of live processes or other hosts (a shared folder) are left alone.
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

TEMP_SUFFIX = ".tmp"
_OWNER = re.compile(r"\.@(?P<host>[A-Za-z0-9-]*)~(?P<pid>\d+)\.[A-Za-z0-9_]+(?:\.[A-Za-z0-9_-]+)?\.tmp$")


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:64]


def temp_prefix(target: str | os.PathLike) -> str:
    """The ``prefix`` for :func:`tempfile.mkstemp` of a temporary file that will become ``target``."""
    return f".{Path(target).name}.@{_host()}~{os.getpid()}."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:     # someone else's live process
        return True
    return True


def owner(path: str | os.PathLike) -> tuple[str, int] | None:
    """``(host, pid)`` of a temporary file named by :func:`temp_prefix`, else ``None``."""
    match = _OWNER.search(Path(path).name)
    return (match.group("host"), int(match.group("pid"))) if match else None


def remove_stale(folder: str | os.PathLike, *, unowned: bool = False) -> list[Path]:
    """Removes temporary files in ``folder`` left by dead processes of this host; with ``unowned`` (the caller holds
    the folder's lock, so no one else writes there) also temporary files without an owner in their name."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    host = _host()
    for entry in entries:
        if not (entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX)) or not entry.is_file(
                follow_symlinks=False):
            continue
        found = owner(entry.name)
        stale = unowned if found is None else found[0] == host and found[1] != os.getpid() and not _alive(found[1])
        if stale:
            try:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except FileNotFoundError:
                pass
    return removed


__all__ = ["owner", "remove_stale", "temp_prefix"]
