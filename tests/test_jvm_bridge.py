"""The Python-JVM bridge: JVM start, numpy <-> INDArray transfers, Java exceptions, backend selection."""

import gc
import os
import subprocess
import sys
import weakref

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

SHAPES = [(), (1,), (7,), (0,), (2, 0, 3), (2, 3), (3, 1, 4), (2, 3, 4, 5)]


def java_values(ia):
    """The INDArray's values read element by element on the Java side (independent of the buffer view)."""
    return np.array(list(ia.toDoubleVector()), dtype=np.float64)


# ---------------------------------------------------------------------------------------------- JVM start


def test_start_is_idempotent_and_sets_options(jvm):
    jvm.start_jvm()
    jvm.start_jvm(heap="1g")  # ignored once running, must not fail
    assert jvm.is_started()
    options = jvm.jvm_options()
    assert any(o.startswith("-Xmx") for o in options)
    assert any(o.startswith("-XX:MaxDirectMemorySize=") for o in options)
    assert str(jvm.find_jar()).endswith(".jar")


def test_missing_jar_says_run_make_setup(jvm, monkeypatch, tmp_path):
    monkeypatch.delenv("PYDL4J_JAR", raising=False)
    monkeypatch.setattr(jvm, "REPO_ROOT", tmp_path)
    with pytest.raises(jvm.EngineSetupError, match="make setup"):
        jvm.find_jar()


def test_jar_override_must_exist(jvm, monkeypatch, tmp_path):
    monkeypatch.setenv("PYDL4J_JAR", str(tmp_path / "nope.jar"))
    with pytest.raises(jvm.EngineSetupError, match="PYDL4J_JAR"):
        jvm.find_jar()


def test_bad_heap_size_is_rejected_before_start(jvm):
    with pytest.raises(jvm.EngineSetupError, match="heap"):
        jvm._check_size("heap", "4 gigs")


# ---------------------------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_round_trip(jvm, dtype, shape):
    x = np.random.default_rng(1).standard_normal(shape).astype(dtype)
    ia = jvm.to_indarray(x)
    assert tuple(ia.shape()) == shape
    assert str(ia.dataType().name()) == ("FLOAT" if dtype == np.float32 else "DOUBLE")
    np.testing.assert_array_equal(java_values(ia), x.ravel().astype(np.float64))
    back = jvm.to_numpy(ia)
    assert back.dtype == dtype and back.shape == shape
    np.testing.assert_array_equal(back, x)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_java_made_array_to_numpy(jvm, nd4j, jlongs, dtype):
    data_type = jvm.java_class("org.pydl4j.nd.DataType")
    ia = nd4j.zeros(data_type.FLOAT if dtype == np.float32 else data_type.DOUBLE, jlongs(2, 3, 4))
    ia.addi(1.5)
    ia.putScalar(jlongs(1, 2, 3), -4.0)
    out = jvm.to_numpy(ia)
    expected = np.full((2, 3, 4), 1.5, dtype=dtype)
    expected[1, 2, 3] = -4.0
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, expected)


@settings(max_examples=40, deadline=None)
@given(
    hnp.arrays(
        dtype=st.sampled_from([np.dtype(np.float32), np.dtype(np.float64)]),
        shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5),
    )
)
def test_round_trip_any_values(jvm, x):
    # NaN, infinities, signed zeros and subnormals must come back bit for bit.
    back = jvm.to_numpy(jvm.to_indarray(x), copy=True)
    assert back.dtype == x.dtype and back.shape == x.shape
    assert back.tobytes() == np.ascontiguousarray(x).tobytes()


def test_default_copy_is_independent(jvm):
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    ia = jvm.to_indarray(x)
    x[0, 0] = 100.0
    assert ia.getDouble(0) == 0.0
    ia.putScalar(1, 42.0)
    assert x[0, 1] == 1.0


def test_copies_out_are_reads(jvm):
    # to_numpy(copy=True) only reads: on a device backend the array's device copy must stay current (a write access
    # would make the engine upload the array again before its next device op)
    ia = jvm.to_indarray(np.arange(6, dtype=np.float32))
    writes = ia.writeCount()
    back = jvm.to_numpy(ia, copy=True)
    assert ia.writeCount() == writes
    assert back.tolist() == [0, 1, 2, 3, 4, 5]


@pytest.mark.parametrize(
    "make",
    [
        lambda a: a.T,  # transposed view
        lambda a: a[:, ::2],  # strided slice
        lambda a: np.asfortranarray(a),  # Fortran order
        lambda a: a[::-1],  # negative stride
    ],
    ids=["transposed", "strided", "fortran", "reversed"],
)
def test_non_contiguous_input_is_copied(jvm, make):
    base = np.arange(24, dtype=np.float32).reshape(4, 6)
    x = make(base)
    assert not x.flags.c_contiguous
    for copy in (True, None):
        ia = jvm.to_indarray(x, copy=copy)
        assert tuple(ia.shape()) == x.shape
        np.testing.assert_array_equal(jvm.to_numpy(ia), x)
        x += 1  # the Java copy must not follow
        np.testing.assert_array_equal(jvm.to_numpy(ia), x - 1)
        x -= 1
    with pytest.raises(ValueError, match="c_contiguous=False"):
        jvm.to_indarray(x, copy=False)


def test_dtype_conversions(jvm):
    ints = np.arange(5, dtype=np.int64)
    ia = jvm.to_indarray(ints)
    assert str(ia.dataType().name()) == "FLOAT"
    np.testing.assert_array_equal(jvm.to_numpy(ia), ints.astype(np.float32))

    from_list = jvm.to_indarray([0.5, 1.5])
    assert str(from_list.dataType().name()) == "FLOAT"
    assert float(jvm.to_indarray(2.5).getDouble(0)) == 2.5

    ia64 = jvm.to_indarray([[1, 2], [3, 4]], dtype=np.float64)
    assert str(ia64.dataType().name()) == "DOUBLE"
    np.testing.assert_array_equal(jvm.to_numpy(ia64), [[1.0, 2.0], [3.0, 4.0]])

    big_endian = np.arange(6, dtype=">f4").reshape(2, 3)
    ia_be = jvm.to_indarray(big_endian, copy=None)
    np.testing.assert_array_equal(jvm.to_numpy(ia_be), big_endian.astype(np.float32))
    with pytest.raises(ValueError):
        jvm.to_indarray(big_endian, copy=False)

    with pytest.raises(ValueError, match="float32 or float64"):
        jvm.to_indarray(ints, dtype=np.int32)


def test_read_only_input_is_never_shared(jvm):
    x = np.arange(4, dtype=np.float32)
    x.flags.writeable = False
    ia = jvm.to_indarray(x, copy=None)
    ia.putScalar(0, 9.0)  # writes to Java's own copy
    assert x[0] == 0.0
    with pytest.raises(ValueError, match="writeable=False"):
        jvm.to_indarray(x, copy=False)


def test_to_numpy_rejects_other_objects(jvm):
    with pytest.raises(TypeError, match="INDArray"):
        jvm.to_numpy(np.zeros(3))


# ---------------------------------------------------------------------------------------------- zero copy


def test_to_numpy_is_a_view_of_java_memory(jvm):
    ia = jvm.to_indarray(np.zeros((2, 3), dtype=np.float32))
    view = jvm.to_numpy(ia)
    view[1, 2] = 7.0  # numpy -> Java
    assert ia.getDouble(5) == 7.0
    ia.muli(2.0)  # Java -> numpy
    assert view[1, 2] == 14.0
    ia.putScalar(0, -3.0)
    assert view[0, 0] == -3.0
    # a Java-side view (reshape shares memory) is seen too
    ia.reshape(jvm.long_array([6])).putScalar(1, 5.0)
    assert view[0, 1] == 5.0
    # and a Java sub-array view (a row) maps onto the matching numpy memory
    row = jvm.to_numpy(ia.getRow(1))
    assert row.shape == (3,)
    assert row.__array_interface__["data"][0] == view[1].__array_interface__["data"][0]
    row[0] = 99.0
    assert view[1, 0] == 99.0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_to_indarray_copy_false_shares_numpy_memory(jvm, dtype):
    x = np.arange(12, dtype=dtype).reshape(3, 4)
    ia = jvm.to_indarray(x, copy=False)
    x[2, 3] = -1.0  # numpy -> Java
    assert ia.getDouble(11) == -1.0
    ia.addi(10.0)  # Java -> numpy
    np.testing.assert_array_equal(x.ravel()[:3], [10.0, 11.0, 12.0])
    # and to_numpy of the wrapped INDArray points at the very same memory
    assert np.shares_memory(jvm.to_numpy(ia), x)


def test_copy_none_shares_when_possible(jvm):
    x = np.ones(8, dtype=np.float32)
    ia = jvm.to_indarray(x, copy=None)
    x[3] = 5.0
    assert ia.getDouble(3) == 5.0


def test_shared_numpy_memory_outlives_the_python_reference(jvm):
    x = np.arange(1000, dtype=np.float32)
    alive = weakref.ref(x)
    ia = jvm.to_indarray(x, copy=False)
    del x
    gc.collect()
    assert alive() is not None, "numpy memory released while an INDArray still wraps it"
    assert ia.getDouble(999) == 999.0
    assert java_values(ia).sum() == np.arange(1000).sum()


def test_numpy_view_keeps_java_memory_alive(jvm):
    ia = jvm.to_indarray(np.arange(4096, dtype=np.float64))
    view = jvm.to_numpy(ia)
    del ia
    gc.collect()
    jvm.java_class("java.lang.System").gc()
    # allocate and drop more direct memory so a freed block would be reused and overwritten
    for _ in range(5):
        jvm.to_indarray(np.full(4096, -1.0))
    jvm.java_class("java.lang.System").gc()
    np.testing.assert_array_equal(view, np.arange(4096, dtype=np.float64))


# ---------------------------------------------------------------------------------------------- exceptions


def test_java_exception_carries_the_java_message(jvm, nd4j, jlongs):
    import jpype

    a = nd4j.zeros(jlongs(2, 3))
    b = nd4j.zeros(jlongs(4, 5))
    with pytest.raises(jpype.JException) as info:
        a.add(b)
    err = info.value
    assert isinstance(err, jvm.java_class("java.lang.IllegalArgumentException"))
    message = str(err)
    assert "[2, 3]" in message and "[4, 5]" in message and "broadcast" in message
    assert str(err.getMessage()) in message


def test_java_exception_from_arrays_made_in_python(jvm):
    import jpype

    a = jvm.to_indarray(np.zeros((2, 3), dtype=np.float32))
    with pytest.raises(jpype.JException, match=r"do not broadcast"):
        a.add(jvm.to_indarray(np.zeros((4, 5), dtype=np.float32)))


# ---------------------------------------------------------------------------------------------- backends


def test_set_backend_in_process(jvm):
    before = jvm.backend_name()
    assert jvm.set_backend("reference") == "reference"
    assert jvm.backend_name() == "reference"
    with pytest.raises(jvm.EngineSetupError, match=r"unknown backend 'no-such'.*reference"):
        jvm.set_backend("no-such")
    assert jvm.backend_name() == "reference"  # a failed switch leaves the backend as it was
    jvm.set_backend(before)


def _run_python(code, **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("PYDL4J_")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], env=full_env, capture_output=True, text=True, timeout=120, check=False
    )


def test_backend_env_selects_backend():
    code = "from pydl4j_transfer import jvm; jvm.start_jvm(heap='256m'); print('BACKEND', jvm.backend_name())"
    proc = _run_python(code, PYDL4J_BACKEND="reference")
    assert proc.returncode == 0, proc.stderr
    assert "BACKEND reference" in proc.stdout


def test_bad_backend_env_gives_clear_error():
    code = "from pydl4j_transfer import jvm; jvm.start_jvm(heap='256m')"
    proc = _run_python(code, PYDL4J_BACKEND="quantum")
    assert proc.returncode != 0
    assert "EngineSetupError" in proc.stderr
    assert "PYDL4J_BACKEND='quantum'" in proc.stderr
    assert "unknown backend 'quantum'" in proc.stderr
    assert "choose one of" in proc.stderr


# ---------------------------------------------------------------------------------------------- end to end


def test_toy_cnn_learns_through_the_bridge(jvm):
    """The demo network (DL4J-style graph built from Python, numpy batches in, probabilities out) learns."""
    from pydl4j_transfer.examples import toy_cnn

    images, labels = toy_cnn.make_shapes(64, seed=0)
    assert images.shape == (64, 1, 28, 28) and labels.shape == (64, 2)
    np.testing.assert_array_equal(labels.sum(axis=0), [32, 32])
    accuracy = toy_cnn.run(seed=7)
    assert accuracy >= 0.9, f"toy CNN test accuracy {accuracy:.3f}: training through the bridge did not learn"
