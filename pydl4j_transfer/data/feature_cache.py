"""On-disk cache of feature vectors computed by a frozen feature extractor.

Layout: ``$PYDL4J_HOME/features/<namespace>/shard-<id>.npz`` (``PYDL4J_HOME`` defaults to ``~/.pydl4j``).
The namespace is a hash of everything that determines a feature vector except the image itself -- model
name, weights checksum, feature-extractor vertex, preprocessing fingerprint and image size -- and is
described in a readable ``namespace.json``. Inside it, entries are keyed by the SHA-1 of the image file's
bytes, so an edited file misses while a renamed or copied one still hits (identical files share one
entry; the first vector stored for a hash is the one returned).

One ``put_many`` call writes one shard (an uncompressed ``.npz`` holding ``hashes`` and ``features``),
e.g. one per batch: few files, fast to read for thousands of 1280- or 4096-float vectors. Shards are
written atomically (temp file, fsync, ``os.replace``), so a killed process leaves at worst an ignored
``*.tmp`` file, never a half-written shard. A shard that cannot be read is reported and ignored (its
entries miss and are recomputed).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import time
import uuid
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from ..limits import read_zip_entry
from .atomic import atomic_write, atomic_write_bytes

HOME_ENV = "PYDL4J_HOME"
SHARD_PREFIX = "shard-"
SHARD_SUFFIX = ".npz"
_HASH_CHUNK = 1 << 20
#: One array of one shard (a shard holds one batch; 1 GiB is 65k vectors of 4096 floats). A shard is read through
#: this cap and its declared shapes checked against the bytes present, so a hostile one cannot make us allocate.
MAX_SHARD_ARRAY_BYTES = 1 << 30


class CorruptShardWarning(UserWarning):
    """A cache shard could not be read and is ignored."""


def pydl4j_home() -> Path:
    """``$PYDL4J_HOME`` or ``~/.pydl4j``."""
    return Path(os.environ.get(HOME_ENV) or "~/.pydl4j").expanduser()


def default_cache_root() -> Path:
    return pydl4j_home() / "features"


def file_sha1(path: str | os.PathLike) -> str:
    """Hex SHA-1 of a file's bytes (read in 1 MiB chunks)."""
    digest = hashlib.sha1()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class CacheKey:
    """Everything besides the image content that determines a feature vector."""

    model_name: str
    weights_checksum: str
    vertex: str
    preprocess_fingerprint: str
    image_size: int

    def namespace(self) -> str:
        canonical = json.dumps(self.describe(), sort_keys=True)
        return hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:20]

    def describe(self) -> dict:
        return {"model_name": self.model_name, "weights_checksum": self.weights_checksum, "vertex": self.vertex,
                "preprocess_fingerprint": self.preprocess_fingerprint, "image_size": int(self.image_size)}


@dataclass(frozen=True)
class Lookup:
    """Result of :meth:`FeatureCache.get_many`: ``features[k]`` belongs to ``hit_indices[k]``."""

    hit_indices: np.ndarray
    features: np.ndarray
    miss_indices: np.ndarray


class FeatureCache:
    """Feature vectors of one (model, weights, vertex, preprocessing, size) combination, keyed by file hash."""

    def __init__(self, key: CacheKey, root: str | os.PathLike | None = None):
        self.key = key
        self.root = Path(root) if root is not None else default_cache_root()
        self.folder = self.root / key.namespace()
        self._index: dict[str, tuple[Path, int]] | None = None
        self._dim: int | None = None

    def __len__(self) -> int:
        return len(self._load_index())

    def __contains__(self, content_hash: str) -> bool:
        return content_hash in self._load_index()

    @property
    def dim(self) -> int | None:
        """Feature length of the stored vectors (None while empty)."""
        self._load_index()
        return self._dim

    def get_many(self, content_hashes: Sequence[str]) -> Lookup:
        """Look up vectors by file hash; misses are listed by position."""
        index = self._load_index()
        hits, misses = [], []
        by_shard: dict[Path, list[tuple[int, int]]] = {}
        for position, content_hash in enumerate(content_hashes):
            entry = index.get(content_hash)
            if entry is None:
                misses.append(position)
            else:
                by_shard.setdefault(entry[0], []).append((position, entry[1]))
        vectors: dict[int, np.ndarray] = {}
        for shard, wanted in by_shard.items():
            try:
                features = _read_shard_array(shard, "features", np.float32)
            except Exception as error:  # vanished or damaged since indexing: recompute those entries
                self._forget_shard(shard, error)
                misses.extend(position for position, _ in wanted)
                continue
            for position, row in wanted:
                vectors[position] = features[row]
        hits = sorted(vectors)
        dim = self._dim or 0
        stacked = np.stack([vectors[p] for p in hits]).astype(np.float32, copy=False) if hits \
            else np.zeros((0, dim), dtype=np.float32)
        return Lookup(hit_indices=np.array(hits, dtype=np.int64), features=stacked,
                      miss_indices=np.array(sorted(misses), dtype=np.int64))

    def put_many(self, content_hashes: Sequence[str], features: np.ndarray) -> Path:
        """Store ``features[i]`` under ``content_hashes[i]`` as one new shard; returns the shard's path."""
        matrix = np.ascontiguousarray(features, dtype=np.float32)
        if matrix.ndim != 2 or matrix.shape[0] != len(content_hashes):
            raise ValueError(f"FeatureCache.put_many: features must have shape ({len(content_hashes)}, dim), "
                             f"got {matrix.shape}")
        if len(content_hashes) == 0:
            raise ValueError("FeatureCache.put_many: nothing to store (empty content_hashes)")
        index = self._load_index()
        if self._dim is not None and matrix.shape[1] != self._dim:
            raise ValueError(f"FeatureCache.put_many: vectors have length {matrix.shape[1]} but the cache at "
                             f"{str(self.folder)!r} holds length {self._dim}; the cache key must differ")
        hashes = np.array([str(h) for h in content_hashes], dtype="U40")
        self._write_namespace_description()
        # time-ordered names: on reopening, the earliest shard holding a hash wins, as it does in memory
        shard = self.folder / f"{SHARD_PREFIX}{time.time_ns():020d}-{uuid.uuid4().hex[:12]}{SHARD_SUFFIX}"
        atomic_write(shard, lambda handle: np.savez(handle, hashes=hashes, features=matrix))
        for row, content_hash in enumerate(hashes.tolist()):
            index.setdefault(content_hash, (shard, row))
        self._dim = matrix.shape[1]
        return shard

    def _load_index(self) -> dict[str, tuple[Path, int]]:
        if self._index is not None:
            return self._index
        index: dict[str, tuple[Path, int]] = {}
        shards = sorted(self.folder.glob(f"{SHARD_PREFIX}*{SHARD_SUFFIX}")) if self.folder.is_dir() else []
        for shard in shards:
            try:
                hashes, dim = _read_shard_header(shard)
            except Exception as error:
                _warn_corrupt(shard, error)
                continue
            if self._dim is not None and dim != self._dim:
                _warn_corrupt(shard, ValueError(f"vector length {dim} differs from {self._dim}"))
                continue
            self._dim = dim
            for row, content_hash in enumerate(hashes):
                index.setdefault(content_hash, (shard, row))
        self._index = index
        return index

    def _forget_shard(self, shard: Path, error: Exception) -> None:
        _warn_corrupt(shard, error)
        if self._index is not None:
            self._index = {h: entry for h, entry in self._index.items() if entry[0] != shard}

    def _write_namespace_description(self) -> None:
        description = self.folder / "namespace.json"
        if not description.exists():
            text = json.dumps(self.key.describe(), indent=2, sort_keys=True) + "\n"
            atomic_write_bytes(description, text.encode("utf-8"))


def _read_shard_header(shard: Path) -> tuple[list[str], int]:
    """The hashes of a shard and its vector length, checked against the features' shape."""
    hashes = _read_shard_array(shard, "hashes", np.dtype("<U40")).tolist()
    with zipfile.ZipFile(shard) as archive, archive.open("features.npy") as member:
        shape, dtype = _npy_header(member)
    if len(shape) != 2 or shape[0] != len(hashes) or dtype != np.float32:
        raise ValueError(f"features shape {shape} / dtype {dtype} do not match {len(hashes)} hashes")
    return hashes, int(shape[1])


def _npy_header(stream) -> tuple[tuple[int, ...], np.dtype]:
    major, _ = np.lib.format.read_magic(stream)
    if major not in (1, 2):
        raise ValueError(f".npy format version {major} is not one numpy.savez writes")
    read_header = np.lib.format.read_array_header_1_0 if major == 1 else np.lib.format.read_array_header_2_0
    shape, fortran_order, dtype = read_header(stream)
    if fortran_order:
        raise ValueError("Fortran-ordered arrays are not written by this cache")
    return tuple(int(n) for n in shape), dtype


def _read_shard_array(shard: Path, name: str, expected_dtype) -> np.ndarray:
    """Array ``name`` of a shard, inflated under :data:`MAX_SHARD_ARRAY_BYTES`, its declared shape and dtype
    checked against ``expected_dtype`` and the bytes actually present before any array is made (np.load would
    allocate whatever the header declares)."""
    with zipfile.ZipFile(shard) as archive:
        raw = read_zip_entry(archive, f"{name}.npy", MAX_SHARD_ARRAY_BYTES, shard)
    stream = io.BytesIO(raw)
    shape, dtype = _npy_header(stream)
    if dtype != np.dtype(expected_dtype):
        raise ValueError(f"array {name!r} has dtype {dtype}, expected {np.dtype(expected_dtype)}")
    count = 1
    for n in shape:
        if n < 0:
            raise ValueError(f"array {name!r} declares a negative dimension in {shape}")
        count *= n
    body = raw[stream.tell():]
    if count * dtype.itemsize != len(body):
        raise ValueError(f"array {name!r} declares shape {shape} ({count * dtype.itemsize} bytes) but holds "
                         f"{len(body)} bytes")
    return np.frombuffer(body, dtype=dtype).reshape(shape)


def _warn_corrupt(shard: Path, error: Exception) -> None:
    warnings.warn(f"feature cache shard {str(shard)!r} is unreadable ({type(error).__name__}: {error}); it is "
                  "ignored and its features will be recomputed -- delete the file to silence this warning",
                  CorruptShardWarning, stacklevel=3)
