"""Write a dict of numpy arrays as a PyTorch state dict file, without importing torch.

The files load with ``torch.load(path, weights_only=True)`` and with :func:`read_torch_state_dict`. Both container
formats are written exactly as ``torch.save`` lays them out (see ``torch_reader`` for the layouts), which is what
the format tests rely on; it also lets fine-tuned weights be handed back to PyTorch users.

The object pickle is emitted opcode by opcode (protocol 2) because its globals live in torch, which is not imported.
"""

from __future__ import annotations

import io
import os
import pickle
import struct
import zipfile
from typing import Mapping

import numpy as np

from pydl4j_transfer.weights.errors import WeightFormatError
from pydl4j_transfer.weights.torch_reader import LEGACY_MAGIC, LEGACY_PROTOCOL_VERSION

# numpy dtype -> torch storage class name
_STORAGE_NAMES = {
    np.dtype("float32"): "FloatStorage",
    np.dtype("float64"): "DoubleStorage",
    np.dtype("float16"): "HalfStorage",
    np.dtype("int64"): "LongStorage",
    np.dtype("int32"): "IntStorage",
    np.dtype("int16"): "ShortStorage",
    np.dtype("int8"): "CharStorage",
    np.dtype("uint8"): "ByteStorage",
    np.dtype("bool"): "BoolStorage",
}


class _OpcodeWriter:
    """Just enough of a protocol-2 pickler for a state dict whose globals are named, not imported."""

    def __init__(self):
        self.out = io.BytesIO()
        self.out.write(pickle.PROTO + b"\x02")

    def op(self, code: bytes) -> None:
        self.out.write(code)

    def global_(self, module: str, name: str) -> None:
        self.out.write(pickle.GLOBAL + module.encode() + b"\n" + name.encode() + b"\n")

    def value(self, v) -> None:
        if v is None:
            self.op(pickle.NONE)
        elif v is True or v is False:
            self.op(pickle.NEWTRUE if v else pickle.NEWFALSE)
        elif isinstance(v, int):
            if 0 <= v < 2 ** 31:
                self.op(pickle.BININT + struct.pack("<i", v))
            else:
                raw = v.to_bytes((v.bit_length() + 8) // 8, "little", signed=True)
                self.op(pickle.LONG1 + bytes([len(raw)]) + raw)
        elif isinstance(v, str):
            raw = v.encode("utf-8")
            self.op(pickle.BINUNICODE + struct.pack("<I", len(raw)) + raw)
        elif isinstance(v, tuple):
            self.op(pickle.MARK)
            for item in v:
                self.value(item)
            self.op(pickle.TUPLE)
        else:
            raise TypeError(f"cannot write {type(v).__name__}")

    def empty_ordered_dict(self) -> None:
        self.global_("collections", "OrderedDict")
        self.op(pickle.EMPTY_TUPLE + pickle.REDUCE)

    def tensor(self, storage_name: str, key: str, numel: int, shape: tuple, legacy: bool,
               offset: int = 0, strides: tuple | None = None) -> None:
        """A ``_rebuild_tensor_v2`` call on storage ``key``; contiguous unless ``offset``/``strides`` are given."""
        self.global_("torch._utils", "_rebuild_tensor_v2")
        self.op(pickle.MARK)
        # persistent id of the storage
        self.op(pickle.MARK)
        self.value("storage")
        self.global_("torch", storage_name)
        self.value(key)
        self.value("cpu")
        self.value(numel)
        if legacy:
            self.value(None)
        self.op(pickle.TUPLE + pickle.BINPERSID)
        if strides is None:
            strides = tuple(int(np.prod(shape[i + 1:], dtype=np.int64)) for i in range(len(shape)))
        self.value(offset)
        self.value(tuple(shape))
        self.value(strides)
        self.value(False)
        self.empty_ordered_dict()
        self.op(pickle.TUPLE + pickle.REDUCE)

    def finish(self) -> bytes:
        self.op(pickle.STOP)
        return self.out.getvalue()


def _prepare(path, tensors: Mapping[str, np.ndarray]):
    prepared = []
    for i, (name, array) in enumerate(tensors.items()):
        array = np.asarray(array, order="C")  # (ascontiguousarray would turn 0-d into 1-d)
        storage_name = _STORAGE_NAMES.get(array.dtype)
        if storage_name is None:
            raise WeightFormatError(path, f"tensor {name!r} has dtype {array.dtype}, which has no torch storage",
                                    "convert it to float32, float64, float16 or an integer type")
        prepared.append((str(name), str(i), storage_name, array))
    return prepared


def _object_pickle(prepared, legacy: bool) -> bytes:
    w = _OpcodeWriter()
    w.empty_ordered_dict()
    if prepared:
        w.op(pickle.MARK)
        for name, key, storage_name, array in prepared:
            w.value(name)
            w.tensor(storage_name, key, array.size, array.shape, legacy)
        w.op(pickle.SETITEMS)
    return w.finish()


def write_torch_state_dict(path: str | os.PathLike, tensors: Mapping[str, np.ndarray], legacy: bool = False,
                           archive_name: str = "archive") -> None:
    """Write ``tensors`` (name -> array, in order) as a torch.save file: zip format, or legacy if ``legacy``."""
    prepared = _prepare(path, tensors)
    data_pkl = _object_pickle(prepared, legacy)
    if legacy:
        sys_info = {"protocol_version": LEGACY_PROTOCOL_VERSION, "little_endian": True,
                    "type_sizes": {"short": 2, "int": 4, "long": 4}}
        with open(path, "wb") as f:
            for header in (LEGACY_MAGIC, LEGACY_PROTOCOL_VERSION, sys_info):
                pickle.dump(header, f, protocol=2)
            f.write(data_pkl)
            pickle.dump([key for _, key, _, _ in prepared], f, protocol=2)
            for _, _, _, array in prepared:
                f.write(struct.pack("<q", array.size))
                f.write(array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes())
        return
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr(f"{archive_name}/data.pkl", data_pkl)
        z.writestr(f"{archive_name}/byteorder", "little")
        for _, key, _, array in prepared:
            z.writestr(f"{archive_name}/data/{key}", array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes())
        z.writestr(f"{archive_name}/version", "3\n")


__all__ = ["write_torch_state_dict"]
