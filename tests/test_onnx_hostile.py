"""Hostile ONNX files give a typed OnnxFormatException naming the file: truncated, lengths beyond the file,
deep nesting, external data leaving the model's folder (../, absolute, symlinks), non-finite initializers."""

import os

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from onnx_support import import_graph, init, model


@pytest.fixture()
def format_error(jvm):
    return jvm.java_class("org.pydl4j.onnx.OnnxFormatException")


def small_model(weights=None):
    weights = np.ones((2, 2, 1, 1), np.float32) if weights is None else weights
    n = [helper.make_node("Conv", ["x", "w"], ["y"], name="conv", kernel_shape=[1, 1])]
    return model(n, [init("w", weights)], [2, 4, 4], [2, 4, 4])


def expect_error(format_error, path, *fragments):
    with pytest.raises(format_error) as e:
        import_graph(path)
    message = str(e.value.getMessage())
    assert str(path) in message and str(e.value.file()) == str(path)
    for f in fragments:
        assert f in message, message


def test_valid_small_model_imports(jvm, tmp_path):
    path = tmp_path / "ok.onnx"
    onnx.save(small_model(), str(path))
    assert import_graph(path).numParams() == 4


def test_truncated_file(format_error, tmp_path):
    data = small_model().SerializeToString()
    path = tmp_path / "truncated.onnx"
    path.write_bytes(data[: len(data) // 2])
    expect_error(format_error, path)


def test_declared_length_beyond_the_file(format_error, tmp_path):
    # field 7 (graph), wire type 2, declared length 2**40: refused before any allocation
    length = 2 ** 40
    varint = bytearray()
    while length >= 0x80:
        varint.append((length & 0x7F) | 0x80)
        length >>= 7
    varint.append(length)
    path = tmp_path / "huge.onnx"
    path.write_bytes(bytes([0x08, 0x08, 0x3A]) + bytes(varint) + b"\x00" * 16)
    expect_error(format_error, path, "declares")


def test_huge_dims_without_data(format_error, tmp_path):
    m = small_model()
    t = m.graph.initializer[0]
    del t.dims[:]
    t.dims.extend([1 << 20, 1 << 20, 1 << 10])
    path = tmp_path / "dims.onnx"
    path.write_bytes(m.SerializeToString())
    expect_error(format_error, path, "'w'")


def test_deep_nesting(format_error, tmp_path):
    inner = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g",
                              [], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    leaf = inner
    for _ in range(20):   # one nested branch per level (both would double the file per level)
        node = helper.make_node("If", ["c"], ["y"], then_branch=inner, else_branch=leaf)
        inner = helper.make_graph([node], "g", [], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    m = small_model()
    m.graph.node.append(helper.make_node("If", ["c"], ["z"], then_branch=inner, else_branch=leaf, name="deep_if"))
    path = tmp_path / "deep.onnx"
    path.write_bytes(m.SerializeToString())
    expect_error(format_error, path, "nested deeper")


def test_nan_initializer(format_error, tmp_path):
    weights = np.ones((2, 2, 1, 1), np.float32)
    weights[1, 0, 0, 0] = np.nan
    path = tmp_path / "nan.onnx"
    onnx.save(small_model(weights), str(path))
    expect_error(format_error, path, "non-finite", "'w'")


def external_model(location, offset=0, length=16):
    m = small_model()
    t = m.graph.initializer[0]
    t.ClearField("raw_data")
    t.data_location = TensorProto.EXTERNAL
    for k, v in (("location", location), ("offset", str(offset)), ("length", str(length))):
        entry = t.external_data.add()
        entry.key, entry.value = k, v
    return m


@pytest.mark.parametrize("location", ["../outside.bin", "sub/../../outside.bin"])
def test_external_data_leaving_the_folder(format_error, tmp_path, location):
    (tmp_path / "outside.bin").write_bytes(np.ones(4, np.float32).tobytes())
    folder = tmp_path / "model"
    (folder / "sub").mkdir(parents=True)
    path = folder / "ext.onnx"
    path.write_bytes(external_model(location).SerializeToString())
    expect_error(format_error, path, "leaves the model's folder")


def test_external_data_absolute_and_symlinked(format_error, tmp_path):
    secret = tmp_path / "secret.bin"
    secret.write_bytes(np.ones(4, np.float32).tobytes())
    folder = tmp_path / "model"
    folder.mkdir()
    path = folder / "abs.onnx"
    path.write_bytes(external_model(str(secret)).SerializeToString())
    expect_error(format_error, path, "absolute")
    os.symlink(secret, folder / "link.bin")
    path.write_bytes(external_model("link.bin").SerializeToString())
    expect_error(format_error, path, "symbolic link")


def test_external_data_inside_the_folder_is_read_with_bounds(jvm, format_error, tmp_path):
    (tmp_path / "weights.bin").write_bytes(b"\x00" * 8 + np.full(4, 2, np.float32).tobytes())
    path = tmp_path / "ext.onnx"
    path.write_bytes(external_model("weights.bin", offset=8).SerializeToString())
    net = import_graph(path)
    assert np.allclose(jvm.to_numpy(net.getLayer("conv").getParam("W")), 2)
    path.write_bytes(external_model("weights.bin", offset=16).SerializeToString())
    expect_error(format_error, path, "exceeds")


def test_mutated_bytes_give_typed_errors_or_a_model(format_error, tmp_path, jvm):
    """Single-byte mutations anywhere in a valid model: each import succeeds or fails with OnnxFormatException."""
    data = bytearray(small_model().SerializeToString())
    rng = np.random.default_rng(11)
    path = tmp_path / "mutated.onnx"
    failures = 0
    for _ in range(150):
        mutated = bytearray(data)
        mutated[int(rng.integers(len(data)))] = int(rng.integers(256))
        path.write_bytes(bytes(mutated))
        try:
            import_graph(path)
        except format_error as e:
            assert str(path) in str(e.getMessage())
            failures += 1
    assert failures > 0
