"""Clean shutdown on SIGINT (Ctrl-C) and SIGTERM: the signal becomes an :class:`Interrupted` exception in the main
thread, so every ``finally`` runs (decode workers stopped, temporary files removed, the run folder unlocked) and
the command line exits with one line and 128 + the signal number (130, 143).

Checkpoints are written atomically, so a run stopped this way continues with ``train --resume RUN_DIR`` from its
last checkpoint.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """The process received SIGINT or SIGTERM (a ``KeyboardInterrupt``, so code that cleans up on Ctrl-C also cleans
    up on SIGTERM)."""

    def __init__(self, signum: int):
        self.signum = int(signum)
        super().__init__(f"stopped by {signal.Signals(self.signum).name}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


def _raise(signum, frame):
    raise Interrupted(signum)


@contextmanager
def exit_on_signals() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM raise :class:`Interrupted` in the main thread (elsewhere: no change)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, _raise) for s in SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@contextmanager
def blocked_for_children() -> Iterator[None]:
    """Blocks SIGINT and SIGTERM in the calling thread for the block: processes started there (decode workers) begin
    with them blocked (a signal mask survives fork and exec), so a Ctrl-C reaching the whole process group cannot
    kill a worker half-started; the parent stops them. Signals that arrive meanwhile are delivered afterwards.

    In the main thread the Python handlers are also held back until the block ends: a process-directed signal can
    land on another thread (the JVM's), whose C handler then runs the Python handler in the main thread at the next
    bytecode, even with the main thread's mask blocked. Raised inside ``Process.start``, between the spawn and the
    write of its start-up data, it left a worker reading an empty pipe (an ``EOFError`` traceback on stderr)."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    deferred: list[int] = []
    handlers = {}
    if threading.current_thread() is threading.main_thread():
        # a handler installed outside Python (getsignal: None) could not be put back, so it is left alone
        handlers = {s: signal.signal(s, lambda signum, frame: deferred.append(signum))
                    for s in SIGNALS if signal.getsignal(s) is not None}
    try:
        yield
    finally:
        for s, handler in handlers.items():
            signal.signal(s, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        if deferred:
            _deliver(deferred[0], handlers[deferred[0]])


def _deliver(signum: int, handler) -> None:
    """What the held-back signal would have done: the handler that was in place, or the default action."""
    if callable(handler):
        handler(signum, None)
    elif handler == signal.SIG_DFL:
        signal.raise_signal(signum)


def ignore_in_worker() -> None:
    """Initializer of worker processes: the parent decides when they stop (it gets the signal and shuts its pool
    down), so a Ctrl-C reaching the whole process group prints no traceback per worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


__all__ = ["Interrupted", "blocked_for_children", "exit_on_signals", "ignore_in_worker"]
