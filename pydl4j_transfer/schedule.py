"""Learning-rate schedules for the job: linear warmup then cosine decay, per iteration.

:func:`warmup_cosine` gives the rate of every iteration; :func:`set_learning_rate` puts a rate on every trainable
parameter's updater of a graph (each updater reads its configuration's rate at every step). The job sets the rate
before each minibatch, so the curve is exactly the one recorded in the history.
"""

from __future__ import annotations

import math
from typing import Callable


def warmup_cosine(base_lr: float, total_iterations: int, warmup_iterations: int = 0,
                  final_fraction: float = 0.0) -> Callable[[int], float]:
    """``lr(iteration)`` (iterations from 0): linear from ``base_lr / warmup_iterations`` up to ``base_lr`` over the
    warmup, then a half cosine down to ``final_fraction * base_lr`` at the last iteration."""
    if not (math.isfinite(base_lr) and base_lr > 0):
        raise ValueError(f"warmup_cosine: base_lr must be a positive number, got {base_lr!r}")
    if total_iterations < 1 or warmup_iterations < 0 or warmup_iterations >= total_iterations + 1:
        raise ValueError(f"warmup_cosine: need 0 <= warmup ({warmup_iterations}) <= total ({total_iterations}), "
                         "total >= 1")
    if not 0.0 <= final_fraction <= 1.0:
        raise ValueError(f"warmup_cosine: final_fraction must be in [0, 1], got {final_fraction!r}")

    def lr(iteration: int) -> float:
        if iteration < warmup_iterations:
            return base_lr * (iteration + 1) / warmup_iterations
        span = max(1, total_iterations - warmup_iterations - 1)
        progress = min(1.0, (iteration - warmup_iterations) / span)
        return base_lr * (final_fraction + (1 - final_fraction) * 0.5 * (1 + math.cos(math.pi * progress)))

    return lr


def set_learning_rate(graph, lr: float) -> None:
    """Sets the rate of every trainable parameter's updater of ``graph`` (a Java ComputationGraph)."""
    for block in graph.getUpdater().getBlocks():
        block.config.setLrAndSchedule(float(lr), None)


__all__ = ["set_learning_rate", "warmup_cosine"]
