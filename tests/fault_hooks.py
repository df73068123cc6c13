"""Fault injection for the checkpoint tests, as :class:`~pydl4j_transfer.hooks.TrainingHooks` (not a test module).

``PYDL4J_CHECKPOINT_FAULT=ACTION:POINT:EPOCH[:BATCH]`` makes a training process started through
``tests/cli_with_hooks.py`` ``kill`` itself (SIGKILL) or ``pause`` (write ``RUN_DIR/.fault-paused``, then block
until killed from outside) at one point: ``batch`` (before minibatch BATCH, 0-based, of epoch EPOCH),
``checkpoint-partial`` (half of the checkpoint's temporary file written), ``checkpoint-before-rename`` (the
temporary file complete, not yet renamed over ``checkpoint.zip``) or ``checkpoint-done`` (just after the rename) of
epoch EPOCH's checkpoint.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from pathlib import Path

from pydl4j_transfer.hooks import TrainingHooks

FAULT_ENV = "PYDL4J_CHECKPOINT_FAULT"
PAUSED_MARKER = ".fault-paused"
POINTS = ("batch", "checkpoint-partial", "checkpoint-before-rename", "checkpoint-done")


@dataclass(frozen=True)
class Fault(TrainingHooks):
    action: str
    point: str
    epoch: int
    batch: int = 0

    @classmethod
    def from_env(cls) -> "Fault | None":
        text = os.environ.get(FAULT_ENV, "").strip()
        if not text:
            return None
        parts = text.split(":")
        try:
            action, point, epoch = parts[0], parts[1], int(parts[2])
            batch = int(parts[3]) if len(parts) > 3 else 0
        except (IndexError, ValueError):
            raise ValueError(f"{FAULT_ENV}={text!r}: expected ACTION:POINT:EPOCH[:BATCH], e.g. kill:batch:3:1") \
                from None
        if action not in ("kill", "pause") or point not in POINTS:
            raise ValueError(f"{FAULT_ENV}={text!r}: ACTION is kill or pause, POINT one of {', '.join(POINTS)}")
        return cls(action, point, epoch, batch)

    def on_batch(self, epoch, batch, run_dir):
        if self.point == "batch" and epoch == self.epoch and batch == self.batch:
            self._act(run_dir)

    def on_checkpoint(self, stage, epoch, run_dir, handle=None):
        if self.point == f"checkpoint-{stage}" and epoch == self.epoch:
            if handle is not None:
                handle.flush()
                os.fsync(handle.fileno())
            self._act(run_dir)

    def _act(self, run_dir: Path | None) -> None:
        if self.action == "pause":
            if run_dir is not None:
                marker = Path(run_dir) / PAUSED_MARKER
                marker.parent.mkdir(parents=True, exist_ok=True)
                marker.write_text(f"{os.getpid()} {self.point} {self.epoch} {self.batch}\n")
            while True:                     # until SIGKILL from outside
                signal.pause()
        os.kill(os.getpid(), signal.SIGKILL)
