"""The job's epoch loop: patience stops at the expected epoch on a scripted validation curve, keep-best puts the
best epoch's parameters back, the schedule's rates are used, label smoothing and class weights."""

from __future__ import annotations

import numpy as np
import pytest

from pydl4j_transfer import engine
from pydl4j_transfer.fitting import FitPlan, balanced_class_weights, fit_featurized, smoothed_targets


def _graph(jvm, seed=3):
    import jpype

    j = jvm
    names = lambda *v: jpype.JArray(jpype.JString)(list(v))  # noqa: E731
    Act = j.java_class("org.pydl4j.nd.activations.Activation")
    conf = (j.java_class("org.pydl4j.nn.conf.NeuralNetConfiguration").Builder().seed(seed)
            .updater(j.java_class("org.pydl4j.nd.learning.config.Adam")(0.05)).graphBuilder().addInputs(names("in"))
            .addLayer("d1", j.java_class("org.pydl4j.nn.conf.layers.DenseLayer").Builder().nIn(4).nOut(6)
                      .activation(Act.TANH).build(), names("in"))
            .addLayer("fc", j.java_class("org.pydl4j.nn.conf.layers.OutputLayer")
                      .Builder(j.java_class("org.pydl4j.nd.lossfunctions.LossFunctions").LossFunction.MCXENT)
                      .nIn(6).nOut(3).activation(Act.SOFTMAX).build(), names("d1"))
            .setOutputs(names("fc")).build())
    base = j.java_class("org.pydl4j.nn.graph.ComputationGraph")(conf)
    base.init()
    return engine.build_transfer_graph(base, feature_vertex="d1", output_vertex="fc", num_classes=3,
                                       learning_rate=0.05, seed=seed)


def _data(n=30, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    x = rng.normal(size=(n, 6)).astype(np.float32)
    x[np.arange(n), y] += 2.0
    return x, y


class ScriptedValidation(engine.Helper):
    """Predicts the validation rows from a script (one validation loss per epoch), records parameters per epoch."""

    def __init__(self, graph, losses, n_val):
        super().__init__(graph, input_shape=(4,))
        self.losses, self.n_val, self.calls, self.params = list(losses), n_val, 0, []

    def predict(self, features, batch=1024):
        if len(features) != self.n_val:
            return super().predict(features, batch)
        from pydl4j_transfer import jvm

        self.params.append(jvm.to_numpy(self.helper.unfrozenGraph().params(), copy=True))
        p = np.exp(-self.losses[self.calls])     # probability of the true class (class 0 for every row)
        self.calls += 1
        rest = (1 - p) / 2
        return np.tile([p, rest, rest], (self.n_val, 1)).astype(np.float32)


def test_patience_stops_at_the_expected_epoch_and_keeps_the_best(jvm):
    from pydl4j_transfer import jvm as bridge

    x, y = _data()
    x_val, y_val = np.zeros((5, 6), np.float32), np.zeros(5, np.int64)
    # best at epoch 2 (0.5); epochs 3, 4 do not improve -> patience 2 stops after epoch 4
    helper = ScriptedValidation(_graph(jvm), [0.9, 0.5, 0.6, 0.55, 0.1, 0.1], n_val=5)
    out = fit_featurized(helper, [(x, y)], (x_val, y_val), 3, FitPlan(epochs=6, batch_size=8, learning_rate=0.05,
                                                                        patience=2),
                         np.random.default_rng(0), progress=False)
    assert out.stopped_early and [r["epoch"] for r in out.history] == [1, 2, 3, 4]
    assert out.best_epoch == 2
    assert [round(r["validation_loss"], 6) for r in out.history] == [0.9, 0.5, 0.6, 0.55]
    np.testing.assert_array_equal(bridge.to_numpy(helper.helper.unfrozenGraph().params(), copy=True),
                                  helper.params[1])
    # the same script without patience runs every epoch and keeps epoch 5
    helper = ScriptedValidation(_graph(jvm), [0.9, 0.5, 0.6, 0.55, 0.1, 0.1], n_val=5)
    out = fit_featurized(helper, [(x, y)], (x_val, y_val), 3, FitPlan(epochs=6, batch_size=8, learning_rate=0.05),
                         np.random.default_rng(0), progress=False)
    assert len(out.history) == 6 and out.best_epoch == 5 and not out.stopped_early


def test_schedule_rates_are_recorded_and_training_learns(jvm):
    x, y = _data(60)
    helper = engine.Helper(_graph(jvm), input_shape=(4,))
    plan = FitPlan(epochs=4, batch_size=20, learning_rate=0.05, warmup_epochs=1, cosine=True, label_smoothing=0.1)
    out = fit_featurized(helper, [(x, y)], _data(15, seed=1), 3, plan, np.random.default_rng(0), progress=False)
    rates = [r["lr"] for r in out.history]
    assert rates[0] == pytest.approx(0.05)           # the last step of the warmup epoch is the peak
    assert rates[1] > rates[2] > rates[3] == pytest.approx(0.0)
    assert out.history[-1]["train_loss"] < out.history[0]["train_loss"]


def test_label_smoothing_and_balanced_weights():
    t = smoothed_targets(np.array([0, 2]), 4, 0.2)
    np.testing.assert_allclose(t.sum(1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(t[0], [0.85, 0.05, 0.05, 0.05], rtol=1e-6)
    assert balanced_class_weights([0, 0, 0, 1], 2) == [pytest.approx(4 / 6), pytest.approx(2.0)]
    assert balanced_class_weights([0, 1, 2], 4)[3] == 1.0
    with pytest.raises(ValueError, match="label_smoothing"):
        FitPlan(epochs=1, batch_size=1, learning_rate=1e-3, label_smoothing=1.0)


def test_class_weights_reach_the_classifier(jvm):
    import jpype

    graph = _graph(jvm)
    base = graph   # rebuild the head of the same graph with weights
    weighted = engine.build_transfer_graph(base, feature_vertex="d1", output_vertex="fc", num_classes=3,
                                           learning_rate=0.05, seed=3, class_weights=[1.0, 2.0, 0.5],
                                           weight_decay=1e-4)
    loss = weighted.getLayer("fc").conf().getLayer().getLossFn()
    assert "weights=[1.0, 2.0, 0.5]" in str(loss.toString())
    assert float(weighted.getLayer("fc").conf().getLayer().getWeightDecay()) == pytest.approx(1e-4)
    with pytest.raises(engine.EngineError, match="2 values for 3 classes"):
        engine.build_transfer_graph(base, feature_vertex="d1", output_vertex="fc", num_classes=3,
                                    learning_rate=0.05, seed=3, class_weights=[1.0, 2.0])
    del jpype
