"""Read Keras (2.x) HDF5 weight files such as ``vgg16_weights_tf_dim_ordering_tf_kernels[_notop].h5``.

Layout: the root (or its ``model_weights`` group, for files written by ``model.save``) has a ``layer_names``
attribute listing the layers in order; each layer's group has a ``weight_names`` attribute listing its datasets in
order (e.g. ``block1_conv1/kernel:0``, or ``block1_conv1_W_1:0`` in files from Keras 1). Layers without weights
(input, pooling, flatten) have an empty ``weight_names``.

:func:`read_keras_h5` returns ``{layer_name: {short_name: float32 array}}`` in file order, only for layers that have
weights. ``short_name`` is the part after the last ``/`` without the ``:0`` suffix (``kernel``, ``bias``, ``gamma``,
``beta``, ``moving_mean``, ``moving_variance``, ...); Keras-1 names ``<layer>_W_1:0`` / ``<layer>_b_1:0`` become
``kernel`` / ``bias``. Arrays keep Keras' layouts: conv kernels HWIO, dense kernels [in, out].
"""

from __future__ import annotations

import collections
import os
import re
from typing import Mapping

import numpy as np

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


def read_keras_h5(path: str | os.PathLike) -> "collections.OrderedDict[str, collections.OrderedDict[str, np.ndarray]]":
    """Read a Keras HDF5 weight file into ``{layer: {short_name: float32 array}}`` (see module doc)."""
    import h5py

    if not os.path.isfile(path):
        raise WeightFormatError(path, "file not found", "check the path")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise WeightFormatError(path, f"not a readable HDF5 file ({e})",
                                "the file is truncated, corrupt or not .h5") from e
    with f:
        root = f["model_weights"] if "model_weights" in f else f
        if "layer_names" not in root.attrs:
            raise WeightFormatError(path, "no 'layer_names' attribute",
                                    "this HDF5 file was not written by Keras' save_weights / model.save")
        out: collections.OrderedDict = collections.OrderedDict()
        try:
            for layer in (_text(n) for n in root.attrs["layer_names"]):
                if layer not in root:
                    raise WeightFormatError(path, f"layer {layer!r} is listed but has no group", "the file is corrupt")
                group = root[layer]
                names = [_text(n) for n in group.attrs.get("weight_names", [])]
                if not names:
                    continue
                params: collections.OrderedDict = collections.OrderedDict()
                for weight_name in names:
                    if weight_name not in group:
                        raise WeightFormatError(path, f"weight {layer}/{weight_name} is listed but missing",
                                                "the file is corrupt")
                    short = short_weight_name(weight_name)
                    if short in params:
                        raise WeightFormatError(path, f"layer {layer!r} has two weights named {short!r}",
                                                "rename the weights or read the file with h5py directly")
                    params[short] = np.asarray(group[weight_name][()], dtype=np.float32)
                out[layer] = params
        except WeightFormatError:
            raise
        except (OSError, KeyError, ValueError) as e:
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
