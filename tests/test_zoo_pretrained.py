"""The converted EfficientNet-Lite0 ImageNet weights, loaded by the JAVA zoo (ZooModel.initPretrained), reproduce the
numpy reference network and classify the classic test photos as published."""

from __future__ import annotations

import numpy as np
import pytest
import skimage.data
from PIL import Image

from job_support import TEST_HOME

from pydl4j_transfer import engine, jvm
from pydl4j_transfer.import_weights import converted_path
from pydl4j_transfer.weights import read_safetensors
from support.reference import efficientnet_lite as ref

MODELS = TEST_HOME / "models"


@pytest.fixture(scope="module")
def lite0(jvm):
    graph, checksum = engine.pretrained_graph("efficientnet-lite0", models_dir=MODELS)
    return graph, checksum


def _photos() -> np.ndarray:
    batch = []
    for image in (skimage.data.chelsea(), skimage.data.coffee()):
        resized = Image.fromarray(image).resize((224, 224), Image.Resampling.BILINEAR)
        batch.append(ref.preprocess(np.asarray(resized))[0])
    return np.stack(batch)


def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_java_graph_matches_numpy_reference(lite0):
    graph, checksum = lite0
    assert checksum.startswith("efficientnet-lite0_imagenet.safetensors:sha256:")
    x = _photos()
    java = engine.output(graph, x)
    weights = {k: v.reshape(-1) if k.endswith(("_gamma", "_beta", "_mean", "_var", "_b")) else v
               for k, v in read_safetensors(converted_path("efficientnet-lite0", MODELS)).items()}
    logits = ref.forward(x, weights, "efficientnet-lite0")
    expected = _softmax(logits.astype(np.float64))
    assert java.shape == (2, 1000)
    assert np.abs(java - expected).max() < 1e-4
    # the logits themselves: the engine's pre-softmax activations of fc
    fc_in = jvm.to_numpy(graph.feedForward(jvm.to_indarray(x), False).get("avg_pool"), copy=True)
    fc_w = jvm.to_numpy(graph.getLayer("fc").getParam("W"), copy=True)
    fc_b = jvm.to_numpy(graph.getLayer("fc").getParam("b"), copy=True).reshape(-1)
    assert np.abs(fc_in @ fc_w + fc_b - logits).max() < 1e-3


def test_chelsea_and_coffee_through_the_engine(lite0):
    graph, _ = lite0
    probs = engine.output(graph, _photos())
    assert probs.argmax(axis=1).tolist() == [285, 967]   # Egyptian cat, espresso
    assert probs[0, 285] == pytest.approx(0.79, abs=0.01)
    assert probs[1, 967] == pytest.approx(0.90, abs=0.01)


def test_model_info_reads_the_zoo_table(jvm):
    lite = engine.model_info("efficientnet-lite0")
    assert lite.input_shape == (3, 224, 224) and lite.resize == "stretch"
    assert lite.mean == (127.0, 127.0, 127.0) and lite.std == (128.0, 128.0, 128.0)
    assert (lite.feature_vertex, lite.output_vertex) == ("avg_pool", "fc")
    vgg = engine.model_info("vgg16")
    assert (vgg.feature_vertex, vgg.output_vertex) == ("fc2", "predictions")
    assert vgg.mean == pytest.approx((123.68, 116.779, 103.939))
    with pytest.raises(engine.EngineError, match="unknown zoo model 'resnet9'"):
        engine.model_info("resnet9")
