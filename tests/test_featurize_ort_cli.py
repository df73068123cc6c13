"""benchmarks/featurize_ort.py run by itself: ONNX Runtime alone on a model file (the one featurize.py --keep-onnx
wrote), one JSON line; a missing file is a usage error (exit 2)."""

import json
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import helper, numpy_helper

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import featurize_ort  # noqa: E402


def tiny_model(path):
    w = numpy_helper.from_array(np.random.default_rng(0).standard_normal((4, 3, 3, 3)).astype(np.float32), "w")
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node("HardSigmoid", ["c"], ["h"], alpha=1.0 / 6, beta=0.5),
             helper.make_node("GlobalAveragePool", ["h"], ["y"])]
    graph = helper.make_graph(nodes, "tiny", [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, ["N", 3, 8, 8])],
                              [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, ["N", 4, 1, 1])], [w])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def test_runs_a_model_file_and_prints_json(tmp_path, capsys):
    path = tmp_path / "tiny.onnx"
    tiny_model(path)
    featurize_ort.main([str(path), "--batch", "2", "--size", "8", "--runs", "2", "--threads", "1", "--latency-runs", "3"])
    r = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert r["batch"] == 2 and r["threads"] == 1 and r["img_s"] > 0 and r["median_img_s"] <= r["img_s"]
    assert r["latency_b1"]["runs"] == 3 and r["latency_b1"]["p50_ms"] <= r["latency_b1"]["p95_ms"]
    assert len(r["load_avg"]) == 3


def test_missing_model_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        featurize_ort.main([str(tmp_path / "none.onnx")])
    assert e.value.code == 2
    assert "no such file" in capsys.readouterr().err
