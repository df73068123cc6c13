"""Read PyTorch state dicts (``torch.save`` files) into numpy arrays, without importing torch.

Two container formats are supported:

* zip (the default since PyTorch 1.6): ``<folder>/data.pkl`` holds the pickled object; each storage is the raw
  little-endian record ``<folder>/data/<key>``; persistent ids are ``('storage', storage_type, key, location,
  numel)``. The folder name is whatever the writer chose (usually ``archive`` or the file's stem).
* legacy pickle: the pickled magic number, the protocol version, a ``sys_info`` dict, the pickled object (persistent
  ids ``('storage', storage_type, key, location, numel, view_metadata)``), the pickled list of storage keys, and then
  for each key an 8-byte little-endian element count followed by the raw elements.

Unpickling is RESTRICTED: ``find_class`` resolves only the handful of globals a state dict needs and maps them to
functions defined here that build numpy arrays. Any other global raises :class:`WeightFormatError`, so a malicious
file cannot run code.

Floating tensors come back as float32. Integer and bool tensors (e.g. BatchNorm's ``num_batches_tracked``) come back
as int64 / bool, or are dropped with ``drop_integer=True``.
"""

from __future__ import annotations

import collections
import io
import math
import os
import pickle
import pickletools
import struct
import warnings
import zipfile
from dataclasses import dataclass, field

import numpy as np

from ..limits import EntryTooLargeError, read_zip_entry
from .budget import ByteBudget
from .convert import to_output
from .errors import WeightFormatError

LEGACY_MAGIC = 0x1950A86A20F9469CFC6C
LEGACY_PROTOCOL_VERSION = 1001

# torch storage class name -> numpy dtype of its elements (little-endian).
STORAGE_DTYPES = {
    "FloatStorage": np.dtype("<f4"),
    "DoubleStorage": np.dtype("<f8"),
    "HalfStorage": np.dtype("<f2"),
    "BFloat16Storage": np.dtype("<u2"),  # raw bits; widened to float32 by convert.to_output
    "LongStorage": np.dtype("<i8"),
    "IntStorage": np.dtype("<i4"),
    "ShortStorage": np.dtype("<i2"),
    "CharStorage": np.dtype("i1"),
    "ByteStorage": np.dtype("u1"),
    "BoolStorage": np.dtype("?"),
    "UntypedStorage": np.dtype("u1"),
}
_BFLOAT16 = "BFloat16Storage"
_MAX_TENSOR_ELEMENTS = 1 << 34  # no weight tensor is this big; a larger claim is a corrupt or hostile file
#: Default bound on the bytes a file may make the reader hold: storages read plus tensors built (VGG-16 in float32
#: is 0.55 GB). A 2 MB file cannot make it inflate a 2 GiB record or expand a strided 1-element storage.
MAX_STATE_DICT_BYTES = 1 << 30
# Nesting of tuples in a pickle: a state dict needs 3 levels; hashing a tuple nested ~100k deep (as a dict key)
# overflows the C stack and kills the process, so deep nesting is refused before unpickling.
_MAX_TUPLE_NESTING = 1000
_TUPLE_OPS = frozenset({"TUPLE", "TUPLE1", "TUPLE2", "TUPLE3", "FROZENSET"})
_GET_OPS = frozenset({"GET", "BINGET", "LONG_BINGET"})
_PUT_OPS = frozenset({"PUT", "BINPUT", "LONG_BINPUT"})


@dataclass(frozen=True)
class _StorageType:
    name: str

    @property
    def dtype(self) -> np.dtype:
        return STORAGE_DTYPES[self.name]


@dataclass
class _Storage:
    """A storage referenced from the pickle; ``data`` is filled when its bytes are read."""

    key: str
    stype: _StorageType
    numel: int
    data: np.ndarray | None = None
    # legacy views: (root storage, element offset into it)
    view_of: "_Storage | None" = None
    view_offset: int = 0

    def elements(self) -> np.ndarray:
        if self.view_of is not None:
            root = self.view_of.elements()
            return root[self.view_offset:self.view_offset + self.numel]
        assert self.data is not None, f"storage {self.key} was never read"
        return self.data


@dataclass
class _TensorRef:
    """What ``_rebuild_tensor_v2`` returns: a recipe, materialised once all storages are read."""

    storage: _Storage
    offset: int
    size: tuple
    stride: tuple
    extra: dict = field(default_factory=dict)


def _check_ints(path, what, values) -> tuple:
    if not isinstance(values, tuple) or not all(isinstance(v, int) and v >= 0 for v in values):
        raise WeightFormatError(path, f"tensor {what} must be a tuple of non-negative ints, got {values!r}",
                                "the file is corrupt or not a state dict")
    return values


class _BoundedReader:
    """A file view whose reads never ask for more than what is left, so a hostile length field in a pickle cannot
    make the unpickler allocate a huge buffer."""

    def __init__(self, file, end: int):
        self._file = file
        self._end = end

    def _left(self) -> int:
        return max(0, self._end - self._file.tell())

    def read(self, n: int = -1) -> bytes:
        left = self._left()
        return self._file.read(left if n is None or n < 0 else min(n, left))

    def readinto(self, buffer) -> int:
        view = memoryview(buffer)[: self._left()]
        return self._file.readinto(view)

    def readline(self, limit: int = -1) -> bytes:
        left = self._left()
        return self._file.readline(left if limit is None or limit < 0 else min(limit, left))

    def tell(self) -> int:
        return self._file.tell()

    def seek(self, pos: int, whence: int = 0) -> int:
        return self._file.seek(pos, whence)


def _scan_nesting(path, ops) -> None:
    stack: list[int] = []
    marks: list[int] = []
    memo: dict = {}
    for op, arg, _ in ops:
        name = op.name
        if name == "MARK":
            marks.append(len(stack))
            continue
        before = op.stack_before
        items: list[int] = []
        if pickletools.markobject in before:
            at = marks.pop() if marks else len(stack)
            items, stack[at:] = stack[at:], []
            plain = sum(1 for b in before if b is not pickletools.markobject and b is not pickletools.stackslice)
        else:
            plain = len(before)
        items += [stack.pop() if stack else 0 for _ in range(plain)]
        if name in _TUPLE_OPS:
            depth = 1 + max(items, default=0)
            if depth > _MAX_TUPLE_NESTING:
                raise WeightFormatError(path, f"tuples nested more than {_MAX_TUPLE_NESTING} deep in the pickle",
                                        "the file is corrupt or hostile")
            stack.append(depth)
        elif name in _GET_OPS:
            stack.append(memo.get(arg, 0))
        elif name == "DUP":
            stack += [items[0], items[0]] if items else [0, 0]
        elif name in _PUT_OPS or name == "MEMOIZE":
            stack += items
            memo[arg if name != "MEMOIZE" else len(memo)] = stack[-1] if stack else 0
        else:
            stack += [0] * len(op.stack_after)


def _check_pickle_nesting(path, stream) -> None:
    """Scan one pickle's opcodes (without running it) and refuse tuples nested deeper than _MAX_TUPLE_NESTING.

    Leaves ``stream`` where it was. Opcodes the scan cannot parse are left for the unpickler to report.
    """
    start = stream.tell()
    try:
        with warnings.catch_warnings():   # bad escapes in a protocol-0 string: garbage, left to the unpickler
            warnings.simplefilter("error", DeprecationWarning)
            _scan_nesting(path, pickletools.genops(stream))
    except WeightFormatError:
        raise
    except Exception:  # garbage: the unpickler reports it with its own message
        pass
    finally:
        stream.seek(start)


class _RestrictedUnpickler(pickle._Unpickler):
    """Unpickler that knows only the globals a PyTorch state dict needs.

    Built on the pure-Python unpickler (``pickle._Unpickler``): its memo is a dict, so a hostile memo index in a
    file cannot make it allocate gigabytes as the C unpickler's memo array would. State-dict pickles are small
    (tens of KB), so the speed difference does not matter. Each pickle is scanned first for deep nesting.
    """

    def __init__(self, file, path, storage_factory):
        _check_pickle_nesting(path, file)
        super().__init__(file)
        self._path = path
        self._storage_factory = storage_factory
        path_for_closures = path

        def rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                              metadata=None):
            if not isinstance(storage, _Storage):
                raise WeightFormatError(path_for_closures, "tensor rebuilt from something that is not a storage",
                                        "the file is corrupt or not a state dict")
            if not isinstance(storage_offset, int) or storage_offset < 0:
                raise WeightFormatError(path_for_closures, f"bad storage offset {storage_offset!r}",
                                        "the file is corrupt")
            size = _check_ints(path_for_closures, "size", size)
            stride = _check_ints(path_for_closures, "stride", stride)
            if len(size) != len(stride):
                raise WeightFormatError(path_for_closures, f"size {size} and stride {stride} differ in rank",
                                        "the file is corrupt")
            return _TensorRef(storage, storage_offset, size, stride)

        def rebuild_tensor(storage, storage_offset, size, stride):
            return rebuild_tensor_v2(storage, storage_offset, size, stride)

        def rebuild_parameter(data, requires_grad=False, backward_hooks=None, *state):
            if not isinstance(data, _TensorRef):
                raise WeightFormatError(path_for_closures, "Parameter wraps something that is not a tensor",
                                        "the file is corrupt or not a state dict")
            return data

        self._globals = {
            ("collections", "OrderedDict"): collections.OrderedDict,
            ("torch._utils", "_rebuild_tensor_v2"): rebuild_tensor_v2,
            ("torch._utils", "_rebuild_tensor"): rebuild_tensor,
            ("torch._utils", "_rebuild_parameter"): rebuild_parameter,
            ("torch._utils", "_rebuild_parameter_with_state"): rebuild_parameter,
        }
        for name in STORAGE_DTYPES:
            self._globals[("torch", name)] = _StorageType(name)
        self._globals[("torch.storage", "UntypedStorage")] = _StorageType("UntypedStorage")

    def load(self):
        with warnings.catch_warnings():   # a bad escape in a string: an error (reported as corrupt), not a warning
            warnings.simplefilter("error", DeprecationWarning)
            return super().load()

    def find_class(self, module, name):
        try:
            return self._globals[(module, name)]
        except KeyError:
            raise WeightFormatError(
                self._path, f"forbidden global {module}.{name} in pickle",
                "only PyTorch state dicts of tensors are accepted; re-save the model with "
                "torch.save(model.state_dict(), path)") from None

    def persistent_load(self, pid):
        if self._storage_factory is None:
            raise WeightFormatError(self._path, "storage reference outside the object pickle",
                                    "the file is corrupt or not a PyTorch file")
        if not isinstance(pid, tuple) or len(pid) not in (5, 6) or pid[0] != "storage":
            raise WeightFormatError(self._path, f"unsupported persistent id {pid!r}",
                                    "only tensor storages may be referenced; the file is corrupt or not a state dict")
        stype, key, numel = pid[1], pid[2], pid[4]
        if not isinstance(stype, _StorageType):
            raise WeightFormatError(self._path, f"persistent id names no storage type: {stype!r}",
                                    "the file is corrupt")
        if not isinstance(key, str) or not isinstance(numel, int) or numel < 0:
            raise WeightFormatError(self._path, f"bad storage key or size in {pid!r}", "the file is corrupt")
        view = pid[5] if len(pid) == 6 else None
        return self._storage_factory(key, stype, numel, view)


def _materialise(path, name, ref: _TensorRef, budget: ByteBudget) -> np.ndarray:
    elements = ref.storage.elements()
    if math.prod(ref.size) > _MAX_TENSOR_ELEMENTS:
        raise WeightFormatError(path, f"tensor {name!r} claims shape {ref.size}", "the file is corrupt")
    # the copy below (and its float32/int64 output) is counted before it is made: strides of 0 can expand a tiny
    # storage into any size
    budget.take(math.prod(ref.size) * max(elements.dtype.itemsize, 8), f"tensor {name!r} of shape {ref.size}")
    if len(ref.size) == 0:
        last = ref.offset
    elif 0 in ref.size:
        return np.zeros(ref.size, dtype=elements.dtype)
    else:
        last = ref.offset + sum((n - 1) * s for n, s in zip(ref.size, ref.stride, strict=True))
    if last >= elements.shape[0]:
        raise WeightFormatError(path, f"tensor {name!r} reaches element {last} of a storage of {elements.shape[0]}",
                                "the file is truncated or corrupt")
    item = elements.dtype.itemsize
    view = np.lib.stride_tricks.as_strided(elements[ref.offset:], shape=ref.size,
                                           strides=tuple(s * item for s in ref.stride), writeable=False)
    return np.array(view, copy=True, order="C")


def _select_state_dict(path, obj) -> dict:
    if isinstance(obj, dict):
        for wrapper in ("state_dict", "model_state_dict"):
            if isinstance(obj.get(wrapper), dict):
                obj = obj[wrapper]
                break
    if not isinstance(obj, dict):
        raise WeightFormatError(path, f"top-level object is a {type(obj).__name__}, not a dict of tensors",
                                "save a state dict: torch.save(model.state_dict(), path)")
    for key, value in obj.items():
        if not isinstance(value, _TensorRef):
            raise WeightFormatError(path, f"entry {key!r} is a {type(value).__name__}, not a tensor",
                                    "save only model.state_dict(), not a whole checkpoint")
    return obj


def _finish(path, obj, drop_integer: bool, budget: ByteBudget) -> "collections.OrderedDict[str, np.ndarray]":
    state = _select_state_dict(path, obj)
    out: collections.OrderedDict[str, np.ndarray] = collections.OrderedDict()
    for key, ref in state.items():
        array = to_output(path, key, _materialise(path, key, ref, budget), ref.storage.stype.name == _BFLOAT16)
        if drop_integer and array.dtype.kind != "f":
            continue
        out[str(key)] = array
    return out


def _read_zip(path, drop_integer: bool, budget: ByteBudget):
    try:
        archive = zipfile.ZipFile(path)
    except Exception as e:  # BadZipFile, OSError, EOFError, NotImplementedError, ... on a damaged directory
        raise WeightFormatError(path, f"corrupt zip container ({type(e).__name__}: {e})",
                                "the file is truncated or corrupt") from e
    try:
        with archive:
            return _read_zip_archive(path, archive, drop_integer, budget)
    except WeightFormatError:
        raise
    except Exception as e:  # anything else a damaged member or pickle raises: zlib.error, MemoryError, TypeError, ...
        raise WeightFormatError(path, f"corrupt zip member ({type(e).__name__}: {e})",
                                "the file is truncated or corrupt") from e


def _read_zip_archive(path, archive: zipfile.ZipFile, drop_integer: bool, budget: ByteBudget):
    pkls = [n for n in archive.namelist() if n.endswith("/data.pkl") and n.count("/") == 1]
    if len(pkls) != 1:
        raise WeightFormatError(path, "zip file has no single '<folder>/data.pkl'",
                                "this is not a torch.save file")
    prefix = pkls[0][: -len("data.pkl")]
    big_endian = False
    if prefix + "byteorder" in archive.namelist():
        big_endian = read_zip_entry(archive, prefix + "byteorder", 16, path).strip() == b"big"
    storages: dict[str, _Storage] = {}

    def storage_factory(key, stype, numel, view):
        if key not in storages:
            storages[key] = _Storage(key, stype, numel)
        return storages[key]

    try:
        pickled = read_zip_entry(archive, pkls[0], budget.left, path)
        budget.take(len(pickled), pkls[0])
        obj = _RestrictedUnpickler(io.BytesIO(pickled), path, storage_factory).load()
        for key, storage in storages.items():
            dtype = storage.stype.dtype.newbyteorder(">" if big_endian else "<")
            need = storage.numel * dtype.itemsize
            budget.take(need, f"storage {key} ({storage.numel} elements)")   # before anything is inflated
            try:
                raw = read_zip_entry(archive, f"{prefix}data/{key}", need, path)   # stops at the declared size
            except KeyError:
                raise WeightFormatError(path, f"storage record {prefix}data/{key} is missing",
                                        "the file is truncated or corrupt") from None
            except EntryTooLargeError:
                raise WeightFormatError(path, f"storage record {prefix}data/{key} holds more than the {need} bytes "
                                        f"of its {storage.numel} elements", "the file is corrupt or hostile") from None
            if len(raw) < need:
                raise WeightFormatError(path, f"storage {key} has {len(raw)} bytes, needs {need}",
                                        "the file is truncated or corrupt")
            storage.data = np.frombuffer(raw, dtype=dtype, count=storage.numel).astype(dtype.newbyteorder("="))
    except (zipfile.BadZipFile, EOFError, pickle.UnpicklingError, struct.error, ValueError) as e:
        if isinstance(e, WeightFormatError):
            raise
        raise WeightFormatError(path, f"corrupt zip member: {e}", "the file is truncated or corrupt") from e
    return _finish(path, obj, drop_integer, budget)


def _read_legacy(path, drop_integer: bool, budget: ByteBudget):
    try:
        return _read_legacy_file(path, drop_integer, budget)
    except WeightFormatError:
        raise
    except Exception as e:  # any other failure on a damaged file (MemoryError, AttributeError, OverflowError, ...)
        raise WeightFormatError(path, f"corrupt legacy file ({type(e).__name__}: {e})",
                                "the file is truncated or corrupt") from e


def _read_legacy_file(path, drop_integer: bool, budget: ByteBudget):
    file_size = os.path.getsize(path)
    with open(path, "rb") as raw_file:
        f = _BoundedReader(raw_file, file_size)
        try:
            magic = _RestrictedUnpickler(f, path, None).load()
        except WeightFormatError:
            raise
        except Exception as e:  # any garbage at the start means this is not a torch file
            raise WeightFormatError(path, f"not a PyTorch file ({type(e).__name__}: {e})",
                                    "expected a torch.save state dict (.pt/.pth)") from e
        if magic != LEGACY_MAGIC:
            raise WeightFormatError(path, "not a PyTorch file (bad magic number)",
                                    "expected a torch.save state dict (.pt/.pth)")
        storages: dict[str, _Storage] = {}

        def storage_factory(key, stype, numel, view):
            if key not in storages:
                storages[key] = _Storage(key, stype, numel)
            root = storages[key]
            if view is None:
                return root
            view_key, view_offset, view_numel = view
            if view_key not in storages:
                storages[view_key] = _Storage(view_key, stype, view_numel, view_of=root, view_offset=view_offset)
            return storages[view_key]

        try:
            version = _RestrictedUnpickler(f, path, None).load()
            if version != LEGACY_PROTOCOL_VERSION:
                raise WeightFormatError(path, f"unsupported legacy protocol version {version!r}",
                                        "re-save the file with a current PyTorch")
            sys_info = _RestrictedUnpickler(f, path, None).load()
            if not isinstance(sys_info, dict) or not sys_info.get("little_endian", False):
                raise WeightFormatError(path, "legacy file written on a big-endian machine",
                                        "re-save it on a little-endian machine")
            obj = _RestrictedUnpickler(f, path, storage_factory).load()
            keys = _RestrictedUnpickler(f, path, None).load()
            if not isinstance(keys, list):
                raise WeightFormatError(path, "storage key list missing", "the file is truncated or corrupt")
            for key in keys:
                storage = storages.get(key)
                if storage is None or storage.view_of is not None:
                    raise WeightFormatError(path, f"unexpected storage key {key!r}", "the file is corrupt")
                header = f.read(8)
                if len(header) != 8:
                    raise WeightFormatError(path, f"storage {key} header is cut off", "the file is truncated")
                (numel,) = struct.unpack("<q", header)
                if numel != storage.numel:
                    raise WeightFormatError(path, f"storage {key} holds {numel} elements, pickle says "
                                            f"{storage.numel}", "the file is corrupt")
                nbytes = numel * storage.stype.dtype.itemsize
                if nbytes > file_size - f.tell():
                    raise WeightFormatError(path, f"storage {key} needs {nbytes} bytes, the file has "
                                            f"{file_size - f.tell()} left", "the file is truncated; copy it again")
                budget.take(nbytes, f"storage {key} ({numel} elements)")
                raw = f.read(nbytes)
                if len(raw) != nbytes:
                    raise WeightFormatError(path, f"storage {key} has {len(raw)} of {nbytes} bytes",
                                            "the file is truncated; copy it again")
                storage.data = np.frombuffer(raw, dtype=storage.stype.dtype)
        except WeightFormatError:
            raise
        except (EOFError, pickle.UnpicklingError, ValueError, TypeError, IndexError, struct.error) as e:
            raise WeightFormatError(path, f"corrupt legacy pickle ({type(e).__name__}: {e})",
                                    "the file is truncated or corrupt") from e
        missing = [k for k, s in storages.items() if s.view_of is None and s.data is None]
        if missing:
            raise WeightFormatError(path, f"storages {missing} have no data", "the file is truncated or corrupt")
        return _finish(path, obj, drop_integer, budget)


def read_torch_state_dict(path: str | os.PathLike, drop_integer: bool = False, *,
                          max_bytes: int = MAX_STATE_DICT_BYTES) -> "collections.OrderedDict[str, np.ndarray]":
    """Read a PyTorch state dict file (zip or legacy format) into an ordered dict of numpy arrays.

    Floating tensors are returned as float32 (float16, bfloat16 and float64 are converted); integer tensors as
    int64 and bool tensors as bool, unless ``drop_integer`` is true, in which case every non-float tensor is
    left out. A checkpoint dict that wraps the weights under ``state_dict`` or ``model_state_dict`` is unwrapped.
    At most ``max_bytes`` are held (storages read plus arrays built), counted before each allocation; every zip
    record is inflated only up to the size its storage declares. Float64 values beyond float32's range are refused.
    """
    budget = ByteBudget(path, max_bytes)
    if not os.path.isfile(path):
        raise WeightFormatError(path, "file not found", "check the path")
    if zipfile.is_zipfile(path):
        return _read_zip(path, drop_integer, budget)
    return _read_legacy(path, drop_integer, budget)
