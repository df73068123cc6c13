"""benchmarks/roofline.py's multiply-add count on an ONNX model whose answer is known by hand: dense and depthwise
convolutions (with stride and padding), a Gemm with transB."""

import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import roofline  # noqa: E402


def test_counts_dense_depthwise_and_gemm(tmp_path):
    rng = np.random.default_rng(0)

    def init(name, *shape):
        return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name)

    nodes = [helper.make_node("Conv", ["x", "w1"], ["a"], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
             helper.make_node("Conv", ["a", "w2"], ["b"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], group=8),
             helper.make_node("GlobalAveragePool", ["b"], ["c"]),
             helper.make_node("Flatten", ["c"], ["d"]),
             helper.make_node("Gemm", ["d", "w3"], ["y"], transB=1)]
    graph = helper.make_graph(nodes, "known", [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, ["N", 3, 16, 16])],
                              [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, ["N", 5])],
                              [init("w1", 8, 3, 3, 3), init("w2", 8, 1, 3, 3), init("w3", 5, 8)])
    path = tmp_path / "known.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    counts = roofline.count_macs(str(path))
    # conv 3->8, 3x3, stride 2: 8x8x8 outputs x 27; depthwise 8 channels 3x3: 8x8x8 x 9; gemm 8 -> 5
    assert counts == {"dense": 8 * 8 * 8 * 27 + 5 * 8, "depthwise": 8 * 8 * 8 * 9}


def test_a_non_positive_ort_figure_is_a_usage_error():
    with pytest.raises(SystemExit) as e:
        roofline.main(["--ort-img-s", "0"])
    assert e.value.code == 2
