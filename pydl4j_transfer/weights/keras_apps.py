"""Keras Applications weights (ResNet50, MobileNetV2) to engine params, by layer name: the zoo builds these models
with Keras' layer names, so each Keras layer maps onto the vertex of the same name.

Layouts: conv kernels HWIO -> OIHW; depthwise kernels [kH, kW, C, M] -> [C*M, 1, kH, kW]; dense kernels [in, out]
as they are; biases and batch-norm vectors (gamma, beta, moving_mean, moving_variance -> gamma, beta, mean, var) as
[n]. ResNet50's Keras weights expect BGR ("caffe" preprocessing): conv1_conv's input channels are reversed so the
network takes RGB, minus the RGB mean, like VGG-16 here.
"""

from __future__ import annotations

import collections
from typing import Mapping

import numpy as np

from .mapping import WeightMappingError, param_key

KERAS_APPLICATIONS = ("resnet50", "resnet50_notop", "mobilenetv2", "mobilenetv2_notop")
_BN = (("gamma", "gamma"), ("beta", "beta"), ("moving_mean", "mean"), ("moving_variance", "var"))
#: A layer whose input channels are reversed (BGR weights -> RGB input), per model family.
_BGR_FIRST_CONV = {"resnet50": "conv1_conv"}


def keras_application_from_keras(layers: Mapping[str, Mapping[str, np.ndarray]], model: str,
                                 source: str = "Keras weights") -> "collections.OrderedDict[str, np.ndarray]":
    """Map ``read_keras_h5`` output of a Keras Applications model to ``{vertex}_{param}`` arrays."""
    family = model.replace("_notop", "")
    if model not in KERAS_APPLICATIONS:
        raise WeightMappingError(f"{source}: no Keras mapping for {model!r}; known: {', '.join(KERAS_APPLICATIONS)}")
    top = "predictions" in layers
    if top != (not model.endswith("_notop")):
        other = family if top else family + "_notop"
        raise WeightMappingError(f"{source} holds {'the full' if top else 'the no-top'} {family} weights; import it as `{other}`")
    out: collections.OrderedDict[str, np.ndarray] = collections.OrderedDict()
    for name, params in layers.items():
        out.update(_layer(name, params, source))
    first = _BGR_FIRST_CONV.get(family)
    if first is not None:
        key = param_key(first, "W")
        if key not in out:
            raise WeightMappingError(f"{source}: layer {first!r} is missing; is this {family}?")
        out[key] = np.ascontiguousarray(out[key][:, ::-1])
    return out


def _layer(name: str, params: Mapping[str, np.ndarray], source: str) -> dict[str, np.ndarray]:
    got = dict(params)
    out: dict[str, np.ndarray] = {}
    if "depthwise_kernel" in got:
        k = got.pop("depthwise_kernel")
        if k.ndim != 4:
            raise WeightMappingError(f"{source}: {name} depthwise kernel {k.shape} is not [kH, kW, C, M]")
        kh, kw, c, m = k.shape
        out[param_key(name, "W")] = k.transpose(2, 3, 0, 1).reshape(c * m, 1, kh, kw)
    elif "kernel" in got:
        k = got.pop("kernel")
        if k.ndim == 4:
            out[param_key(name, "W")] = k.transpose(3, 2, 0, 1)
        elif k.ndim == 2:
            out[param_key(name, "W")] = k
        else:
            raise WeightMappingError(f"{source}: {name} kernel {k.shape} is neither a conv nor a dense kernel")
    if "bias" in got:
        out[param_key(name, "b")] = got.pop("bias").reshape(-1)
    if "gamma" in got or "moving_mean" in got:
        for keras_name, ours in _BN:
            if keras_name not in got:
                raise WeightMappingError(f"{source}: batch norm {name} has no {keras_name!r} (found: {', '.join(params)})")
            out[param_key(name, ours)] = got.pop(keras_name).reshape(-1)
    if got:
        raise WeightMappingError(f"{source}: layer {name!r} has unexpected weights {', '.join(got)}")
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in out.items()}
