"""Fuzzing the Python readers with hypothesis: damaged images, PyTorch files and safetensors files.

Contract checked for every generated input: the reader either returns a valid result or raises its own error type
(BadImageError / WeightFormatError) naming the file -- never another exception type, never a hang (hypothesis
deadline), never code execution from a pickle (marker file). Examples are derandomized so CI is reproducible.
"""

import io
import json
import os
import pickle
import random
import struct
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from PIL import Image

from fault_support import (BLUE, DANGEROUS_GLOBALS, GREEN, RED, halves, jpeg_bytes, legacy_torch_file,
                           marker_payloads, mutate, pickle_global_call, png_bytes, zip_torch_file)
from pydl4j_transfer.data import BadImageError, decode_image
from pydl4j_transfer.weights import (WeightFormatError, read_safetensors, read_safetensors_metadata,
                                     read_torch_state_dict, write_safetensors)
from support.torch_writer import write_torch_state_dict

FUZZ = settings(max_examples=300, deadline=2000, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
COUNTS: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def report_counts():
    """Prints how many inputs each fuzz suite tried (visible with -s and in CI logs)."""
    yield
    print("\nfuzz inputs tried:", COUNTS)


def _count(suite: str) -> None:
    COUNTS[suite] = COUNTS.get(suite, 0) + 1


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


# ------------------------------------------------------------------------------------------------------ images

def _image_seeds() -> dict[str, bytes]:
    photo = halves((40, 30), RED, BLUE)
    progressive = io.BytesIO()
    photo.save(progressive, format="JPEG", quality=80, progressive=True)
    exif = Image.Exif()
    exif[0x0112] = 8
    pal = Image.new("P", (24, 16), 3)
    pal.putpalette(list(range(256)) * 3)
    gif, webp, bmp, tiff = io.BytesIO(), io.BytesIO(), io.BytesIO(), io.BytesIO()
    photo.save(gif, format="GIF")
    photo.save(webp, format="WEBP", quality=60)
    photo.save(bmp, format="BMP")
    photo.save(tiff, format="TIFF", compression="tiff_lzw")
    return {
        "jpeg": jpeg_bytes(photo),
        "jpeg_progressive": progressive.getvalue(),
        "jpeg_exif": jpeg_bytes(photo, exif=exif.tobytes()),
        "jpeg_cmyk": jpeg_bytes(Image.new("CMYK", (20, 20), (0, 255, 0, 0))),
        "png_rgb": png_bytes(photo),
        "png_palette_trns": png_bytes(pal, transparency=3),
        "png_16bit": png_bytes(Image.fromarray(np.arange(300, dtype=np.uint16).reshape(15, 20) * 200)),
        "png_rgba": png_bytes(Image.new("RGBA", (16, 16), (0, 255, 0, 128))),
        "gif": gif.getvalue(), "webp": webp.getvalue(), "bmp": bmp.getvalue(), "tiff": tiff.getvalue(),
    }


IMAGE_SEEDS = _image_seeds()


def _check_decode(path, size=12):
    try:
        out = decode_image(path, size, "center_crop")
    except BadImageError as error:
        assert error.path == str(path) and error.reason
        return "bad"
    assert isinstance(out, np.ndarray) and out.shape == (size, size, 3) and out.dtype == np.uint8
    return "ok"


@FUZZ
@given(kind=st.sampled_from(sorted(IMAGE_SEEDS)), seed=st.integers(0, 2**32 - 1))
def test_mutated_images_decode_or_raise_bad_image_error(work, kind, seed):
    data = mutate(IMAGE_SEEDS[kind], random.Random(seed))
    path = work / f"mutated.{kind.split('_')[0]}"
    path.write_bytes(data)
    _check_decode(path)
    _count("images")


@FUZZ
@given(kind=st.sampled_from(sorted(IMAGE_SEEDS)), cut=st.floats(0.0, 1.0, exclude_max=True))
def test_truncated_images_decode_or_raise_bad_image_error(work, kind, cut):
    data = IMAGE_SEEDS[kind]
    path = work / f"truncated.{kind.split('_')[0]}"
    path.write_bytes(data[: int(len(data) * cut)])
    _check_decode(path)
    _count("images")


@settings(max_examples=100, deadline=2000, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=512), head=st.sampled_from([b"", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"GIF89a",
                                                           b"BM", b"RIFF\x00\x00\x00\x00WEBPVP8 ", b"II*\x00"]))
def test_random_bytes_behind_image_magic_raise_bad_image_error(work, data, head):
    path = work / "random.jpg"
    path.write_bytes(head + data)
    _check_decode(path)
    _count("images")


# ------------------------------------------------------------------------------------------------ PyTorch files

def _torch_seed(work, legacy: bool) -> bytes:
    path = work / f"seed_{int(legacy)}.pth"
    base = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    write_torch_state_dict(path, {"conv.weight": base, "conv.bias": np.ones(3, np.float16),
                                  "bn.num_batches_tracked": np.array(5, dtype=np.int64),
                                  "fc.weight": np.eye(3, dtype=np.float64)}, legacy=legacy)
    return path.read_bytes()


def _check_torch(path, marker=None):
    try:
        state = read_torch_state_dict(path)
    except WeightFormatError as error:
        assert error.path == os.fspath(path) and str(path) in str(error)
        result = "bad"
    else:
        assert isinstance(state, dict)
        for key, value in state.items():
            assert isinstance(key, str) and isinstance(value, np.ndarray)
        result = "ok"
    if marker is not None:
        assert not marker.exists(), "a pickle in a weight file executed code"
    return result


@FUZZ
@given(legacy=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_mutated_torch_files_read_or_raise_weight_format_error(work, legacy, seed):
    data = mutate(_torch_seed(work, legacy), random.Random(seed))
    path = work / "mutated.pth"
    path.write_bytes(data)
    _check_torch(path)
    _count("torch")


@FUZZ
@given(legacy=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_torch_zip_with_damaged_pickle_or_records(work, legacy, seed):
    """Damage inside valid zip members (data.pkl, storages) so that the unpickler itself meets garbage."""
    from fault_support import mutate_zip_member

    rng = random.Random(seed)
    seed_bytes = _torch_seed(work, False)
    path = work / "member.pth"
    if legacy:   # legacy: damage only the object pickle, keep the magic / version / sys_info intact
        header = len(pickle.dumps(0x1950A86A20F9469CFC6C, protocol=2)) + 2 * 40
        full = _torch_seed(work, True)
        data = full[:header] + mutate(full[header:], rng)
    else:
        data = mutate_zip_member(seed_bytes, rng)
    path.write_bytes(data)
    _check_torch(path)
    _count("torch")


@FUZZ
@given(target=st.sampled_from(range(9)), protocol=st.sampled_from([2, 4]), container=st.sampled_from(["zip", "legacy"]),
       wrap=st.sampled_from(["bare", "in_dict", "as_key_rebuild"]))
def test_pickles_with_arbitrary_globals_never_execute(work, target, protocol, container, wrap):
    marker = work / "PWNED"
    module, name, args = marker_payloads(marker)[target]
    payload = pickle_global_call(module, name, args, protocol=protocol)
    if wrap == "in_dict":   # {"weight": <payload>} as a state dict would hold it
        payload = (pickle.PROTO + bytes([protocol]) + pickle.EMPTY_DICT + pickle.BINUNICODE
                   + struct.pack("<I", 6) + b"weight" + payload[2:-1] + pickle.SETITEM + pickle.STOP)
    elif wrap == "as_key_rebuild":   # the payload as the storage argument of an allowed rebuild function
        payload = (pickle.PROTO + bytes([protocol]) + pickle.GLOBAL + b"torch._utils\n_rebuild_tensor_v2\n"
                   + payload[2:-1] + pickle.TUPLE1 + pickle.REDUCE + pickle.STOP)
    data = zip_torch_file(payload) if container == "zip" else legacy_torch_file(payload)
    path = work / "evil.pth"
    path.write_bytes(data)
    with pytest.raises(WeightFormatError) as info:
        read_torch_state_dict(path)
    assert str(path) in str(info.value)
    assert not marker.exists(), f"{module}.{name} was executed"
    _count("torch")


@FUZZ
@given(globals_=st.lists(st.sampled_from(DANGEROUS_GLOBALS), min_size=1, max_size=3),
       junk=st.binary(max_size=64), seed=st.integers(0, 2**32 - 1))
def test_random_pickles_with_dangerous_globals_are_refused(work, globals_, junk, seed):
    marker = work / "PWNED2"
    rng = random.Random(seed)
    body = b""
    for module, name in globals_:
        body += pickle.GLOBAL + f"{module}\n{name}\n".encode() + pickle.dumps((str(marker),), protocol=2)[2:-1]
        body += pickle.REDUCE
    payload = mutate(pickle.PROTO + b"\x02" + body + junk + pickle.STOP, rng, rounds=rng.randint(0, 2))
    path = work / "evil2.pth"
    path.write_bytes(zip_torch_file(payload) if seed % 2 else legacy_torch_file(payload))
    _check_torch(path, marker)
    _count("torch")


_HOSTILE_PICKLE_PROBE = """
import pickle, resource, struct, sys
sys.path.insert(0, "tests")
from fault_support import legacy_torch_file, zip_torch_file
from pydl4j_transfer.weights import WeightFormatError, read_torch_state_dict
kind, container, path = sys.argv[1:4]
if kind == "deep_tuple_key":      # {((((...)))): 1}: hashing the key recurses in C once per level
    body = pickle.EMPTY_DICT + pickle.EMPTY_TUPLE + pickle.TUPLE1 * 300000 + pickle.BININT1 + b"\\x01" + pickle.SETITEM
else:                             # a memo index of 2**28: the C unpickler would allocate a 4 GiB memo array
    body = pickle.EMPTY_DICT + pickle.LONG_BINPUT + struct.pack("<I", 1 << 28)
payload = pickle.PROTO + b"\\x02" + body + pickle.STOP
open(path, "wb").write(zip_torch_file(payload) if container == "zip" else legacy_torch_file(payload))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    result = read_torch_state_dict(path)
    print("RESULT", type(result).__name__, len(result))
except WeightFormatError as error:
    print("REFUSED", error)
print("GROWTH_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


@pytest.mark.parametrize("container", ["zip", "legacy"])
@pytest.mark.parametrize("kind", ["deep_tuple_key", "memo_index"])
def test_hostile_pickle_structure_neither_crashes_nor_allocates(work, kind, container):
    """Run in a subprocess: before the fix the first segfaulted the interpreter and the second allocated 4 GiB."""
    import subprocess
    import sys
    from pathlib import Path

    path = work / f"{kind}_{container}.pth"
    proc = subprocess.run([sys.executable, "-c", _HOSTILE_PICKLE_PROBE, kind, container, str(path)],
                          capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[1])
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    if kind == "deep_tuple_key":
        assert "REFUSED" in proc.stdout and str(path) in proc.stdout and "nested" in proc.stdout, proc.stdout
    else:   # an empty dict with a far memo slot is a valid (empty) state dict; what matters is the memory
        assert "RESULT OrderedDict 0" in proc.stdout, proc.stdout
    growth_kb = int(proc.stdout.split("GROWTH_KB")[1].split()[0])
    assert growth_kb < 200 * 1024, f"reading a {path.stat().st_size}-byte file grew RSS by {growth_kb // 1024} MiB"
    _count("torch")


# ------------------------------------------------------------------------------------------------- safetensors

def _safetensors_seed(work) -> bytes:
    path = work / "seed.safetensors"
    write_safetensors(path, {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "b": np.ones(4, np.float16),
                             "c": np.array([1, 2], np.int64)}, metadata={"format": "pt"})
    return path.read_bytes()


def _check_safetensors(path):
    for reader in (read_safetensors, read_safetensors_metadata):
        try:
            result = reader(path)
        except WeightFormatError as error:
            assert error.path == os.fspath(path) and str(path) in str(error)
        else:
            assert isinstance(result, dict)
            if reader is read_safetensors:
                for value in result.values():
                    assert isinstance(value, np.ndarray)


@FUZZ
@given(seed=st.integers(0, 2**32 - 1))
def test_mutated_safetensors_read_or_raise_weight_format_error(work, seed):
    path = work / "mutated.safetensors"
    path.write_bytes(mutate(_safetensors_seed(work), random.Random(seed)))
    _check_safetensors(path)
    _count("safetensors")


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=12)


@FUZZ
@given(entry=st.fixed_dictionaries({}, optional={"dtype": st.sampled_from(["F32", "F16", "I64", "BOOL", "X9"]) | _JSON_VALUES,
                                                  "shape": st.lists(st.integers(-3, 2**40), max_size=4) | _JSON_VALUES,
                                                  "data_offsets": st.lists(st.integers(-8, 2**40), max_size=3)
                                                  | _JSON_VALUES}) | _JSON_VALUES,
       meta=_JSON_VALUES, body=st.binary(max_size=64))
def test_hostile_safetensors_headers(work, entry, meta, body):
    header = json.dumps({"__metadata__": meta, "t": entry}).encode()
    path = work / "hostile.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + body)
    _check_safetensors(path)
    _count("safetensors")


@pytest.mark.parametrize("header", [b"[" * 100000 + b"]" * 100000, b'{"a":' * 50000 + b"1" + b"}" * 50000,
                                    b'{"t": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 0]}}',
                                    b'{"t": {"dtype": ["F32"], "shape": [1], "data_offsets": [0, 4]}}',
                                    b'{"t": {"dtype": "F32", "shape": 3, "data_offsets": [0, 12]}}'],
                         ids=["deep-list", "deep-dict", "overflowing-shape", "list-dtype", "int-shape"])
def test_safetensors_pathological_headers(work, header):
    path = work / "patho.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\x00" * 16)
    with pytest.raises(WeightFormatError, match="patho.safetensors"):
        read_safetensors(path)

