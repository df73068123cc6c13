package org.pydl4j.nn.graph;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.backend.Backend;
import org.pydl4j.nd.backend.Backends;
import org.pydl4j.nd.backend.cpu.CpuBackend;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.learning.config.IUpdater;
import org.pydl4j.nd.learning.config.Sgd;
import org.pydl4j.nn.graph.vertex.GraphVertex;
import org.pydl4j.nn.transferlearning.FineTuneConfiguration;
import org.pydl4j.nn.transferlearning.TransferLearning;
import org.pydl4j.zoo.model.EfficientNetLite;

/**
 * The frozen part of a training pass runs as an inference pass (FrozenPrefix): which vertices, and that training
 * with it is training layer by layer (-Dpydl4j.inference.fuse=false) within float rounding.
 */
public class FrozenPrefixTest {
    private static final String BOUNDARY = "blocks_5_3_add";   // EfficientNet-Lite0 with the last 2 units trained

    private static ComputationGraph lastTwoTrained(int resolution) { return lastTwoTrained(resolution, new Adam(1e-2)); }

    private static ComputationGraph lastTwoTrained(int resolution, IUpdater updater) {
        ComputationGraph base = EfficientNetLite.builder(0).resolution(resolution).numClasses(5).seed(3).build().init();
        return new TransferLearning.GraphBuilder(base)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(updater).seed(1).build())
                .setFeatureExtractor(BOUNDARY).build();
    }

    private static Map<String, Boolean> reach(ComputationGraph g) {
        Map<String, Boolean> r = new HashMap<>();
        for (String name : g.getTopologicalOrder()) {
            GraphVertex v = g.getVertex(name);
            boolean trained = !v.isInputVertex() && !v.isFrozen() && v.hasLayer() && v.getLayer().numParams() > 0;
            for (String src : g.getConfiguration().getVertexInputs().getOrDefault(name, List.of())) trained |= r.get(src);
            r.put(name, trained);
        }
        return r;
    }

    private static FrozenPrefix plan(ComputationGraph g) {
        Map<String, GraphVertex> vs = new LinkedHashMap<>();
        for (GraphVertex v : g.getVertices()) vs.put(v.getVertexName(), v);
        return FrozenPrefix.plan(g.getConfiguration(), g.getTopologicalOrder(), vs, reach(g), new int[]{4});
    }

    @Test
    public void everythingUpToTheBoundaryWithOnlyTheBoundaryLeft() {
        ComputationGraph g = lastTwoTrained(32);
        FrozenPrefix p = plan(g);
        assertNotNull(p);
        assertEquals(List.of(BOUNDARY), p.outputs());
        int frozen = 0;
        for (GraphVertex v : g.getVertices()) if (v.isFrozen()) frozen++;
        // the frozen layers plus the residual additions between them
        assertTrue(p.members().size() + " members, " + frozen + " frozen layers", p.members().size() > frozen);
        assertTrue(p.members().contains("blocks_5_2_add") && !p.members().contains("blocks_6_0_expand_conv"));
        ComputationGraph all = EfficientNetLite.builder(0).resolution(32).numClasses(5).build().init();
        assertNull("nothing frozen: no prefix", plan(all));
    }

    /** One pass's gradients (by variable) and score, through the prefix or layer by layer. */
    private static Map<String, INDArray> gradients(ComputationGraph net, boolean prefix, INDArray x, INDArray y, double[] score) {
        String before = System.getProperty("pydl4j.inference.fuse");
        System.setProperty("pydl4j.inference.fuse", Boolean.toString(prefix));
        try {
            net.setInputs(x);
            net.setLabels(y);
            net.computeGradientAndScore();
            score[0] = net.score();
            Map<String, INDArray> g = new LinkedHashMap<>();
            for (Map.Entry<String, INDArray> e : net.gradient().gradientForVariable().entrySet()) g.put(e.getKey(), e.getValue().dup());
            return g;
        } finally {
            if (before == null) System.clearProperty("pydl4j.inference.fuse"); else System.setProperty("pydl4j.inference.fuse", before);
        }
    }

    private static double relDiff(INDArray a, INDArray b) {
        return a.sub(b).map(Math::abs, false).maxNumber().doubleValue() / b.map(Math::abs, false).maxNumber().doubleValue();
    }

    @Test
    public void trainingThroughThePrefixIsTrainingLayerByLayer() {
        Backend previous = Backends.current();
        try {
            Backends.use(new CpuBackend());
            ComputationGraph g = lastTwoTrained(64);
            Random r = new Random(9);
            INDArray x = Nd4j.createUninitialized(DataType.FLOAT, 4, 3, 64, 64);
            for (int i = 0; i < x.length(); i++) x.putLinear(i, r.nextGaussian());
            INDArray y = Nd4j.zeros(DataType.FLOAT, 4, 5);
            for (int i = 0; i < 4; i++) y.putScalar(new long[]{i, r.nextInt(5)}, 1.0);
            double[] s1 = new double[1], s2 = new double[1];
            Map<String, INDArray> fused = gradients(g, true, x, y, s1), layered = gradients(g, false, x, y, s2);
            assertEquals(s2[0], s1[0], 1e-5);
            int compared = 0;
            double largest = 0;
            for (INDArray a : layered.values()) largest = Math.max(largest, a.map(Math::abs, false).maxNumber().doubleValue());
            for (Map.Entry<String, INDArray> e : layered.entrySet()) {
                // zero in exact arithmetic (a batch norm's shift feeding another batch norm): rounding noise only
                if (e.getValue().map(Math::abs, false).maxNumber().doubleValue() < 1e-5 * largest) continue;
                double d = relDiff(fused.get(e.getKey()), e.getValue());
                assertTrue(e.getKey() + ": prefix vs layer by layer " + d, d < 1e-4);
                compared++;
            }
            assertTrue(compared + " gradients compared", compared > 10);
        } finally {
            Backends.use(previous);
        }
    }

    /**
     * Several fit steps (each in its MemoryScope: the prefix's programs and folded weights must outlive a step's
     * arrays): the same scores and parameters as layer by layer. SGD, whose updates carry rounding differences
     * as they are (Adam's normalization magnifies them on near-zero gradients).
     */
    @Test
    public void fitStepsThroughThePrefixMatchLayerByLayer() {
        Backend previous = Backends.current();
        String before = System.getProperty("pydl4j.inference.fuse");
        try {
            Backends.use(new CpuBackend());
            ComputationGraph g = lastTwoTrained(32, new Sgd(0.05));
            INDArray start = g.params().dup();
            INDArray[] params = new INDArray[2];
            double[][] scores = new double[2][3];
            for (int k = 0; k < 2; k++) {
                System.setProperty("pydl4j.inference.fuse", Boolean.toString(k == 0));
                ComputationGraph c = g.clone();
                Random r = new Random(9);
                for (int s = 0; s < 3; s++) {
                    INDArray x = Nd4j.createUninitialized(DataType.FLOAT, 4, 3, 32, 32);
                    for (int i = 0; i < x.length(); i++) x.putLinear(i, r.nextGaussian());
                    INDArray y = Nd4j.zeros(DataType.FLOAT, 4, 5);
                    for (int i = 0; i < 4; i++) y.putScalar(new long[]{i, r.nextInt(5)}, 1.0);
                    c.fit(new INDArray[]{x}, new INDArray[]{y});
                    scores[k][s] = c.score();
                }
                params[k] = c.params().dup();
            }
            for (int s = 0; s < 3; s++) assertEquals("score of step " + s, scores[1][s], scores[0][s], 1e-4);
            double moved = params[1].sub(start).map(Math::abs, false).maxNumber().doubleValue();
            double diff = params[0].sub(params[1]).map(Math::abs, false).maxNumber().doubleValue();
            assertTrue("moved " + moved, moved > 1e-2);
            assertTrue("prefix vs layer by layer after 3 steps: " + diff + " (moved " + moved + ")", diff < 1e-4 * moved);
        } finally {
            if (before == null) System.clearProperty("pydl4j.inference.fuse"); else System.setProperty("pydl4j.inference.fuse", before);
            Backends.use(previous);
        }
    }
}
