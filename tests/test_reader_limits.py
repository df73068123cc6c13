"""Issue 13 item 5: memory stays bounded in the Python-side readers. Deflate bombs (2 GiB of zeros in a 2 MB file) in a
model zip's ``pydl4j_transfer.json`` and in a .pth record, a strided tensor that expands a tiny storage, run metadata
with absurd sizes or labels, a 1x50000 PNG cropped to the centre, and absurd image sizes: each is refused (or decoded)
within a small memory budget, never inflated or allocated first."""

import json
import pickle
import subprocess
import sys
import textwrap
import time
import tracemalloc
import zipfile

import numpy as np
import pytest
from PIL import Image

from pydl4j_transfer import engine
from pydl4j_transfer.limits import MAX_IMAGE_SIZE, EntryTooLargeError, read_zip_entry
from pydl4j_transfer.weights import WeightFormatError, read_torch_state_dict
from support.torch_writer import _OpcodeWriter
from support.zip_bomb import ZeroBomb, write_zip

GIB = 1 << 30
PEAK_LIMIT = 64 << 20      # what a refused 2 GiB entry may cost in Python allocations


def _bounded(call):
    """Run ``call``; return (exception, peak traced bytes, seconds)."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        call()
        error = None
    except Exception as e:  # noqa: BLE001 - returned for the caller to check
        error = e
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return error, peak, seconds


def _meta(**changes) -> dict:
    meta = {"format": engine.META_FORMAT, "version": engine.META_VERSION, "model": "efficientnet-lite0",
            "labels": ["cat", "dog"], "feature_vertex": "avg_pool", "output_vertex": "fc",
            "model_info": {"name": "efficientnet-lite0", "input_shape": [3, 224, 224], "mean": [127.0] * 3,
                           "std": [128.0] * 3, "resize": "stretch", "input_name": "input",
                           "feature_vertex": "avg_pool", "output_vertex": "fc"},
            "preprocess": {"name": "efficientnet-lite0", "mean": [127.0] * 3, "std": [128.0] * 3,
                           "channel_order": "RGB", "resize": "stretch", "fingerprint": "x"},
            "image_size": 224, "weights_checksum": "sha256:0", "extra": {}}
    meta.update(changes)
    return meta


def test_model_zip_metadata_bomb_is_refused_without_inflating(tmp_path):
    bomb = tmp_path / "model.zip"
    write_zip(bomb, {"configuration.json": b"{}", engine.META_ENTRY: ZeroBomb(2 * GIB)})
    assert bomb.stat().st_size < 4 << 20
    error, peak, seconds = _bounded(lambda: engine.read_meta(bomb))
    assert isinstance(error, engine.ModelFileError), error
    assert "model.zip" in str(error) and "inflates beyond 67108864 bytes" in str(error)
    assert peak < PEAK_LIMIT and seconds < 5, (peak, seconds)


def test_zip_entry_cap_holds_when_the_directory_lies(tmp_path):
    """The directory claims 100 bytes, the data inflate to 2 GiB: reading stops at the cap, not at the data's end."""
    liar = tmp_path / "liar.zip"
    write_zip(liar, {"pydl4j_transfer.json": ZeroBomb(2 * GIB, declared=100)})
    with zipfile.ZipFile(liar) as archive:
        error, peak, seconds = _bounded(lambda: read_zip_entry(archive, "pydl4j_transfer.json", 1 << 20, liar))
    assert isinstance(error, (EntryTooLargeError, zipfile.BadZipFile)), error   # CRC/size mismatch at byte 100
    assert peak < PEAK_LIMIT and seconds < 5, (peak, seconds)
    with zipfile.ZipFile(liar) as archive:
        with pytest.raises(EntryTooLargeError, match="liar.zip: entry 'pydl4j_transfer.json' inflates beyond 10"):
            read_zip_entry(archive, "pydl4j_transfer.json", 10, liar)


def _torch_pickle(numel: int, shape: tuple, strides: tuple | None = None) -> bytes:
    w = _OpcodeWriter()
    w.empty_ordered_dict()
    w.op(pickle.MARK)
    w.value("w")
    w.tensor("FloatStorage", "0", numel, shape, legacy=False, strides=strides)
    w.op(pickle.SETITEMS)
    return w.finish()


def test_pth_record_bomb_is_refused_before_inflating(tmp_path):
    honest = tmp_path / "honest_bomb.pth"    # the pickle claims 2 GiB of floats and the record holds them
    write_zip(honest, {"archive/data.pkl": _torch_pickle(GIB // 2, (GIB // 2,)), "archive/data/0": ZeroBomb(2 * GIB)})
    assert honest.stat().st_size < 4 << 20
    error, peak, seconds = _bounded(lambda: read_torch_state_dict(honest))
    assert isinstance(error, WeightFormatError) and "honest_bomb.pth" in str(error), error
    assert "above the limit of 1073741824" in str(error)
    assert peak < PEAK_LIMIT and seconds < 5, (peak, seconds)

    small_claim = tmp_path / "small_claim.pth"    # the pickle claims 4 floats, the record inflates to 2 GiB
    write_zip(small_claim, {"archive/data.pkl": _torch_pickle(4, (4,)), "archive/data/0": ZeroBomb(2 * GIB)})
    error, peak, seconds = _bounded(lambda: read_torch_state_dict(small_claim))
    assert isinstance(error, WeightFormatError) and "holds more than the 16 bytes of its 4 elements" in str(error)
    assert peak < PEAK_LIMIT and seconds < 5, (peak, seconds)


def test_strided_expansion_of_a_tiny_storage_is_counted_before_the_copy(tmp_path):
    path = tmp_path / "expand.pth"     # 1 float viewed as 32768 x 32768 with strides 0: 4 GiB to build
    write_zip(path, {"archive/data.pkl": _torch_pickle(1, (1 << 15, 1 << 15), (0, 0)),
                     "archive/data/0": np.ones(1, np.float32).tobytes()})
    error, peak, seconds = _bounded(lambda: read_torch_state_dict(path))
    assert isinstance(error, WeightFormatError) and "tensor 'w' of shape (32768, 32768)" in str(error), error
    assert peak < PEAK_LIMIT
    narrow = tmp_path / "narrow.pth"   # the same storage viewed as 4 x 4 stays well within the budget
    write_zip(narrow, {"archive/data.pkl": _torch_pickle(1, (4, 4), (0, 0)),
                       "archive/data/0": np.ones(1, np.float32).tobytes()})
    np.testing.assert_array_equal(read_torch_state_dict(narrow)["w"], np.ones((4, 4), np.float32))


@pytest.mark.parametrize("change, message", [
    ({"image_size": 30000}, "image size 30000 is outside 1..2048"),
    ({"image_size": "224"}, "image size must be an integer"),
    ({"labels": ["a", "a"]}, "lists label(s) 'a' more than once"),
    ({"labels": []}, "0 labels"),
    ({"labels": ["a", 3]}, "labels must be a list of strings"),
    ({"preprocess": dict(_meta()["preprocess"], resize="zoom")}, "resize mode 'zoom'"),
    ({"preprocess": dict(_meta()["preprocess"], std=[0.0, 1.0, 1.0])}, "preprocess std"),
    ({"preprocess": dict(_meta()["preprocess"], mean=[1.0, 2.0])}, "preprocess mean"),
])
def test_run_metadata_out_of_range_is_refused_naming_the_file(tmp_path, change, message):
    path = tmp_path / "model.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(engine.META_ENTRY, json.dumps(_meta(**change)))
    with pytest.raises(engine.ModelFileError) as info:
        engine.read_meta(path)
    assert str(path) in str(info.value) and message in str(info.value)
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w") as archive:
        archive.writestr(engine.META_ENTRY, json.dumps(_meta()))
    assert engine.read_meta(good).image_size == 224


def test_a_1x50000_png_is_centre_cropped_within_a_memory_limit(tmp_path):
    """Resizing the short side to 224 first would make a 224 x 11.2 million image (7.5 GB): run it under a 1.5 GiB
    address-space limit, where that fails."""
    path = tmp_path / "thin.png"
    Image.new("RGB", (1, 50000), (200, 10, 10)).save(path)
    code = textwrap.dedent(f"""
        import resource
        from pydl4j_transfer.data import decode_image
        limit = 1536 << 20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        image = decode_image({str(path)!r}, 224, "center_crop")
        print(image.shape, image[112, 112].tolist())
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "(224, 224, 3) [200, 10, 10]"


def test_absurd_image_sizes_are_refused_before_decoding(tmp_path, jvm, capsys):
    from pydl4j_transfer.cli import main
    from pydl4j_transfer.data import decode_image, decode_many

    path = tmp_path / "a.png"
    Image.new("RGB", (8, 8)).save(path)
    with pytest.raises(ValueError, match=f"image size 100000 is outside 1..{MAX_IMAGE_SIZE}"):
        decode_image(path, 100000)
    with pytest.raises(ValueError, match="outside"):
        list(decode_many([path] * 20, 30000, workers=2))      # refused in the parent, no worker dies
    assert decode_image(path, MAX_IMAGE_SIZE // 16).shape == (128, 128, 3)
    assert main(["info", "--model", "efficientnet-lite0", "--image-size", "100000", "--no-progress"]) == 2
    assert "image_size: image size 100000 is outside 1..2048" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:         # train: refused while parsing, before any work
        main(["train", "--data", str(tmp_path), "--out", str(tmp_path / "run"), "--image-size", "100000"])
    assert info.value.code == 2 and "from 1 to 2048" in capsys.readouterr().err
