"""The one error type every weight reader raises."""

from __future__ import annotations

import os


class WeightFormatError(ValueError):
    """A weight file is missing, truncated, corrupt, of the wrong format, or asks for something forbidden.

    The message always names the file and says what to do about it.
    """

    def __init__(self, path: str | os.PathLike | None, problem: str, hint: str = ""):
        self.path = None if path is None else os.fspath(path)
        self.problem = problem
        where = f"{self.path}: " if self.path is not None else ""
        message = where + problem
        if hint:
            message += f" ({hint})"
        super().__init__(message)
