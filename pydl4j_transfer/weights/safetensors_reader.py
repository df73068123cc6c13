"""Read safetensors files through the maintained ``safetensors`` package; write them in header order.

Layout: an unsigned 64-bit little-endian header length N, N bytes of UTF-8 JSON mapping each tensor name to
``{"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}`` (offsets relative to the end of the header) plus an
optional ``"__metadata__"`` dict of strings, then the raw little-endian tensor bytes.

The package does the hostile-input checks of the format (header size and JSON, offsets inside the data section,
contiguous, never overlapping); around it, a file's size is capped before it is read and only real-valued dtypes are
accepted. Reading returns tensors in data order; floating tensors become float32 (BF16 widened exactly), integers
int64, bools stay bool (``drop_integer=True`` leaves out every non-float tensor).
"""

from __future__ import annotations

import collections
import json
import os
import struct
from typing import Mapping

import numpy as np
import safetensors

from ..limits import MAX_WEIGHT_FILE_BYTES
from .convert import to_output
from .errors import WeightFormatError

DTYPES = {
    "F64": np.dtype("<f8"), "F32": np.dtype("<f4"), "F16": np.dtype("<f2"), "BF16": np.dtype("<u2"),
    "I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "I16": np.dtype("<i2"), "I8": np.dtype("i1"),
    "U64": np.dtype("<u8"), "U32": np.dtype("<u4"), "U16": np.dtype("<u2"), "U8": np.dtype("u1"),
    "BOOL": np.dtype("?"),
}
_CODES = {np.dtype(v.str.replace("<", "=")): k for k, v in DTYPES.items() if k not in ("BF16",)}


def _fail(path, error: Exception) -> WeightFormatError:
    # the package's messages say what is wrong ("invalid offset for tensor `b`", "header too large") but not where
    return WeightFormatError(path, f"not a valid safetensors file: {error}",
                             "the file is truncated, corrupt or hostile")


def read_safetensors(path: str | os.PathLike, drop_integer: bool = False, *, max_bytes: int = MAX_WEIGHT_FILE_BYTES
                     ) -> "collections.OrderedDict[str, np.ndarray]":
    """Read every tensor of a .safetensors file into an ordered dict name -> numpy array (in data order).

    The ``safetensors`` package parses and validates the file (header size, JSON, every tensor's offsets inside the
    data section, no overlaps or gaps); files over ``max_bytes`` are refused before they are read.
    """
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            raise WeightFormatError(path, f"{size} bytes, above the limit of {max_bytes}",
                                    "pass max_bytes= to read larger weight files")
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise WeightFormatError(path, f"cannot read file: {e.strerror}", "check the path") from e
    try:
        tensors = dict(safetensors.deserialize(data))
        with safetensors.safe_open(os.fspath(path), framework="numpy") as f:
            order = f.offset_keys()   # deserialize's order varies from call to call
    except Exception as e:  # SafetensorError, and whatever else a hostile header makes the parser raise
        raise _fail(path, e) from e
    del data
    if sorted(order) != sorted(tensors):
        raise WeightFormatError(path, "the file changed while it was read", "read it again")
    out: collections.OrderedDict[str, np.ndarray] = collections.OrderedDict()
    for name in order:
        info = tensors[name]
        code = info["dtype"].upper()
        if code not in DTYPES:
            raise WeightFormatError(path, f"tensor {name!r} has unsupported dtype {code!r:.100}",
                                    f"supported: {', '.join(DTYPES)}")
        raw = np.frombuffer(info["data"], dtype=DTYPES[code]).reshape(info["shape"])
        array = to_output(path, name, raw, bfloat16=code == "BF16")
        if drop_integer and array.dtype.kind != "f":
            continue
        out[name] = array
    return out


def read_safetensors_metadata(path: str | os.PathLike) -> dict:
    """Return the ``__metadata__`` dict of a .safetensors file (empty if it has none); only the header is read."""
    if not os.path.isfile(path):
        raise WeightFormatError(path, "file not found", "check the path")
    try:
        with safetensors.safe_open(os.fspath(path), framework="numpy") as f:
            meta = f.metadata()
    except Exception as e:
        raise _fail(path, e) from e
    return dict(meta) if isinstance(meta, dict) else {}


def write_safetensors(path: str | os.PathLike, tensors: Mapping[str, np.ndarray],
                      metadata: Mapping[str, str] | None = None) -> None:
    """Write ``tensors`` (name -> array) as a .safetensors file, in the given order, header padded to 8 bytes."""
    with open(path, "wb") as f:
        write_safetensors_to(f, tensors, metadata, name=path)


def write_safetensors_to(f, tensors: Mapping[str, np.ndarray], metadata: Mapping[str, str] | None = None, *,
                         name: str | os.PathLike | None = None) -> None:
    """:func:`write_safetensors` into an open binary file ``f`` (``name`` for error messages)."""
    path = name
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
    f.write(struct.pack("<Q", len(text)))
    f.write(text)
    for raw in arrays:
        f.write(raw)
