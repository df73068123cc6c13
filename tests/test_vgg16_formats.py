"""VGG-16 through every weight format into the Java engine, checked against the independent numpy VGG-16.

Weights are generated (VGG-16's ImageNet weights cannot be downloaded here) at the real layer widths, for 64x64
input so that block5_pool is 2x2x512: fc1 then flattens a real spatial map, and a wrong (h, w, c) -> (c, h, w)
row order of fc1 would show.
"""

from __future__ import annotations

import jpype
import numpy as np
import pytest

from pydl4j_transfer.weights import read_keras_h5, write_keras_h5, write_safetensors
from pydl4j_transfer.weights.mapping import vgg16_from_keras
from support.reference import vgg16 as ref

SIZE = 64
CLASSES = 1000


def _keras_vgg16(rng) -> dict:
    """Keras-layout VGG-16 weights (HWIO kernels, dense [in, out] with fc1 rows in (h, w, c) order), He-scaled."""
    layers = {}
    for name, cin, cout in ref.VGG16_CONV:
        layers[name] = {"kernel": (rng.standard_normal((3, 3, cin, cout)) * np.sqrt(2.0 / (9 * cin))).astype(np.float32),
                        "bias": (rng.standard_normal(cout) * 0.01).astype(np.float32)}
    side = SIZE // 32
    for name, nin, nout in (("fc1", side * side * 512, 4096), ("fc2", 4096, 4096), ("predictions", 4096, CLASSES)):
        scale = np.sqrt(2.0 / nin) if name != "predictions" else 0.01 / np.sqrt(nin)
        layers[name] = {"kernel": (rng.standard_normal((nin, nout)) * scale).astype(np.float32),
                        "bias": (rng.standard_normal(nout) * 0.01).astype(np.float32)}
    return layers


@pytest.fixture(scope="module")
def vgg(jvm, tmp_path_factory):
    """(engine params from the Keras file, Java graph loaded through the zoo cache, input batch, numpy output)."""
    tmp = tmp_path_factory.mktemp("vgg16")
    rng = np.random.default_rng(16)
    write_keras_h5(tmp / "vgg16_full.h5", _keras_vgg16(rng))
    params = vgg16_from_keras(read_keras_h5(tmp / "vgg16_full.h5"), source="vgg16_full.h5")

    VGG16 = jvm.java_class("org.pydl4j.zoo.model.VGG16")
    model = VGG16.builder().inputShape(jpype.JArray(jpype.JInt)([3, SIZE, SIZE])).numClasses(CLASSES).build()
    cache = tmp / "models"
    cache.mkdir()
    write_safetensors(cache / "vgg16_imagenet.safetensors", params)   # biases as [n]; the engine holds [1, n]
    System = jvm.java_class("java.lang.System")
    Paths = jvm.java_class("java.nio.file.Paths")
    cache_obj = jvm.java_class("org.pydl4j.zoo.PretrainedCache")(Paths.get(str(cache)), System.err)
    graph = model.cache(cache_obj).initPretrained()

    x = (rng.uniform(0, 255, (2, 3, SIZE, SIZE)) - np.array(ref.CAFFE_BGR_MEAN)[::-1, None, None]).astype(np.float32)
    expected = ref.forward(x.astype(np.float64), {k: v.astype(np.float64) for k, v in params.items()}, dtype=np.float64)
    return tmp, graph, x, expected


def _output(jvm, graph, x):
    return jvm.to_numpy(graph.outputSingle(jvm.to_indarray(x)), copy=True)


def test_keras_h5_through_the_zoo_cache_matches_numpy(jvm, vgg):
    _, graph, x, expected = vgg
    got = _output(jvm, graph, x)
    assert got.shape == (2, CLASSES)
    np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-6)
    assert (got.argmax(1) == expected.argmax(1)).all()


def test_our_zip_round_trip_is_bit_exact(jvm, vgg):
    tmp, graph, x, _ = vgg
    ModelSerializer = jvm.java_class("org.pydl4j.util.ModelSerializer")
    path = str(tmp / "vgg16_ours.zip")
    ModelSerializer.writeModel(graph, path, True)
    restored = ModelSerializer.restoreComputationGraph(path)
    assert np.array_equal(jvm.to_numpy(restored.params()), jvm.to_numpy(graph.params()))
    assert np.array_equal(_output(jvm, restored, x), _output(jvm, graph, x))


@pytest.mark.parametrize("legacy_buffers", [False, True], ids=["nd4j-new", "nd4j-old"])
def test_dl4j_zip_format_matches_numpy(jvm, vgg, legacy_buffers):
    tmp, graph, x, expected = vgg
    path = tmp / f"vgg16_dl4j_{legacy_buffers}.zip"
    jvm.java_class("org.pydl4j.util.serde.Dl4jZipExporter").write(
        graph, jvm.java_class("java.nio.file.Paths").get(str(path)), legacy_buffers)
    restored = jvm.java_class("org.pydl4j.util.ModelSerializer").restoreComputationGraph(str(path))
    np.testing.assert_allclose(_output(jvm, restored, x), expected, rtol=1e-3, atol=1e-6)


def test_the_dl4j_lesson_recipe_from_python(jvm, vgg):
    """setFeatureExtractor("fc2"), removeVertexKeepConnections("predictions"), a new 5-class output layer."""
    _, graph, x, _ = vgg
    J = jvm.java_class
    fine_tune = J("org.pydl4j.nn.transferlearning.FineTuneConfiguration").Builder() \
        .updater(J("org.pydl4j.nd.learning.config.Nesterovs")(5e-5)).seed(42).build()
    LossFunction = J("org.pydl4j.nd.lossfunctions.LossFunctions").LossFunction
    output = J("org.pydl4j.nn.conf.layers.OutputLayer").Builder(LossFunction.NEGATIVELOGLIKELIHOOD) \
        .nIn(4096).nOut(5).weightInit(J("org.pydl4j.nn.weights.WeightInit").XAVIER) \
        .activation(J("org.pydl4j.nd.activations.Activation").SOFTMAX).build()
    transfer = J("org.pydl4j.nn.transferlearning.TransferLearning").GraphBuilder(graph) \
        .fineTuneConfiguration(fine_tune).setFeatureExtractor("fc2") \
        .removeVertexKeepConnections("predictions") \
        .addLayer("predictions", output, "fc2").build()
    frozen_before = jvm.to_numpy(transfer.getLayer("fc2").params(), copy=True)
    head_before = jvm.to_numpy(transfer.getLayer("predictions").params(), copy=True)
    labels = np.eye(5, dtype=np.float32)[[0, 3]]
    # generated weights carry pixel-scale activations up to fc2; scale the input so the new softmax is not saturated
    small = np.ascontiguousarray(x / 256)
    data = J("org.pydl4j.nd.dataset.DataSet")(jvm.to_indarray(small), jvm.to_indarray(labels))
    scores = []
    for _ in range(3):
        transfer.fit(data)
        scores.append(transfer.score())
    assert np.array_equal(jvm.to_numpy(transfer.getLayer("fc2").params()), frozen_before)
    assert not np.array_equal(jvm.to_numpy(transfer.getLayer("predictions").params()), head_before)
    assert scores[-1] < scores[0]
    assert _output(jvm, transfer, small).shape == (2, 5)
