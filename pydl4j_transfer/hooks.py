"""Points of a training run where a caller may act: :class:`TrainingHooks`.

The job calls them and does nothing else there; tests pass hooks that kill or pause the process at an exact point
(``tests/fault_hooks.py``) to prove that checkpoints survive, so no fault-injection code sits in the training loop.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

#: Stages of one checkpoint write, in order: half the temporary file written, complete but not yet renamed, renamed.
CHECKPOINT_STAGES = ("partial", "before-rename", "done")


class TrainingHooks:
    """No-op hooks; subclass and override what you need, then ``TransferJob(..., hooks=MyHooks())``."""

    def on_batch(self, epoch: int, batch: int, run_dir: Path | None) -> None:
        """Before minibatch ``batch`` (0-based) of ``epoch`` (1-based) is trained."""

    def on_checkpoint(self, stage: str, epoch: int, run_dir: Path, handle: BinaryIO | None = None) -> None:
        """At ``stage`` (one of :data:`CHECKPOINT_STAGES`) of writing epoch ``epoch``'s checkpoint; ``handle`` is the
        temporary file for the first two stages."""


NO_HOOKS = TrainingHooks()

__all__ = ["CHECKPOINT_STAGES", "NO_HOOKS", "TrainingHooks"]
