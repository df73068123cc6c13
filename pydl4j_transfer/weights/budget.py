"""A count of the bytes a weight file makes a reader hold, checked before each allocation."""

from __future__ import annotations

import os

from .errors import WeightFormatError


class ByteBudget:
    """Refuses (WeightFormatError naming the file) the allocation that would bring the total past ``limit``."""

    def __init__(self, path: str | os.PathLike, limit: int):
        self.path, self.limit, self.used = path, int(limit), 0

    @property
    def left(self) -> int:
        return self.limit - self.used

    def take(self, nbytes: int, what: str) -> None:
        self.used += int(nbytes)
        if self.used > self.limit:
            raise WeightFormatError(self.path, f"{what} brings the bytes to hold to {self.used}, above the limit of "
                                    f"{self.limit}", "the file is corrupt or hostile; pass max_bytes= to allow more")
