"""Read Keras (2.x) HDF5 weight files such as ``vgg16_weights_tf_dim_ordering_tf_kernels[_notop].h5``.

Layout: the root (or its ``model_weights`` group, for files written by ``model.save``) has a ``layer_names``
attribute listing the layers in order; each layer's group has a ``weight_names`` attribute listing its datasets in
order (e.g. ``block1_conv1/kernel:0``, or ``block1_conv1_W_1:0`` in files from Keras 1). Layers without weights
(input, pooling, flatten) have an empty ``weight_names``.

:func:`read_keras_h5` returns ``{layer_name: {short_name: float32 array}}`` in file order, only for layers that have
weights. ``short_name`` is the part after the last ``/`` without the ``:0`` suffix (``kernel``, ``bias``, ``gamma``,
``beta``, ``moving_mean``, ``moving_variance``, ...); Keras-1 names ``<layer>_W_1:0`` / ``<layer>_b_1:0`` become
``kernel`` / ``bias``. Arrays keep Keras' layouts: conv kernels HWIO, dense kernels [in, out].

The file is hostile until checked: only data stored in the file itself are read (HDF5 can point a dataset at any
file on the machine, a FIFO included), and nothing is read before its declared dtype, shape and size pass.
"""

from __future__ import annotations

import collections
import os
import re
from typing import Mapping

import numpy as np

from ..limits import MAX_WEIGHT_FILE_BYTES
from .budget import ByteBudget
from .errors import WeightFormatError

_KERAS1 = re.compile(r"^(?P<layer>.+)_(?P<param>W|b|gamma|beta|running_mean|running_std)(_\d+)?$")
_KERAS1_NAMES = {"W": "kernel", "b": "bias", "gamma": "gamma", "beta": "beta",
                 "running_mean": "moving_mean", "running_std": "moving_variance"}


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, (bytes, np.bytes_)) else str(value)


def short_weight_name(weight_name: str) -> str:
    """``block1_conv1/kernel:0`` -> ``kernel``; ``block1_conv1_W_1:0`` -> ``kernel``."""
    name = weight_name.split(":")[0]
    if "/" in name:
        return name.rsplit("/", 1)[1]
    m = _KERAS1.match(name)
    if m:
        return _KERAS1_NAMES[m.group("param")]
    return name


#: Shapes a caller expects, ``{layer: {short_name: shape}}`` (e.g. :func:`..mapping.vgg16_keras_shapes`).
ShapeTable = Mapping[str, Mapping[str, tuple]]
_MAX_NAMES = 100_000   # entries of a layer_names / weight_names attribute


def _hard_child(path, group, name: str, what: str):
    """``group[name]`` when every link on the way is a hard link inside the file. Links are inspected with HDF5's
    link API, which does not follow them (``name in group`` would open an external link's file, a FIFO included);
    external links, soft links and user-defined links are refused."""
    from h5py import h5l

    obj = group
    for part in name.split("/"):
        raw = part.encode("utf-8")
        if not raw or not obj.id.links.exists(raw):
            raise WeightFormatError(path, f"{what} is listed but missing", "the file is corrupt")
        kind = obj.id.links.get_info(raw).type
        if kind != h5l.TYPE_HARD:
            described = {h5l.TYPE_EXTERNAL: "an external link to another file", h5l.TYPE_SOFT: "a soft link"}.get(
                kind, "a user-defined link")
            raise WeightFormatError(path, f"{what} is {described}", "weight files must hold their own data; refused")
        obj = obj[part]
    return obj


def _names(path, attrs, key: str, what: str) -> list[str]:
    """A string-list attribute, its declared size checked before it is read."""
    if key not in attrs:
        return []
    shape = attrs.get_id(key).shape
    if shape is not None and (len(shape) > 1 or shape and shape[0] > _MAX_NAMES):
        raise WeightFormatError(path, f"{what} attribute {key!r} has shape {shape}", "the file is corrupt")
    return [_text(n) for n in np.atleast_1d(attrs[key])]


def _checked_dataset(path, dataset, what: str, expected: tuple | None, budget: ByteBudget):
    """Everything a read would trust, checked on the declared header first: where the bytes live (no external
    storage, no virtual dataset), the dtype (floating), the shape (``expected``) and the size (``budget``)."""
    if dataset.id.get_create_plist().get_external_count() > 0:
        raise WeightFormatError(path, f"{what} keeps its data in external files (HDF5 external storage)",
                                "weight files must hold their own data; refused")
    if dataset.is_virtual:
        raise WeightFormatError(path, f"{what} is a virtual dataset (its data live in other files)",
                                "weight files must hold their own data; refused")
    if dataset.dtype.kind != "f" or dataset.dtype.itemsize > 8:
        raise WeightFormatError(path, f"{what} has dtype {dataset.dtype}, not a float", "the file is corrupt")
    if expected is not None and tuple(dataset.shape) != tuple(expected):
        raise WeightFormatError(path, f"{what} has shape {tuple(dataset.shape)}, the architecture needs "
                                f"{tuple(expected)}", "is this file for another model or input size?")
    budget.take(int(np.prod(dataset.shape, dtype=object)) * 4, f"{what} of shape {tuple(dataset.shape)}")
    return dataset


def read_keras_h5(path: str | os.PathLike, expected: ShapeTable | None = None, *,
                  max_bytes: int = MAX_WEIGHT_FILE_BYTES
                  ) -> "collections.OrderedDict[str, collections.OrderedDict[str, np.ndarray]]":
    """Read a Keras HDF5 weight file into ``{layer: {short_name: float32 array}}`` (see module doc).

    Nothing outside the file is followed: external storage, virtual datasets and non-hard links (external, soft)
    are refused. Every dataset's declared dtype, shape (against ``expected`` when given: a layer or weight the
    table lacks is refused too) and size (``max_bytes`` in float32 in all) are checked before it is read.
    """
    import h5py

    if not os.path.isfile(path):
        raise WeightFormatError(path, "file not found", "check the path")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise WeightFormatError(path, f"not a readable HDF5 file ({e})",
                                "the file is truncated, corrupt or not .h5") from e
    budget = ByteBudget(path, max_bytes)
    with f:
        try:
            has_model_weights = f.id.links.exists(b"model_weights")   # (does not follow the link)
            root = _hard_child(path, f, "model_weights", "group 'model_weights'") if has_model_weights else f
            if "layer_names" not in root.attrs:
                raise WeightFormatError(path, "no 'layer_names' attribute",
                                        "this HDF5 file was not written by Keras' save_weights / model.save")
            out: collections.OrderedDict = collections.OrderedDict()
            for layer in _names(path, root.attrs, "layer_names", "root"):
                group = _hard_child(path, root, layer, f"layer {layer!r}")
                names = _names(path, group.attrs, "weight_names", f"layer {layer!r}")
                if not names:
                    continue
                shapes = None if expected is None else expected.get(layer)
                if expected is not None and shapes is None:
                    raise WeightFormatError(path, f"layer {layer!r} has weights the architecture does not know",
                                            "is this file for another model?")
                params: collections.OrderedDict = collections.OrderedDict()
                for weight_name in names:
                    what = f"weight {layer}/{weight_name}"
                    short = short_weight_name(weight_name)
                    if short in params:
                        raise WeightFormatError(path, f"layer {layer!r} has two weights named {short!r}",
                                                "rename the weights or read the file with h5py directly")
                    if shapes is not None and short not in shapes:
                        raise WeightFormatError(path, f"{what}: the architecture has no {short!r} in {layer!r} "
                                                f"(it has {', '.join(shapes)})", "is this file for another model?")
                    dataset = _hard_child(path, group, weight_name, what)
                    if not isinstance(dataset, h5py.Dataset):
                        raise WeightFormatError(path, f"{what} is a group, not a dataset", "the file is corrupt")
                    _checked_dataset(path, dataset, what, None if shapes is None else shapes[short], budget)
                    params[short] = np.asarray(dataset[()], dtype=np.float32)
                out[layer] = params
        except WeightFormatError:
            raise
        except (OSError, KeyError, ValueError, TypeError) as e:
            raise WeightFormatError(path, f"corrupt HDF5 content ({e})", "the file is truncated or corrupt") from e
        return out


def write_keras_h5(path: str | os.PathLike, layers: Mapping[str, Mapping[str, np.ndarray]]) -> None:
    """Write ``{layer: {short_name: array}}`` in the Keras 2 ``save_weights`` layout (``layer/short_name:0``).

    Layers are listed in the given order; give a layer an empty mapping to list it without weights, as Keras does for
    input, pooling and flatten layers.
    """
    import h5py

    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = np.array([n.encode("utf-8") for n in layers], dtype="S")
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.2.4"
        for layer, params in layers.items():
            group = f.create_group(layer)
            weight_names = [f"{layer}/{short}:0" for short in params]
            group.attrs["weight_names"] = np.array([w.encode("utf-8") for w in weight_names], dtype="S")
            for short, weight_name in zip(params, weight_names, strict=True):
                group.create_dataset(weight_name, data=np.asarray(params[short]))
