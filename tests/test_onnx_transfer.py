"""ONNX as a transfer base and as an export format of trained runs: a ResNet-50 written to an ONNX file by the test
trains as a transfer base for one epoch on a flower subset (``TransferJob(model="x.onnx", feature_extractor=...)``,
as ``--model x.onnx --feature-extractor NODE``); the trained run exports with ``pydl4j-transfer export`` as ONNX
(onnxruntime agrees within 1e-4) and as a DL4J zip."""

import json

import jpype
import numpy as np
import onnx
import pytest

from job_support import small_flowers
from onnx_support import TOLERANCE, export, relative_error, run_engine, run_ort
from pydl4j_transfer import cli, jvm
from pydl4j_transfer.engine import load_model


@pytest.fixture(scope="module")
def resnet_onnx(jvm, tmp_path_factory):
    """ResNet-50 (32x32 input, 10 classes, random weights) written as ONNX with its preprocessing."""
    net = jvm.java_class("org.pydl4j.zoo.model.ResNet50").builder() \
        .inputShape(jpype.JArray(jpype.JInt)([3, 32, 32])).numClasses(10).build().init()
    path = tmp_path_factory.mktemp("onnx") / "resnet50.onnx"
    meta = jvm.java_class("java.util.HashMap")()
    meta.put("mean", "[123.68, 116.779, 103.939]")
    meta.put("std", "[58.0, 57.0, 57.5]")
    jvm.java_class("org.pydl4j.onnx.OnnxExporter").export(net, jvm.java_class("java.nio.file.Paths").get(str(path)), meta)
    return path


def test_onnx_resnet50_is_a_transfer_base_and_the_trained_run_exports(jvm, tmp_path, resnet_onnx, monkeypatch):
    data = small_flowers(tmp_path / "flowers", 6)
    run = tmp_path / "run"
    monkeypatch.setenv("PYDL4J_HOME", str(tmp_path / "home"))
    code = cli.main(["train", "--data", str(data), "--model", str(resnet_onnx), "--feature-extractor", "avg_pool",
                     "--out", str(run), "--epochs", "1", "--batch-size", "8", "--seed", "3", "--test-fraction", "0.25",
                     "--no-progress"])
    assert code == 0
    metrics = json.loads((run / "metrics.json").read_text())
    assert len(metrics["history"]) == 1 and 0.0 <= metrics["accuracy"] <= 1.0
    trained, meta = load_model(run / "model.zip")
    assert meta.model == "onnx:resnet50" and meta.feature_vertex == "avg_pool"
    assert meta.info.mean == (123.68, 116.779, 103.939) and meta.info.std == (58.0, 57.0, 57.5)
    assert str(trained.getLayer("conv1_conv").layerConf().getClass().getSimpleName()) == "FrozenLayer"
    assert int(trained.getLayer("predictions").layerConf().getNOut()) == 5

    assert cli.main(["export", "--model", str(run / "model.zip"), "--format", "onnx", "--out", str(run / "m.onnx")]) == 0
    exported = onnx.load(str(run / "m.onnx"))
    onnx.checker.check_model(exported)
    props = {p.key: p.value for p in exported.metadata_props}
    assert json.loads(props["labels"]) == ["daisy", "dandelion", "roses", "sunflowers", "tulips"]
    assert "(x - mean) / std" in props["preprocessing"]
    assert exported.opset_import[0].version == 17
    assert exported.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "N"
    x = np.random.default_rng(0).standard_normal((3, 3, 32, 32)).astype(np.float32)
    ours = run_engine(trained, x)
    assert relative_error(ours, run_ort(run / "m.onnx", x)) < TOLERANCE

    assert cli.main(["export", "--model", str(run / "model.zip"), "--format", "dl4j", "--out", str(run / "dl4j.zip")]) == 0
    restored = jvm.java_class("org.pydl4j.util.ModelSerializer").restoreComputationGraph(str(run / "dl4j.zip"), False)
    assert relative_error(run_engine(restored, x), ours) < TOLERANCE


def test_onnx_feature_extractor_must_be_a_vertex(jvm, tmp_path, resnet_onnx):
    from pydl4j_transfer.onnx_model import OnnxModelError, onnx_base

    with pytest.raises(OnnxModelError, match="no_such_node"):
        onnx_base(resnet_onnx, "no_such_node")
    base, info, vertex, _ = onnx_base(resnet_onnx, "conv5_block3_out")
    assert vertex == "conv5_block3_out" and info.input_shape == (3, 32, 32)
    assert str(base.getConfiguration().getNetworkOutputs()[0]) == "predictions"


def test_export_command_bad_input_exits_2(jvm, tmp_path, capsys):
    assert cli.main(["export", "--model", str(tmp_path / "missing.zip"), "--format", "onnx",
                     "--out", str(tmp_path / "x.onnx")]) == 2
    assert "missing.zip" in capsys.readouterr().err
    assert cli.main(["export", "--model", "m.zip", "--format", "onnx", "--out", str(tmp_path / "no" / "x.onnx")]) == 2


def test_train_cli_reports_a_bad_onnx_file_with_exit_2(jvm, tmp_path, capsys):
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x0a\xff\xff\xff\xff\x0f")
    data = small_flowers(tmp_path / "flowers", 2)
    code = cli.main(["train", "--data", str(data), "--model", str(bad), "--out", str(tmp_path / "run"), "--epochs", "1",
                     "--no-progress"])
    assert code == 2
    assert "bad.onnx" in capsys.readouterr().err
