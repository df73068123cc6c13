"""``unfreeze=N`` lands on block outputs: every N from 1 to all of EfficientNet-Lite0's blocks gives one boundary.

The block count used to stop at a residual block's ``project_bn`` instead of its ``add``, so for N >= 2 the frozen
part met the trained part at two vertices (the add's inputs) and featurizing failed.
"""

from __future__ import annotations

import numpy as np
import pytest

from pydl4j_transfer import engine

IMAGE = 64   # small input: the boundary depends on the graph, not on the resolution


@pytest.fixture(scope="module")
def lite0(jvm):
    model = engine._zoo_model("efficientnet-lite0", 1000, IMAGE)
    graph = jvm.java_class("org.pydl4j.nn.graph.ComputationGraph")(model.conf())
    graph.init()
    return graph


def _units(graph):
    """Every unit unfreeze can count over: stem, the 16 MBConv blocks, the head."""
    order = [str(v) for v in graph.getConfiguration().topologicalOrder()]
    units: list[str] = []
    for v in order:
        unit = engine._unit(v)
        if unit != v and unit not in units:
            units.append(unit)
    return units


def test_every_block_count_meets_the_classifier_at_one_vertex(jvm, lite0):
    units = _units(lite0)
    assert units[0] == "stem" and units[-1] == "head" and len(units) == 18
    residual_outputs = 0
    for n in range(1, len(units)):
        vertex = engine.unfreeze_boundary(lite0, "avg_pool", n)
        # the last frozen vertex is the output of unit -(n+1): a residual block ends at its add
        assert engine._unit(vertex) == units[-(n + 1)], (n, vertex)
        residual_outputs += vertex.endswith("_add")
        graph = engine.build_transfer_graph(lite0, feature_vertex=vertex, output_vertex="fc", num_classes=3,
                                            learning_rate=1e-3, seed=1)
        helper = engine.Helper(graph)
        assert [str(b) for b in helper.helper.getBoundary()] == [vertex], n
    assert residual_outputs == 9   # the repeated blocks of stages 1-5 end at their residual add
    with pytest.raises(engine.EngineError, match="use at most 17"):
        engine.unfreeze_boundary(lite0, "avg_pool", len(units))


def test_unfreeze_3_featurizes_and_trains_like_the_whole_graph(jvm, lite0):
    vertex = engine.unfreeze_boundary(lite0, "avg_pool", 3)
    assert vertex == "blocks_5_2_add"
    graph = engine.build_transfer_graph(lite0, feature_vertex=vertex, output_vertex="fc", num_classes=3,
                                        learning_rate=1e-3, seed=1)
    helper = engine.Helper(graph, input_shape=(3, IMAGE, IMAGE))
    images = np.random.default_rng(0).normal(size=(2, 3, IMAGE, IMAGE)).astype(np.float32)
    features = helper.featurize(images)
    assert helper.feature_shape() == (192, IMAGE // 32, IMAGE // 32)
    np.testing.assert_allclose(helper.predict(features), engine.output(graph, images), rtol=1e-4, atol=1e-6)
    labels = engine.one_hot([0, 2], 3)
    first = helper.fit(features, labels)
    for _ in range(5):
        last = helper.fit(features, labels)
    assert last < first
