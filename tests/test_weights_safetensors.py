"""safetensors reader and writer, checked against files written and read by the ``safetensors`` package."""

import json
import struct

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file

from pydl4j_transfer.weights import (WeightFormatError, read_safetensors, read_safetensors_metadata,
                                     write_safetensors)


def _sample():
    rng = np.random.default_rng(3)
    return {
        "features.0.weight": rng.standard_normal((8, 3, 3, 3)).astype(np.float32),
        "features.0.bias": rng.standard_normal(8).astype(np.float32),
        "head.weight": rng.standard_normal((10, 8)).astype(np.float32),
        "scalar": np.array(2.5, dtype=np.float32),
        "steps": np.array([3, 1 << 40], dtype=np.int64),
    }


def test_reads_files_written_by_the_safetensors_package(tmp_path):
    tensors = _sample()
    path = tmp_path / "model.safetensors"
    save_file(tensors, str(path), metadata={"format": "np"})
    got = read_safetensors(path)
    assert set(got) == set(tensors)
    for name, array in tensors.items():
        assert got[name].shape == array.shape
        assert got[name].dtype == (np.int64 if array.dtype.kind == "i" else np.float32)
        np.testing.assert_array_equal(got[name], array)
    assert read_safetensors_metadata(path) == {"format": "np"}
    assert list(read_safetensors(path, drop_integer=True)) == [n for n in got if n != "steps"]


def test_our_writer_is_read_by_the_safetensors_package_and_by_us(tmp_path):
    tensors = _sample()
    tensors["half"] = np.arange(6, dtype=np.float16).reshape(2, 3)
    tensors["double"] = np.linspace(0, 1, 5)
    tensors["fortran"] = np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3))
    path = tmp_path / "ours.safetensors"
    write_safetensors(path, tensors, metadata={"source": "test"})
    theirs = load_file(str(path))
    for name, array in tensors.items():
        assert theirs[name].dtype == array.dtype
        np.testing.assert_array_equal(theirs[name], array)
    ours = read_safetensors(path)
    assert list(ours) == list(tensors)  # our writer keeps the order, and the data follow it
    np.testing.assert_array_equal(ours["half"], tensors["half"].astype(np.float32))
    np.testing.assert_array_equal(ours["fortran"], tensors["fortran"])
    assert read_safetensors_metadata(path) == {"source": "test"}
    header_len = struct.unpack("<Q", path.read_bytes()[:8])[0]
    assert header_len % 8 == 0


def test_bfloat16_is_widened_exactly(tmp_path):
    values = np.array([1.0, -0.5, 3.140625], dtype=np.float32)
    raw = (values.view(np.uint32) >> 16).astype("<u2").tobytes()
    header = json.dumps({"x": {"dtype": "BF16", "shape": [3], "data_offsets": [0, len(raw)]}}).encode()
    path = tmp_path / "bf16.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + raw)
    np.testing.assert_array_equal(read_safetensors(path)["x"], values)


def _write_raw(path, header: dict, body: bytes):
    text = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + body)


def test_truncated_and_corrupt_files_name_the_file(tmp_path):
    good = tmp_path / "good.safetensors"
    write_safetensors(good, _sample())
    data = good.read_bytes()
    for cut in (0, 5, 12, len(data) - 3):
        cut_path = tmp_path / f"cut{cut}.safetensors"
        cut_path.write_bytes(data[:cut])
        with pytest.raises(WeightFormatError, match=f"cut{cut}.safetensors"):
            read_safetensors(cut_path)

    cases = {
        "badjson": (b"{not json", None),
        "wrongsize": ({"x": {"dtype": "F32", "shape": [4], "data_offsets": [0, 12]}}, b"\0" * 16),
        "pastend": ({"x": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}, b"\0" * 16),
        "dtype": ({"x": {"dtype": "C64", "shape": [1], "data_offsets": [0, 8]}}, b"\0" * 8),
        "malformed": ({"x": {"dtype": "F32"}}, b""),
        "negshape": ({"x": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 0]}}, b""),
    }
    expected = {"badjson": "invalid JSON", "wrongsize": "invalid shape, data type, or offset",
                "pastend": "invalid offset for tensor `x`", "dtype": "unsupported dtype 'C64'",
                "malformed": "missing field `shape`", "negshape": "expected usize"}
    for name, (header, body) in cases.items():
        path = tmp_path / f"{name}.safetensors"
        if isinstance(header, bytes):
            path.write_bytes(struct.pack("<Q", len(header)) + header)
        else:
            _write_raw(path, header, body)
        with pytest.raises(WeightFormatError) as info:
            read_safetensors(path)
        assert f"{name}.safetensors" in str(info.value) and expected[name] in str(info.value)


def test_overlapping_data_offsets_are_refused(tmp_path):
    """Issue 13 item 12: two tensors over the same bytes (a write to one would show through the other)."""
    path = tmp_path / "overlap.safetensors"
    _write_raw(path, {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                      "b": {"dtype": "F32", "shape": [2], "data_offsets": [4, 12]}}, b"\0" * 12)
    with pytest.raises(WeightFormatError, match="overlap.safetensors: .*invalid offset for tensor `b`"):
        read_safetensors(path)
    same = tmp_path / "same.safetensors"
    _write_raw(same, {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                      "b": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 8)
    with pytest.raises(WeightFormatError, match="same.safetensors"):
        read_safetensors(same)


def test_files_over_the_cap_are_refused_before_reading(tmp_path):
    path = tmp_path / "big.safetensors"
    write_safetensors(path, {"x": np.zeros(1000, np.float32)})
    with pytest.raises(WeightFormatError, match=r"big.safetensors: \d+ bytes, above the limit of 1000"):
        read_safetensors(path, max_bytes=1000)
    assert read_safetensors(path, max_bytes=10_000)["x"].shape == (1000,)


def test_float64_beyond_float32_range_is_refused_not_inf(tmp_path):
    path = tmp_path / "wide.safetensors"
    write_safetensors(path, {"ok": np.array([1.0, np.inf]), "w": np.array([1.0, 1e300])})
    with pytest.raises(WeightFormatError, match="wide.safetensors: tensor 'w' holds 1e\\+300, beyond float32"):
        read_safetensors(path)


def test_absurd_header_length_is_rejected(tmp_path):
    path = tmp_path / "huge.safetensors"
    path.write_bytes(struct.pack("<Q", 1 << 60) + b"{}")
    with pytest.raises(WeightFormatError, match="huge.safetensors: .*header too large"):
        read_safetensors(path)
    with pytest.raises(WeightFormatError, match="huge.safetensors: .*header too large"):
        read_safetensors_metadata(path)


def test_writer_refuses_unsupported_dtypes(tmp_path):
    with pytest.raises(WeightFormatError, match="complex"):
        write_safetensors(tmp_path / "c.safetensors", {"z": np.zeros(2, dtype=np.complex64)})
