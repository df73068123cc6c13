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
    assert list(ours) == list(tensors)  # order kept
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
    expected = {"badjson": "not valid JSON", "wrongsize": "12 bytes for shape", "pastend": "ends at byte 24",
                "dtype": "unsupported dtype 'C64'", "malformed": "malformed header entry",
                "negshape": "bad shape"}
    for name, (header, body) in cases.items():
        path = tmp_path / f"{name}.safetensors"
        if isinstance(header, bytes):
            path.write_bytes(struct.pack("<Q", len(header)) + header)
        else:
            _write_raw(path, header, body)
        with pytest.raises(WeightFormatError) as info:
            read_safetensors(path)
        assert f"{name}.safetensors" in str(info.value) and expected[name] in str(info.value)


def test_absurd_header_length_is_rejected(tmp_path):
    path = tmp_path / "huge.safetensors"
    path.write_bytes(struct.pack("<Q", 1 << 60) + b"{}")
    with pytest.raises(WeightFormatError, match="huge.safetensors: header length"):
        read_safetensors(path)


def test_writer_refuses_unsupported_dtypes(tmp_path):
    with pytest.raises(WeightFormatError, match="complex"):
        write_safetensors(tmp_path / "c.safetensors", {"z": np.zeros(2, dtype=np.complex64)})
