"""Decode image files into fixed-size RGB ``uint8`` arrays (height, width, 3) with Pillow.

What :func:`decode_image` does, in order:

1. For JPEG, ``Image.draft`` asks libjpeg for a DCT-scaled decode (1/2, 1/4 or 1/8) that is still at least
   the target size, so a 8000x6000 photo is decoded at about 1000x750 and memory stays bounded.
2. The EXIF orientation is applied (``ImageOps.exif_transpose``), so phone photos come out upright.
3. Any mode becomes RGB: grayscale, CMYK, palette and 16-bit images are converted; transparency (alpha or
   palette/colour-key transparency) is composited on a white background.
4. Resize: ``"stretch"`` resizes the whole image bilinearly to ``size x size`` (EfficientNet-Lite style);
   ``"center_crop"`` resizes the shorter side to ``size`` and crops the centre (VGG style).
5. Optional training augmentation (:class:`Augmentation`): decode slightly larger, then a random
   ``size x size`` crop and a random horizontal flip, seeded by ``(seed, epoch, index)``.

:func:`decode_many` decodes many files in worker processes, in order, and reports per-file failures
instead of aborting. It uses the ``spawn`` start method (safe when a JVM runs in the parent), so a script
calling it must guard its entry point with ``if __name__ == "__main__":``.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import warnings
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np
from PIL import Image, ImageOps

from ..limits import check_image_size
from ..shutdown import blocked_for_children, ignore_in_worker

RESIZE_MODES = ("stretch", "center_crop")
_SIXTEEN_BIT_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I")
_ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")
WHITE = (255, 255, 255)


class BadImageError(Exception):
    """An image file could not be decoded; ``path`` names the file and ``reason`` says why."""

    def __init__(self, path: str | os.PathLike, reason: str):
        self.path = os.fspath(path)
        self.reason = reason
        super().__init__(f"cannot decode image {self.path!r}: {reason}; remove or replace the file")

    def __reduce__(self):
        return (BadImageError, (self.path, self.reason))


@dataclass(frozen=True)
class Augmentation:
    """Random crop + horizontal flip for training, reproducible from ``(seed, epoch, index)``.

    The image is decoded at ``round(size * (1 + pad_fraction))`` and a ``size x size`` window is cut at
    a random position; with ``flip`` the window is mirrored left-right with probability 1/2.
    """

    seed: int
    epoch: int = 0
    pad_fraction: float = 0.125
    flip: bool = True

    def __post_init__(self):
        if not 0.0 <= self.pad_fraction <= 1.0:
            raise ValueError(f"Augmentation.pad_fraction must be in [0, 1], got {self.pad_fraction!r}")

    def decode_size(self, size: int) -> int:
        return int(round(size * (1.0 + self.pad_fraction)))

    def apply(self, image: np.ndarray, size: int, index: int) -> np.ndarray:
        rng = np.random.default_rng([int(self.seed) & 0xFFFFFFFF, int(self.epoch), int(index)])
        top = int(rng.integers(0, image.shape[0] - size + 1))
        left = int(rng.integers(0, image.shape[1] - size + 1))
        window = image[top:top + size, left:left + size]
        if self.flip and rng.random() < 0.5:
            window = window[:, ::-1]
        return np.ascontiguousarray(window)


@dataclass(frozen=True)
class DecodeResult:
    """Outcome for one file: ``image`` (uint8 HWC) on success, else ``error`` (the reason)."""

    index: int
    path: str
    image: np.ndarray | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.error is None


def decode_image(path: str | os.PathLike, size: int, mode: str = "stretch", *,
                 augment: Augmentation | None = None, index: int = 0, draft: bool = True,
                 data: bytes | None = None) -> np.ndarray:
    """Decode ``path`` into a ``(size, size, 3)`` uint8 RGB array; raises :class:`BadImageError`.

    ``data``: the file's bytes, already read (Spark executors hash and decode the same bytes); ``path`` then only
    names the image in errors."""
    _check_args(size, mode)
    target = augment.decode_size(size) if augment is not None else size
    try:
        source = io.BytesIO(data) if data is not None else path
        if (len(data) if data is not None else os.path.getsize(path)) == 0:
            raise BadImageError(path, "empty file (0 bytes)")
        # Pillow warns about damaged metadata (corrupt EXIF, tags past the end) it then skips: the pixels either
        # decode or raise, so those warnings are noise (printed once per file, from worker processes).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            with Image.open(source) as img:
                if draft and img.format == "JPEG":
                    img.draft(None, (target, target))
                img.load()
                img = _upright(img)
                img = to_rgb(img)
                img = _resize(img, target, mode)
                array = np.array(img, dtype=np.uint8)
    except BadImageError:
        raise
    except FileNotFoundError as error:
        raise BadImageError(path, "file not found") from error
    except Exception as error:  # Pillow raises many types (OSError, SyntaxError, ValueError, ...)
        reason = f"{type(error).__name__}: {error}"
        if data is not None:   # Pillow names a stream by its repr: name the file, as a decode from the path does
            reason = reason.replace(repr(source), repr(os.fspath(path)))
        raise BadImageError(path, reason) from error
    if augment is not None:
        array = augment.apply(array, size, index)
    return array


def to_rgb(img: Image.Image) -> Image.Image:
    """Convert any Pillow mode to RGB; transparent pixels become white, 16-bit values are scaled to 8 bits."""
    if img.mode == "RGB":
        return img
    if img.mode in _SIXTEEN_BIT_MODES:
        values = np.asarray(img).astype(np.uint32)
        eight = ((np.clip(values, 0, 65535) + 128) // 257).astype(np.uint8)
        return Image.fromarray(eight, mode="L").convert("RGB")
    if img.mode == "F":
        values = np.clip(np.asarray(img), 0.0, 255.0)
        return Image.fromarray(np.rint(values).astype(np.uint8), mode="L").convert("RGB")
    if img.mode in _ALPHA_MODES or "transparency" in img.info:
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, WHITE + (255,))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return img.convert("RGB")


def decode_many(paths: Sequence[str | os.PathLike], size: int, mode: str = "stretch", *,
                workers: int | None = None, augment: Augmentation | None = None,
                indices: Sequence[int] | None = None, chunksize: int = 8, window: int | None = None,
                draft: bool = True) -> Iterator[DecodeResult]:
    """Decode ``paths`` in ``workers`` processes, yielding one :class:`DecodeResult` per path, in order.

    A file that fails to decode yields a result with ``error`` set; decoding goes on. ``indices`` (default
    ``0..n-1``) are the per-file indices used for augmentation seeds. At most ``window`` chunks of
    ``chunksize`` files are in flight (default ``2 * workers``), so memory stays bounded however slowly
    the results are consumed. ``workers=1`` decodes in this process.
    """
    _check_args(size, mode)
    names = [os.fspath(p) for p in paths]
    keys = list(range(len(names))) if indices is None else [int(i) for i in indices]
    if len(keys) != len(names):
        raise ValueError(f"decode_many: indices has {len(keys)} entries but paths has {len(names)}")
    if chunksize < 1:
        raise ValueError(f"decode_many: chunksize must be >= 1, got {chunksize}")
    workers = default_workers() if workers is None else int(workers)
    if workers < 1:
        raise ValueError(f"decode_many: workers must be >= 1, got {workers}")
    jobs = [(names[i:i + chunksize], keys[i:i + chunksize], size, mode, augment, draft)
            for i in range(0, len(names), chunksize)]
    position = 0
    if workers == 1 or len(jobs) <= 1:
        for job in jobs:
            for image, error in _decode_chunk(job):
                yield DecodeResult(position, names[position], image, error)
                position += 1
        return
    window = 2 * workers if window is None else max(1, int(window))
    check_main_guard()
    with blocked_for_children():
        pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)),
                                   mp_context=multiprocessing.get_context("spawn"), initializer=ignore_in_worker)
    pending: deque = deque()
    try:
        upcoming = iter(jobs)
        for job in upcoming:
            with blocked_for_children():          # the pool starts its worker processes in submit
                pending.append((job, pool.submit(_decode_chunk, job)))
            if len(pending) >= window:
                break
        while pending:
            job, future = pending.popleft()
            try:
                results = future.result()
            except BrokenProcessPool as error:
                raise RuntimeError(f"a decode worker process died while decoding {job[0][0]!r} .. {job[0][-1]!r} "
                                   "(out of memory or a crash in an image library); decode with workers=1 to "
                                   "find the file") from error
            following = next(upcoming, None)
            if following is not None:
                with blocked_for_children():
                    pending.append((following, pool.submit(_decode_chunk, following)))
            for image, error in results:
                yield DecodeResult(position, names[position], image, error)
                position += 1
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def check_main_guard() -> None:
    """Worker processes are spawned: each imports the main script again. A script that does its work at import
    time (no ``if __name__ == "__main__":``) would run it again in every worker, which then dies; say so at once
    instead of reporting a dead worker."""
    import ast
    import sys

    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is None or getattr(main, "__spec__", None) is not None or not str(path).endswith(".py"):
        return          # python -c, an interactive session, python -m (a package's guarded entry point)
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return
    for node in tree.body:
        if isinstance(node, ast.If) and "__name__" in ast.unparse(node.test) and "__main__" in ast.unparse(node.test):
            return
    raise RuntimeError(f"{path} has no `if __name__ == \"__main__\":` guard: image decoding starts worker "
                       "processes that import this script again, so its top-level code would run in each of them. "
                       "Put the script's work under that guard (or pass workers=1)")


def default_workers() -> int:
    """CPUs this process may use (its affinity mask where the OS has one, else ``os.cpu_count()``)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _decode_chunk(job) -> list[tuple[np.ndarray | None, str | None]]:
    paths, keys, size, mode, augment, draft = job
    out = []
    for path, key in zip(paths, keys):
        try:
            out.append((decode_image(path, size, mode, augment=augment, index=key, draft=draft), None))
        except BadImageError as error:
            out.append((None, error.reason))
    return out


def _upright(img: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(img)
    except Exception:  # a corrupt EXIF block should not make the pixels unusable
        return img


def _resize(img: Image.Image, size: int, mode: str) -> Image.Image:
    if mode == "stretch":
        return img.resize((size, size), Image.Resampling.BILINEAR)
    # Resize the shorter side to ``size`` and cut the centre -- done as one resize of the matching source box, so
    # the long side is never materialised (a 1x50000 image would become 224 x 11.2 million pixels).
    width, height = img.size
    scale = size / min(width, height)
    new_w, new_h = max(size, round(width * scale)), max(size, round(height * scale))
    left, top = (new_w - size) // 2, (new_h - size) // 2
    sx, sy = new_w / width, new_h / height
    box = (left / sx, top / sy, (left + size) / sx, (top + size) / sy)
    return img.resize((size, size), Image.Resampling.BILINEAR, box=box)


def _check_args(size: int, mode: str) -> None:
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"image size must be a positive integer (e.g. 224), got {size!r}")
    check_image_size(size, "decode")   # an absurd size would be allocated per image, in every worker
    if mode not in RESIZE_MODES:
        raise ValueError(f"resize mode must be one of {RESIZE_MODES}, got {mode!r}")
