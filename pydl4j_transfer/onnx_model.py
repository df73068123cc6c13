"""ONNX models in the Python driver: export a trained model (``export_onnx``) and use an ``.onnx`` file as a
transfer base (``onnx_base``). The engine reads and writes ONNX itself (``org.pydl4j.onnx``); the ``onnx`` and
``onnxruntime`` packages are needed only by the tests.

An imported ONNX network keeps its node names as vertex names. As a transfer base it is cut after the feature
vertex (``--feature-extractor NODE``; default: the input of the last dense layer, else the graph output), and a
placeholder classifier ``predictions`` is attached there, which the transfer job replaces like a zoo model's top.
Preprocessing comes from the file's ``metadata_props`` (``mean``/``std``, as our exporter writes them), else the
torchvision ImageNet convention (mean 0.485/0.456/0.406, std 0.229/0.224/0.225, times 255).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from . import jvm
from .engine import ModelFileError, ModelInfo

#: Default preprocessing of a foreign ONNX file without metadata: torchvision's ImageNet statistics, 0-255 scale.
TORCHVISION_MEAN = (123.675, 116.28, 103.53)
TORCHVISION_STD = (58.395, 57.12, 57.375)
PLACEHOLDER_HEAD = "predictions"


class OnnxModelError(ModelFileError):
    """An ONNX file cannot be imported (malformed, hostile or with an unsupported operator); names the file."""


def is_onnx(path: str | os.PathLike) -> bool:
    return Path(path).suffix.lower() == ".onnx"


def import_onnx(path: str | os.PathLike):
    """``(graph, metadata)`` of an ONNX file; errors become :class:`OnnxModelError` naming the file."""
    import jpype

    path = Path(path)
    if not path.is_file():
        raise OnnxModelError(f"ONNX model {str(path)!r} does not exist")
    try:
        model = jvm.java_class("org.pydl4j.onnx.OnnxReader").read(jvm.java_class("java.nio.file.Paths").get(str(path)))
        graph = jvm.java_class("org.pydl4j.onnx.OnnxImporter").importGraph(model, str(path))
    except jpype.JException as e:
        raise OnnxModelError(str(e.getMessage())) from None
    meta = {str(k): str(v) for k, v in model.metadata().items()}
    return graph, meta


def _floats(text: str | None, default):
    try:
        values = tuple(float(v) for v in json.loads(text)) if text else default
    except (ValueError, TypeError):
        return default
    return values if len(values) == 3 else default


def _downstream(graph, vertex: str) -> list[str]:
    conf = graph.getConfiguration()
    inputs = {str(k): [str(v) for v in conf.getVertexInputs().get(k)] for k in conf.getVertexInputs().keySet()}
    order = [str(v) for v in conf.topologicalOrder()]
    reached = {vertex}
    for v in order:
        if any(i in reached for i in inputs.get(v, [])):
            reached.add(v)
    return [v for v in order if v in reached and v != vertex]


def default_feature_vertex(graph) -> str:
    """The input of the last dense layer (the classifier), else the graph's output."""
    conf = graph.getConfiguration()
    order = [str(v) for v in conf.topologicalOrder()]
    for v in reversed(order):
        layer = conf.getLayer(v) if str(conf.getVertices().get(v).getClass().getSimpleName()) == "LayerVertex" else None
        if layer is not None and str(layer.getClass().getSimpleName()) in ("DenseLayer", "OutputLayer"):
            return str(conf.getVertexInputs().get(v)[0])
    return str(conf.getNetworkOutputs()[0])


def onnx_base(path: str | os.PathLike, feature_vertex: str | None = None):
    """``(base graph, ModelInfo, feature vertex, weights checksum)`` for a transfer job from an ONNX file."""
    import jpype

    from .import_weights import weights_checksum

    graph, meta = import_onnx(path)
    conf = graph.getConfiguration()
    vertex = feature_vertex or default_feature_vertex(graph)
    names = [str(v) for v in conf.getVertices().keySet()]
    if vertex not in names:
        raise OnnxModelError(f"--feature-extractor {vertex!r} is not a vertex of {path}; e.g. {', '.join(names[-8:])}")
    shape = [int(v) for v in conf.getNetworkInputTypes().get(0).getShape(1)][1:]
    if len(shape) != 3 or shape[1] != shape[2]:
        raise OnnxModelError(f"{path}: the input must be a square image [3, H, H], got {shape}")
    features = int(conf.getActivationTypes().get(vertex).arrayElementsPerExample())
    tl = jvm.java_class("org.pydl4j.nn.transferlearning.TransferLearning").GraphBuilder(graph)
    downstream = _downstream(graph, vertex)
    for v in reversed(downstream):
        tl = tl.removeVertexAndConnections(v)
    String = jpype.JClass("java.lang.String")
    placeholder = jvm.java_class("org.pydl4j.nn.conf.layers.OutputLayer").Builder().nIn(features).nOut(1).build()
    head = PLACEHOLDER_HEAD if PLACEHOLDER_HEAD not in set(names) - set(downstream) else PLACEHOLDER_HEAD + "_new"
    base = tl.addLayer(head, placeholder, jpype.JArray(String)([vertex])).setOutputs(jpype.JArray(String)([head])).build()
    name = Path(path).stem
    info = ModelInfo(name=f"onnx:{name}", input_shape=tuple(shape),
                     mean=_floats(meta.get("mean"), TORCHVISION_MEAN), std=_floats(meta.get("std"), TORCHVISION_STD),
                     resize="stretch", input_name=str(conf.getNetworkInputs()[0]), feature_vertex=vertex,
                     output_vertex=head, import_hint="")
    return base, info, vertex, weights_checksum(path)


def export_onnx(graph, out: str | os.PathLike, metadata: dict[str, str] | None = None) -> Path:
    """Writes ``graph`` as ONNX (opset 17) to ``out``, atomically, with ``metadata`` in metadata_props."""
    hash_map = jvm.java_class("java.util.LinkedHashMap")()
    for k, v in (metadata or {}).items():
        hash_map.put(str(k), str(v))
    jvm.java_class("org.pydl4j.onnx.OnnxExporter").export(graph, jvm.java_class("java.nio.file.Paths").get(str(out)), hash_map)
    return Path(out)


__all__ = ["OnnxModelError", "default_feature_vertex", "export_onnx", "import_onnx", "is_onnx", "onnx_base"]
