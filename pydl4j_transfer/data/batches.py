"""Stream preprocessed mini-batches from image files without loading the whole data set.

Decoding runs in worker processes (:func:`decode_many`), and a background thread assembles and
preprocesses the next ``prefetch`` batches while the consumer works on the current one. Files that fail
to decode are skipped and listed in :attr:`BatchStream.skipped`; with ``strict=True`` the pass ends with an
:class:`UndecodableImagesError` listing every one of them. :func:`check_images` decodes a list of files once and
returns (or, strict, raises on) every file that cannot be decoded, before any training starts.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import threading
from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np

from .decode import Augmentation, decode_many
from .preprocess import PreprocessSpec, get_spec

log = logging.getLogger(__name__)
_END = object()


@dataclass(frozen=True)
class Batch:
    """``features`` float32 (N, 3, H, W); ``labels`` int64 (N,) class indices; ``paths`` the N files."""

    features: np.ndarray
    labels: np.ndarray
    paths: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.paths)


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str


class UndecodableImagesError(ValueError):
    """Some image files cannot be decoded; ``skipped`` lists each file with its reason."""

    def __init__(self, skipped: Sequence[SkippedFile]):
        self.skipped = list(skipped)
        lines = "".join(f"\n  {s.path}: {s.reason}" for s in self.skipped)
        super().__init__(f"{len(self.skipped)} image file(s) cannot be decoded; remove or replace them:{lines}")


def check_images(paths: Sequence[str | os.PathLike], *, size: int = 32, workers: int | None = None,
                 strict: bool = False, chunksize: int = 8) -> list[SkippedFile]:
    """Decode every file once (JPEGs at reduced size) and return each one that cannot be decoded, with its reason.

    With ``strict=True`` a non-empty result is raised as :class:`UndecodableImagesError` instead.
    """
    skipped = [SkippedFile(r.path, r.error) for r in decode_many(paths, size, workers=workers, chunksize=chunksize)
               if not r.ok]
    if strict and skipped:
        raise UndecodableImagesError(skipped)
    return skipped


class _Failure:
    def __init__(self, error: BaseException):
        self.error = error


class BatchStream:
    """Iterable over :class:`Batch` es of ``batch_size`` files (the last one may be smaller).

    Each ``iter()`` is a fresh pass over ``paths`` in the given order (shuffle them beforehand for
    training). ``skipped`` holds the files of the latest pass that could not be decoded; with ``strict`` the
    pass, once every file is decoded, raises :class:`UndecodableImagesError` listing them instead of only logging.
    """

    def __init__(self, paths: Sequence[str | os.PathLike], labels: Sequence[int], *, batch_size: int,
                 image_size: int, preprocess: str | PreprocessSpec, mode: str = "stretch",
                 workers: int | None = None, prefetch: int = 2, augment: Augmentation | None = None,
                 chunksize: int = 8, strict: bool = False):
        if len(paths) != len(labels):
            raise ValueError(f"BatchStream: {len(paths)} paths but {len(labels)} labels; pass one label per path")
        if batch_size < 1:
            raise ValueError(f"BatchStream: batch_size must be >= 1, got {batch_size}")
        if prefetch < 1:
            raise ValueError(f"BatchStream: prefetch must be >= 1, got {prefetch}")
        self.paths = [os.fspath(p) for p in paths]
        self.labels = np.asarray(labels, dtype=np.int64)
        self.batch_size = int(batch_size)
        self.image_size = int(image_size)
        self.spec = get_spec(preprocess)
        self.mode = mode
        self.workers = workers
        self.prefetch = int(prefetch)
        self.augment = augment
        self.chunksize = int(chunksize)
        self.strict = bool(strict)
        self.skipped: list[SkippedFile] = []

    def __len__(self) -> int:
        """Number of batches if no file is skipped."""
        return -(-len(self.paths) // self.batch_size)

    def __iter__(self) -> Iterator[Batch]:
        self.skipped = []
        ready: queue.Queue = queue.Queue(maxsize=self.prefetch)
        stop = threading.Event()
        producer = threading.Thread(target=self._produce, args=(ready, stop), name="BatchStream-producer",
                                    daemon=True)
        producer.start()
        try:
            while True:
                item = ready.get()
                if item is _END:
                    break
                if isinstance(item, _Failure):
                    raise item.error
                yield item
        finally:
            stop.set()
            while producer.is_alive():
                try:
                    ready.get(timeout=0.05)  # unblock a producer waiting on a full queue
                except queue.Empty:
                    pass
            producer.join()
        if self.skipped and self.strict:
            raise UndecodableImagesError(self.skipped)
        if self.skipped:
            log.warning("skipped %d undecodable file(s), first: %s (%s)", len(self.skipped),
                        self.skipped[0].path, self.skipped[0].reason)

    def _produce(self, ready: queue.Queue, stop: threading.Event) -> None:
        # SIGINT/SIGTERM go to the main thread (which stops this one), never to this thread or its worker processes
        signal.pthread_sigmask(signal.SIG_BLOCK, (signal.SIGINT, signal.SIGTERM))
        results = decode_many(self.paths, self.image_size, self.mode, workers=self.workers,
                              augment=self.augment, chunksize=self.chunksize)
        try:
            images, rows = [], []
            for result in results:
                if stop.is_set():
                    return
                if not result.ok:
                    self.skipped.append(SkippedFile(result.path, result.error))
                    continue
                images.append(result.image)
                rows.append(result.index)
                if len(images) == self.batch_size:
                    if not self._put(ready, stop, self._assemble(images, rows)):
                        return
                    images, rows = [], []
            if images and not self._put(ready, stop, self._assemble(images, rows)):
                return
            self._put(ready, stop, _END)
        except BaseException as error:  # hand any failure to the consumer thread
            self._put(ready, stop, _Failure(error))
        finally:
            results.close()

    def _assemble(self, images: list[np.ndarray], rows: list[int]) -> Batch:
        features = self.spec.apply(np.stack(images))
        return Batch(features=features, labels=self.labels[rows].copy(), paths=tuple(self.paths[r] for r in rows))

    @staticmethod
    def _put(ready: queue.Queue, stop: threading.Event, item) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False
