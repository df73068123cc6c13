"""Reliability through the bridge: NaN/Inf input at inference is an error naming the input and the position, the
Python paths give the memory of Java results back at once, and a batch that does not fit in direct memory is an
error suggesting a smaller batch (PYDL4J_DIRECT_MEMORY), after which the process goes on and exits normally."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from pydl4j_transfer import engine

SMALL_CNN = """
import jpype
from pydl4j_transfer import jvm, engine

def small_cnn(frozen_until="gap"):
    J = jvm.java_class
    Activation = J("org.pydl4j.nd.activations.Activation")
    LF = J("org.pydl4j.nd.lossfunctions.LossFunctions$LossFunction")
    InputType = J("org.pydl4j.nn.conf.inputs.InputType")
    Conv = J("org.pydl4j.nn.conf.layers.ConvolutionLayer$Builder")
    Pool = J("org.pydl4j.nn.conf.layers.GlobalPoolingLayer$Builder")
    PoolingType = J("org.pydl4j.nn.conf.layers.PoolingType")
    Out = J("org.pydl4j.nn.conf.layers.OutputLayer$Builder")
    Mode = J("org.pydl4j.nn.conf.ConvolutionMode")
    S = lambda *names: jpype.JArray(jpype.JString)(list(names))
    conf = (J("org.pydl4j.nn.conf.NeuralNetConfiguration$Builder")().seed(1).activation(Activation.RELU)
            .updater(J("org.pydl4j.nd.learning.config.Adam")(1e-3))
            .graphBuilder().addInputs(S("in")).setInputTypes(InputType.convolutional(16, 16, 3))
            .addLayer("conv", Conv(jpype.JArray(jpype.JInt)([3, 3])).nOut(8).convolutionMode(Mode.Same).build(), S("in"))
            .addLayer("gap", Pool(PoolingType.AVG).build(), S("conv"))
            .addLayer("out", Out(LF.MCXENT).nOut(4).activation(Activation.SOFTMAX).build(), S("gap"))
            .setOutputs(S("out")).build())
    graph = J("org.pydl4j.nn.graph.ComputationGraph")(conf)
    graph.init()
    frozen = J("org.pydl4j.nn.transferlearning.TransferLearning$GraphBuilder")(graph).setFeatureExtractor(S(frozen_until)).build()
    return frozen
"""

exec(SMALL_CNN)   # noqa: S102 - the same builder runs here and in the child process below


@pytest.fixture(scope="module")
def graph(jvm):
    return small_cnn()  # noqa: F821 - defined by SMALL_CNN


def _images(n, seed=0):
    return np.random.default_rng(seed).random((n, 3, 16, 16), dtype=np.float32)


def test_nan_input_at_inference_names_input_and_position(graph):
    x = _images(2)
    x[1, 2, 5, 3] = np.nan
    with pytest.raises(Exception) as err:
        engine.output(graph, x)
    message = str(err.value)
    assert "IllegalArgumentException" in type(err.value).__name__ or "IllegalArgument" in repr(err.value)
    assert "output" in message and "'in'" in message and "NaN" in message and "[1, 2, 5, 3]" in message, message


def test_infinite_input_at_featurize_is_an_engine_error(graph):
    helper = engine.Helper(graph, "gap")
    x = _images(3)
    x[2, 0, 0, 7] = np.inf
    with pytest.raises(engine.EngineError, match=r"featurize: .*'in'.*Infinity at \[2, 0, 0, 7\]"):
        helper.featurize(x)
    assert helper.featurize(_images(3)).shape == (3, 8)   # the helper still works on clean input


def test_python_paths_give_java_memory_back(jvm, graph):
    from pydl4j_transfer import jvm as bridge

    beans = jvm.java_class("java.lang.management.ManagementFactory").getPlatformMXBeans(
        jvm.java_class("java.lang.management.BufferPoolMXBean"))
    direct = next(b for b in beans if str(b.getName()) == "direct")
    helper = engine.Helper(graph, "gap")
    labels = engine.one_hot([0, 1, 2, 3] * 8, 4)
    x = _images(32)

    def round_trip():
        f = helper.featurize(x)
        helper.fit(f, labels)
        helper.predict(f, batch=16)
        engine.output(graph, x)

    for _ in range(5):   # warm-up: the memory pool fills with this workload's size classes
        round_trip()
    before = int(direct.getMemoryUsed())
    for _ in range(50):
        round_trip()
    grown = int(direct.getMemoryUsed()) - before
    # one round trip allocates ~700 KiB off-heap; 50 left to the garbage collector would be tens of MiB
    assert grown <= 1 << 20, f"direct memory grew by {grown} bytes over 50 featurize/fit/predict/output round trips"
    assert bridge.is_started()


def test_batch_that_does_not_fit_is_an_error_and_the_process_goes_on(tmp_path):
    script = SMALL_CNN + textwrap.dedent("""
        import numpy as np
        # frozen up to the convolution: a training pass runs the frozen part as inference, in slices of the batch,
        # and hands the trained part its last activation whole - here the convolution's output, 64 MiB, over the
        # limit (frozen up to the pooling, that would be 8192 x 8 floats, and the batch would fit)
        graph = small_cnn("conv")
        DataSet = jvm.java_class("org.pydl4j.nd.dataset.DataSet")
        n = 8192   # the input is numpy memory
        x = jvm.to_indarray(np.zeros((n, 3, 16, 16), np.float32), copy=None)
        y = jvm.to_indarray(engine.one_hot([0] * n, 4))
        try:
            graph.fit(DataSet(x, y))
            print("NO-ERROR")
        except jpype.JException as e:
            print("ERROR", type(e).__name__, e.getMessage())
        small = engine.one_hot([0, 1, 2, 3], 4)
        graph.fit(DataSet(jvm.to_indarray(np.ones((4, 3, 16, 16), np.float32)), jvm.to_indarray(small)))
        print("SMALL", engine.Helper(graph, "gap").featurize(np.zeros((8, 3, 16, 16), np.float32)).shape)
    """)
    env = dict(os.environ, PYDL4J_DIRECT_MEMORY="48m", PYDL4J_HEAP="256m")
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    error = next((l for l in r.stdout.splitlines() if l.startswith("ERROR")), None)
    assert error is not None, r.stdout + r.stderr
    assert "ArrayAllocationException" in error, error
    assert "cannot allocate 64 MiB" in error and "limit 48 MiB" in error, error
    assert "smaller batch size" in error and "PYDL4J_DIRECT_MEMORY" in error, error
    assert "SMALL (8, 8)" in r.stdout, r.stdout


@pytest.mark.parametrize("elements", [16, 1 << 16], ids=["small-unpooled", "pooled"])
def test_numpy_view_survives_closing_its_java_array(jvm, nd4j, jlongs, elements):
    """A zero-copy numpy view keeps reading its own values after the INDArray is closed and memory churns:
    exported memory is never recycled or freed under the view (only the collector frees it, with the view)."""
    array = nd4j.rand(jlongs(elements))
    view = jvm.to_numpy(array)
    expected = view.copy()
    array.close()
    for _ in range(20):   # allocations of the same size would reuse recycled memory
        nd4j.zeros(jlongs(elements)).close()
    assert np.array_equal(view, expected)
