"""Full-size exports (`make test-slow` only: the file name is not test_*): VGG-16 with its top at 224x224 (~553 MB of ONNX) and
ResNet-50 / MobileNetV2 at 224x224 agree with onnxruntime within 1e-4; `make test` covers the same layer kinds
on small inputs (test_onnx_export.py)."""


import numpy as np
import pytest

from onnx_support import TOLERANCE, export, import_graph, relative_error, run_engine, run_ort



@pytest.mark.parametrize("name", ["VGG16", "ResNet50", "MobileNetV2"])
def test_full_size_export_agrees_with_onnxruntime(jvm, tmp_path, name):
    from test_onnx_export import randomize_batch_norm

    net = randomize_batch_norm(jvm.java_class("org.pydl4j.zoo.model." + name).builder().build().init(), seed=3)
    path = tmp_path / f"{name}.onnx"
    export(net, path)
    x = np.random.default_rng(4).uniform(-2, 2, (2, 3, 224, 224)).astype(np.float32)
    theirs = run_ort(path, x)
    assert relative_error(run_engine(net, x), theirs) < TOLERANCE
    if name != "VGG16":
        assert relative_error(run_engine(import_graph(path), x), theirs) < TOLERANCE
