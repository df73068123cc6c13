"""Warmup + cosine learning rates, per iteration, and that the engine's updaters follow what the job sets."""

import math

import numpy as np
import pytest

from pydl4j_transfer.schedule import set_learning_rate, warmup_cosine


def test_warmup_then_cosine_curve():
    lr = warmup_cosine(1e-3, total_iterations=10, warmup_iterations=2, final_fraction=0.1)
    curve = [lr(i) for i in range(10)]
    assert curve[0] == pytest.approx(5e-4) and curve[1] == pytest.approx(1e-3)
    assert curve[2] == pytest.approx(1e-3)            # the cosine starts at the peak
    assert curve[-1] == pytest.approx(1e-4)           # and ends at final_fraction * base
    assert all(a >= b for a, b in zip(curve[2:], curve[3:]))
    mid = 2 + (10 - 2 - 1) / 2
    assert lr(int(mid)) > 1e-4 and math.isclose(warmup_cosine(1.0, 3)(1), 0.5)


def test_bad_schedules_are_refused():
    with pytest.raises(ValueError, match="base_lr"):
        warmup_cosine(0.0, 10)
    with pytest.raises(ValueError, match="warmup"):
        warmup_cosine(1e-3, 10, warmup_iterations=20)


def test_the_engine_steps_with_the_rate_set(jvm):
    """SGD on one weight: each step moves it by exactly lr * gradient with the rate set before the step."""
    import jpype

    j = jvm

    def names(*values):
        return jpype.JArray(jpype.JString)(list(values))

    Sgd = j.java_class("org.pydl4j.nd.learning.config.Sgd")
    conf = (j.java_class("org.pydl4j.nn.conf.NeuralNetConfiguration").Builder().seed(1).updater(Sgd(0.5))
            .weightInit(j.java_class("org.pydl4j.nn.weights.WeightInit").ONES).graphBuilder().addInputs("in")
            .addLayer("out", j.java_class("org.pydl4j.nn.conf.layers.OutputLayer")
                      .Builder(j.java_class("org.pydl4j.nd.lossfunctions.LossFunctions").LossFunction.MSE)
                      .nIn(1).nOut(1).activation(j.java_class("org.pydl4j.nd.activations.Activation").IDENTITY)
                      .build(), names("in"))
            .setOutputs(names("out")).build())
    graph = j.java_class("org.pydl4j.nn.graph.ComputationGraph")(conf)
    graph.init()
    ds = j.java_class("org.pydl4j.nd.dataset.DataSet")(j.to_indarray(np.array([[0.0]], np.float32)),
                                                        j.to_indarray(np.array([[1.0]], np.float32)))
    lr = warmup_cosine(0.1, total_iterations=4, warmup_iterations=2)
    biases = []
    for it in range(4):
        set_learning_rate(graph, lr(it))
        before = float(graph.getLayer("out").getParam("b").getDouble(0))
        graph.fit(ds)
        after = float(graph.getLayer("out").getParam("b").getDouble(0))
        # x = 0: out = b; d(b - 1)^2/db = 2 (b - 1)
        biases.append((before - after) / (2 * (before - 1.0)))
    np.testing.assert_allclose(biases, [lr(i) for i in range(4)], rtol=1e-5)
