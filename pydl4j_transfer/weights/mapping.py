"""From source weight names and layouts to the engine's parameter table.

Engine parameter keys are ``{vertex}_{param}``, as in DL4J's ``ComputationGraph.paramTable()``: params ``W`` and
``b`` (convolutions OIHW, depthwise [C, 1, kh, kw], dense [nIn, nOut], biases 1-D) and, for BatchNormalization,
``gamma``, ``beta``, ``mean``, ``var``. Vertex names never end in a param name, so ``split_param_key`` is exact.

* VGG-16 from Keras (:func:`vgg16_from_keras`): conv kernels HWIO -> OIHW; dense kernels stay [in, out]; fc1's rows
  are permuted from Keras' (h, w, c) flatten order to the engine's (c, h, w) order.
* EfficientNet-Lite from PyTorch (:func:`efficientnet_lite_from_torch`, table :func:`efficientnet_lite_key_map`):
  names follow ``weights.efficientnet_lite_arch``; ``_fc.weight`` [out, in] is transposed to [in, out];
  ``num_batches_tracked`` buffers are dropped.
"""

from __future__ import annotations

import collections
from typing import Mapping

import numpy as np

from .efficientnet_lite_arch import HEAD_CHANNELS, NUM_CLASSES, STEM_CHANNELS, expand_blocks, variant_table
from .vgg16_arch import VGG16_CONV, VGG16_DENSE

PARAMS = ("W", "b", "gamma", "beta", "mean", "var")
_TORCH_BN = (("weight", "gamma"), ("bias", "beta"), ("running_mean", "mean"), ("running_var", "var"))


class WeightMappingError(ValueError):
    """Source weights do not fit the model: a missing, unexpected or misshapen tensor (the message names it)."""


def param_key(vertex: str, param: str) -> str:
    return f"{vertex}_{param}"


def split_param_key(key: str) -> tuple[str, str]:
    """``blocks_1_0_dw_conv_W`` -> (``blocks_1_0_dw_conv``, ``W``)."""
    vertex, _, param = key.rpartition("_")
    if not vertex or param not in PARAMS:
        raise ValueError(f"{key!r} is not an engine parameter key '<vertex>_<{'|'.join(PARAMS)}>'")
    return vertex, param


# ---------------------------------------------------------------- VGG-16 (Keras)

def hwc_rows_to_chw(kernel: np.ndarray, height: int, width: int, channels: int) -> np.ndarray:
    """Reorder a dense kernel's rows from (h, w, c) flatten order (Keras) to (c, h, w) order (the engine)."""
    n_in, n_out = kernel.shape
    if n_in != height * width * channels:
        raise WeightMappingError(f"dense kernel has {n_in} rows, expected {height}*{width}*{channels}")
    return np.ascontiguousarray(kernel.reshape(height, width, channels, n_out).transpose(2, 0, 1, 3)
                                .reshape(n_in, n_out))


def vgg16_keras_shapes(include_top: bool, input_hw: tuple[int, int] = (224, 224)) -> dict:
    """Every weight of Keras' VGG-16 file with its exact shape (HWIO kernels, [in, out] dense), from the architecture
    table: what :func:`~.keras_h5_reader.read_keras_h5` checks a file against before reading any of it."""
    shapes: dict = {}
    for name, cin, cout in VGG16_CONV:
        shapes[name] = {"kernel": (3, 3, cin, cout), "bias": (cout,)}
    if include_top:
        channels = VGG16_CONV[-1][2]
        for name, n_in, n_out, _ in VGG16_DENSE:
            if name == "fc1":
                n_in = (input_hw[0] // 32) * (input_hw[1] // 32) * channels
            shapes[name] = {"kernel": (n_in, n_out), "bias": (n_out,)}
    return shapes


def _keras_layer(layers, name, source):
    if name not in layers:
        raise WeightMappingError(f"{source}: layer {name!r} is missing (found: {', '.join(layers) or 'none'})")
    params = layers[name]
    for short in ("kernel", "bias"):
        if short not in params:
            raise WeightMappingError(f"{source}: layer {name!r} has no {short!r} (found: {', '.join(params)})")
    return params["kernel"], params["bias"]


def vgg16_from_keras(layers: Mapping[str, Mapping[str, np.ndarray]], source: str = "Keras weights",
                     input_hw: tuple[int, int] | None = None) -> "collections.OrderedDict[str, np.ndarray]":
    """Map ``read_keras_h5`` output of VGG-16 (full or ``notop``) to engine params.

    The top (fc1, fc2, predictions) is mapped when present (all three or none). ``input_hw`` sets the spatial size
    of block5_pool that fc1 flattens; by default it is taken as square from fc1's row count.
    """
    out: collections.OrderedDict[str, np.ndarray] = collections.OrderedDict()
    prev_out = None
    for name, _, _ in VGG16_CONV:
        kernel, bias = _keras_layer(layers, name, source)
        if kernel.ndim != 4 or bias.shape != (kernel.shape[3],):
            raise WeightMappingError(f"{source}: {name} kernel {kernel.shape} / bias {bias.shape} are not HWIO conv")
        if prev_out is not None and kernel.shape[2] != prev_out:
            raise WeightMappingError(f"{source}: {name} takes {kernel.shape[2]} channels, "
                                     f"previous layer gives {prev_out}")
        prev_out = kernel.shape[3]
        out[param_key(name, "W")] = np.ascontiguousarray(kernel.transpose(3, 2, 0, 1), dtype=np.float32)
        out[param_key(name, "b")] = np.asarray(bias, dtype=np.float32)
    top = [name for name, *_ in VGG16_DENSE if name in layers]
    if not top:
        return out
    if len(top) != len(VGG16_DENSE):
        raise WeightMappingError(f"{source}: top layers partly present ({', '.join(top)}); need fc1, fc2, predictions")
    for name, *_ in VGG16_DENSE:
        kernel, bias = _keras_layer(layers, name, source)
        if kernel.ndim != 2 or bias.shape != (kernel.shape[1],):
            raise WeightMappingError(f"{source}: {name} kernel {kernel.shape} / bias {bias.shape} are not dense")
        if name == "fc1":
            spatial = kernel.shape[0] // prev_out
            if input_hw is None:
                side = int(round(spatial ** 0.5))
                if side * side * prev_out != kernel.shape[0]:
                    raise WeightMappingError(f"{source}: fc1 has {kernel.shape[0]} rows, not a square map of "
                                             f"{prev_out} channels; pass input_hw")
                h = w = side
            else:
                h, w = input_hw[0] // 32, input_hw[1] // 32
            kernel = hwc_rows_to_chw(kernel, h, w, prev_out)
        out[param_key(name, "W")] = np.asarray(kernel, dtype=np.float32)
        out[param_key(name, "b")] = np.asarray(bias, dtype=np.float32)
    return out


# ---------------------------------------------------------------- EfficientNet-Lite (PyTorch)

def efficientnet_lite_key_map(variant: str) -> list[tuple[str, str, tuple]]:
    """(torch key, engine key, engine shape) for every tensor of the variant, in network order."""
    rows: list[tuple[str, str, tuple]] = []

    def bn(torch_prefix, vertex, channels):
        for src, dst in _TORCH_BN:
            rows.append((f"{torch_prefix}.{src}", param_key(vertex, dst), (channels,)))

    rows.append(("_conv_stem.weight", "stem_conv_W", (STEM_CHANNELS, 3, 3, 3)))
    bn("_bn0", "stem_bn", STEM_CHANNELS)
    last = STEM_CHANNELS
    for blk in expand_blocks(variant):
        t, p = f"_blocks.{blk['index']}", blk["prefix"]
        cin, mid, cout, k = blk["in_channels"], blk["mid_channels"], blk["out_channels"], blk["kernel"]
        if blk["expand"] != 1:
            rows.append((f"{t}._expand_conv.weight", f"{p}_expand_conv_W", (mid, cin, 1, 1)))
            bn(f"{t}._bn0", f"{p}_expand_bn", mid)
        rows.append((f"{t}._depthwise_conv.weight", f"{p}_dw_conv_W", (mid, 1, k, k)))
        bn(f"{t}._bn1", f"{p}_dw_bn", mid)
        rows.append((f"{t}._project_conv.weight", f"{p}_project_conv_W", (cout, mid, 1, 1)))
        bn(f"{t}._bn2", f"{p}_project_bn", cout)
        last = cout
    rows.append(("_conv_head.weight", "head_conv_W", (HEAD_CHANNELS, last, 1, 1)))
    bn("_bn1", "head_bn", HEAD_CHANNELS)
    rows.append(("_fc.weight", "fc_W", (HEAD_CHANNELS, NUM_CLASSES)))
    rows.append(("_fc.bias", "fc_b", (NUM_CLASSES,)))
    return rows


def efficientnet_lite_from_torch(state_dict: Mapping[str, np.ndarray], variant: str = "efficientnet-lite0",
                                 source: str = "state dict", include_top: bool = True
                                 ) -> "collections.OrderedDict[str, np.ndarray]":
    """Map a PyTorch EfficientNet-Lite state dict (``efficientnet-lite-pytorch`` key names) to engine params.

    Every expected tensor must be present with the table's shape; extra keys other than ``num_batches_tracked``
    are an error (they mean a different architecture). ``include_top=False`` leaves out ``fc_W``/``fc_b``.
    """
    variant_table(variant)
    expected = efficientnet_lite_key_map(variant)
    known = {src for src, _, _ in expected}
    extra = [k for k in state_dict if k not in known and not k.endswith("num_batches_tracked")]
    if extra:
        raise WeightMappingError(f"{source}: {len(extra)} tensors unknown to {variant}, e.g. {extra[:3]}; "
                                 "is this another variant or another architecture?")
    out: collections.OrderedDict[str, np.ndarray] = collections.OrderedDict()
    for src, dst, shape in expected:
        if not include_top and dst.startswith("fc_"):
            continue
        if src not in state_dict:
            raise WeightMappingError(f"{source}: tensor {src!r} for {dst} is missing; is this {variant}?")
        array = np.asarray(state_dict[src], dtype=np.float32)
        if src == "_fc.weight":
            array = array.T
        if array.shape != shape:
            raise WeightMappingError(f"{source}: {src} has shape {array.shape} (as {dst}), {variant} needs {shape}")
        out[dst] = np.ascontiguousarray(array)
    return out
