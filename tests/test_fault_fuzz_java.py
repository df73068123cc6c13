"""Fuzzing the engine's file readers through the bridge: model zips (ours and DL4J's) and safetensors, damaged at the
byte level and inside the zip members.

Contract: the reader returns a graph / tensors, or raises a Java IOException or IllegalArgumentException (a subclass
of either) whose message names the file -- never another exception, an OutOfMemoryError from a bogus length, or a
JVM crash. The in-process cases share the session's JVM (conftest's ``jvm`` fixture); one subprocess additionally
reads a few hundred damaged zips and must exit normally, so a native crash would show as a non-zero exit.
"""

import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from fault_support import java_path, mutate, mutate_zip_member, small_graph

PROJECT = Path(__file__).resolve().parents[1]
FUZZ = settings(max_examples=250, deadline=5000, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
COUNTS: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def report_counts():
    """Prints how many inputs each fuzz suite tried (visible with -s and in CI logs)."""
    yield
    print("\njava fuzz inputs tried:", COUNTS)


@pytest.fixture(scope="module")
def seeds(jvm, tmp_path_factory):
    """Valid files to damage: our model zip (with updater state), a DL4J-format zip, a safetensors file."""
    work = tmp_path_factory.mktemp("jfuzz")
    graph = small_graph(jvm)
    ours, dl4j, tensors = work / "ours.zip", work / "dl4j.zip", work / "params.safetensors"
    jvm.java_class("org.pydl4j.util.ModelSerializer").writeModel(graph, str(ours), True)
    jvm.java_class("org.pydl4j.util.serde.Dl4jZipExporter").write(graph, java_path(jvm, dl4j), False)
    jvm.java_class("org.pydl4j.util.SafeTensors").write(
        java_path(jvm, tensors), jvm.java_class("org.pydl4j.zoo.ParamTables").extract(graph), None)
    return {"work": work, "ours": ours.read_bytes(), "dl4j": dl4j.read_bytes(), "safetensors": tensors.read_bytes()}


def _expect_clean(jvm, path, read):
    """``read(path)`` succeeds or raises IOException / IllegalArgumentException naming ``path``."""
    import jpype

    IOException = jpype.JClass("java.io.IOException")
    IllegalArgumentException = jpype.JClass("java.lang.IllegalArgumentException")
    try:
        result = read(path)
    except (IOException, IllegalArgumentException) as error:
        message = str(error.getMessage())
        assert str(path) in message, f"{error.getClass().getName()} does not name the file: {message}"
        return "refused"
    except jpype.JException as error:   # any other Java exception breaks the contract
        pytest.fail(f"{error.getClass().getName()} reading {path}: {error.getMessage()}\n{error.stacktrace()}")
    assert result is not None
    return "read"


def _restore(jvm):
    serializer = jvm.java_class("org.pydl4j.util.ModelSerializer")

    def read(path):
        graph = serializer.restoreComputationGraph(str(path))
        assert graph.numParams() >= 0
        return graph
    return read


@FUZZ
@given(fmt=st.sampled_from(["ours", "dl4j"]), inside=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_damaged_model_zips_restore_or_raise_naming_the_file(jvm, seeds, fmt, inside, seed):
    rng = random.Random(seed)
    data = mutate_zip_member(seeds[fmt], rng) if inside else mutate(seeds[fmt], rng)
    path = seeds["work"] / f"damaged {fmt}.zip"
    path.write_bytes(data)
    _expect_clean(jvm, path, _restore(jvm))
    COUNTS["model zips"] = COUNTS.get("model zips", 0) + 1


@FUZZ
@given(fmt=st.sampled_from(["ours", "dl4j"]), cut=st.floats(0.0, 1.0, exclude_max=True))
def test_truncated_model_zips_raise_naming_the_file(jvm, seeds, fmt, cut):
    data = seeds[fmt]
    path = seeds["work"] / f"cut {fmt}.zip"
    path.write_bytes(data[: int(len(data) * cut)])
    assert _expect_clean(jvm, path, _restore(jvm)) == "refused"
    COUNTS["model zips"] = COUNTS.get("model zips", 0) + 1


@FUZZ
@given(seed=st.integers(0, 2**32 - 1))
def test_damaged_safetensors_read_or_raise_naming_the_file_java(jvm, seeds, seed):
    reader = jvm.java_class("org.pydl4j.util.SafeTensors")
    path = seeds["work"] / "damaged.safetensors"
    path.write_bytes(mutate(seeds["safetensors"], random.Random(seed)))
    _expect_clean(jvm, path, lambda p: reader.read(java_path(jvm, p)))
    COUNTS["safetensors (java)"] = COUNTS.get("safetensors (java)", 0) + 1


@pytest.mark.parametrize("header", [
    b'{"t": {"dtype": "F32", "shape": ["4"], "data_offsets": [0, 16]}}',
    b'{"t": {"dtype": "F32", "shape": [4], "data_offsets": [0]}}',
    b'{"t": {"dtype": "F32", "shape": [4], "data_offsets": ["0", 16]}}',
    b'{"t": {"dtype": "F32", "shape": [null], "data_offsets": [0, 16]}}',
    b'{"t": {"dtype": "F32", "shape": [4611686018427387904, 4], "data_offsets": [0, 16]}}',
    b'{"t": {"dtype": "F32", "shape": [-4], "data_offsets": [0, 16]}}',
    b'{"t": {"dtype": "F32", "shape": [4.5], "data_offsets": [0, 16]}}',
    b"[" * 100000 + b"]" * 100000,
    b'{"a":' * 50000 + b"1" + b"}" * 50000,
], ids=["string-dim", "one-offset", "string-offset", "null-dim", "overflowing-shape", "negative-dim", "fractional-dim",
        "deep-list", "deep-dict"])
def test_hostile_safetensors_headers_java(jvm, tmp_path, header):
    import struct

    path = tmp_path / "hostile.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\x00" * 16)
    reader = jvm.java_class("org.pydl4j.util.SafeTensors")
    assert _expect_clean(jvm, path, lambda p: reader.read(java_path(jvm, p))) == "refused"
    COUNTS["safetensors (java)"] = COUNTS.get("safetensors (java)", 0) + 1


_CRASH_PROBE = textwrap.dedent("""
    import random, sys
    sys.path.insert(0, "tests")
    import jpype
    from fault_support import mutate, mutate_zip_member
    from pydl4j_transfer import jvm
    jvm.start_jvm(heap="512m")
    serializer = jvm.java_class("org.pydl4j.util.ModelSerializer")
    allowed = (jpype.JClass("java.io.IOException"), jpype.JClass("java.lang.IllegalArgumentException"))
    work, count = sys.argv[1], int(sys.argv[2])
    seeds = [open(f"{work}/ours.zip", "rb").read(), open(f"{work}/dl4j.zip", "rb").read()]
    outcomes = {"read": 0, "refused": 0}
    for i in range(count):
        rng = random.Random(10_000 + i)
        seed = seeds[i % 2]
        data = mutate_zip_member(seed, rng) if i % 3 == 0 else mutate(seed, rng, rounds=rng.randint(1, 8))
        path = f"{work}/probe.zip"
        open(path, "wb").write(data)
        try:
            serializer.restoreComputationGraph(path)
            outcomes["read"] += 1
        except allowed as error:
            assert path in str(error.getMessage()), str(error.getMessage())
            outcomes["refused"] += 1
    print("OUTCOMES", outcomes["read"], outcomes["refused"])
""")


def test_hundreds_of_damaged_zips_in_a_subprocess_jvm_exit_normally(seeds):
    """A crash (SIGSEGV in native code, OOM kill) would be a non-zero exit here, not a dead test runner."""
    (seeds["work"] / "ours.zip").write_bytes(seeds["ours"])
    (seeds["work"] / "dl4j.zip").write_bytes(seeds["dl4j"])
    count = 300
    proc = subprocess.run([sys.executable, "-c", _CRASH_PROBE, str(seeds["work"]), str(count)], capture_output=True,
                          text=True, timeout=300, cwd=PROJECT)
    assert proc.returncode == 0, (proc.returncode, proc.stdout[-2000:], proc.stderr[-4000:])
    read, refused = (int(v) for v in proc.stdout.split("OUTCOMES")[1].split())
    assert read + refused == count and refused > count // 2
    COUNTS["model zips (subprocess)"] = count

