"""Read and write the safetensors format, parsed here (no dependency on the ``safetensors`` package).

Layout: an unsigned 64-bit little-endian header length N, N bytes of UTF-8 JSON mapping each tensor name to
``{"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}`` (offsets relative to the end of the header) plus an
optional ``"__metadata__"`` dict of strings, then the raw little-endian tensor bytes.

Reading returns tensors in header order; floating tensors become float32, integers int64, bools stay bool
(``drop_integer=True`` leaves out every non-float tensor).
"""

from __future__ import annotations

import collections
import json
import math
import os
import struct
from typing import Mapping

import numpy as np

from .errors import WeightFormatError

DTYPES = {
    "F64": np.dtype("<f8"), "F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "BF16": np.dtype("<u2"),
    "I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "I16": np.dtype("<i2"), "I8": np.dtype("i1"),
    "U64": np.dtype("<u8"), "U32": np.dtype("<u4"), "U16": np.dtype("<u2"), "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}
_CODES = {np.dtype(v.str.replace("<", "=")): k for k, v in DTYPES.items() if k not in ("BF16",)}
_MAX_HEADER = 100 * 1024 * 1024


def _convert(raw: np.ndarray, code: str) -> np.ndarray:
    if code == "BF16":
        return (raw.astype(np.uint32) << 16).view(np.float32)
    if raw.dtype.kind == "f":
        return raw.astype(np.float32)
    if raw.dtype.kind in "iu":
        return raw.astype(np.int64)
    return raw.copy()


def _parse_header(path, data: bytes) -> tuple[dict, int]:
    if len(data) < 8:
        raise WeightFormatError(path, "shorter than the 8-byte header length", "the file is truncated or empty")
    (n,) = struct.unpack("<Q", data[:8])
    if n > _MAX_HEADER or 8 + n > len(data):
        raise WeightFormatError(path, f"header length {n} exceeds the file ({len(data)} bytes)",
                                "the file is truncated or not safetensors")
    try:
        header = json.loads(data[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as e:  # RecursionError: absurdly deep nesting
        raise WeightFormatError(path, f"header is not valid JSON: {e}", "the file is corrupt or not safetensors") from e
    if not isinstance(header, dict):
        raise WeightFormatError(path, "header is not a JSON object", "the file is corrupt or not safetensors")
    return header, 8 + n


def read_safetensors(path: str | os.PathLike, drop_integer: bool = False
                     ) -> "collections.OrderedDict[str, np.ndarray]":
    """Read every tensor of a .safetensors file into an ordered dict name -> numpy array."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise WeightFormatError(path, f"cannot read file: {e.strerror}", "check the path") from e
    header, start = _parse_header(path, data)
    body = len(data) - start
    out: collections.OrderedDict[str, np.ndarray] = collections.OrderedDict()
    for name, info in header.items():
        if name == "__metadata__":
            continue
        try:
            code, shape, (begin, end) = info["dtype"], info["shape"], info["data_offsets"]
        except (TypeError, KeyError, ValueError) as e:
            raise WeightFormatError(path, f"tensor {name!r} has a malformed header entry {info!r:.200}",
                                    "the file is corrupt") from e
        if not isinstance(code, str) or code not in DTYPES:
            raise WeightFormatError(path, f"tensor {name!r} has unsupported dtype {code!r:.100}",
                                    f"supported: {', '.join(DTYPES)}")
        if not isinstance(shape, list) or not all(type(d) is int and d >= 0 for d in shape):
            raise WeightFormatError(path, f"tensor {name!r} has a bad shape {shape!r:.200}", "the file is corrupt")
        dtype = DTYPES[code]
        count = math.prod(shape)  # exact (Python ints): a product beyond the file is caught by the size check below
        if not (type(begin) is int and type(end) is int and 0 <= begin <= end):
            raise WeightFormatError(path, f"tensor {name!r} has bad data offsets {[begin, end]}", "the file is corrupt")
        if end - begin != count * dtype.itemsize:
            raise WeightFormatError(path, f"tensor {name!r}: {end - begin} bytes for shape {shape} of {code}",
                                    "the file is corrupt")
        if end > body:
            raise WeightFormatError(path, f"tensor {name!r} ends at byte {end} of a {body}-byte body",
                                    "the file is truncated; copy it again")
        raw = np.frombuffer(data, dtype=dtype, count=count, offset=start + begin).reshape(shape)
        array = _convert(raw, code)
        if drop_integer and array.dtype.kind != "f":
            continue
        out[name] = array
    return out


def read_safetensors_metadata(path: str | os.PathLike) -> dict:
    """Return the ``__metadata__`` dict of a .safetensors file (empty if it has none)."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
            if len(head) < 8:
                raise WeightFormatError(path, "shorter than the 8-byte header length", "the file is truncated or empty")
            (n,) = struct.unpack("<Q", head)
            header, _ = _parse_header(path, head + f.read(min(n, _MAX_HEADER + 1)))
    except OSError as e:
        raise WeightFormatError(path, f"cannot read file: {e.strerror}", "check the path") from e
    meta = header.get("__metadata__", {})
    return dict(meta) if isinstance(meta, dict) else {}


def write_safetensors(path: str | os.PathLike, tensors: Mapping[str, np.ndarray],
                      metadata: Mapping[str, str] | None = None) -> None:
    """Write ``tensors`` (name -> array) as a .safetensors file, in the given order, header padded to 8 bytes."""
    header: dict = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    arrays = []
    offset = 0
    for name, array in tensors.items():
        array = np.asarray(array, order="C")
        code = _CODES.get(array.dtype.newbyteorder("="))
        if code is None:
            raise WeightFormatError(path, f"tensor {name!r} has dtype {array.dtype}, which safetensors lacks",
                                    "convert it to a float or integer type")
        raw = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[str(name)] = {"dtype": code, "shape": list(array.shape), "data_offsets": [offset, offset + len(raw)]}
        arrays.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in arrays:
            f.write(raw)
