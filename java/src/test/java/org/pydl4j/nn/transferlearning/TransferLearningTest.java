package org.pydl4j.nn.transferlearning;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.BeforeClass;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.learning.config.Nesterovs;
import org.pydl4j.nd.learning.config.Sgd;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.api.Layer;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.graph.ElementWiseVertex;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.BaseLayer;
import org.pydl4j.nn.conf.layers.BatchNormalization;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.conf.layers.SubsamplingLayer;
import org.pydl4j.nn.conf.layers.misc.FrozenLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.updater.ComputationGraphUpdater;
import org.pydl4j.nn.weights.WeightInit;

/** TransferLearning.GraphBuilder on small dense and convolutional graphs (reference backend). */
public class TransferLearningTest {
    @BeforeClass
    public static void setUp() {
        Nd4j.setBackend("reference");
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    /** in[6] -> d1(8, relu) -> bn -> d2(8, tanh, dropout 0.5) -> d3(6, relu) -> out(3, softmax). */
    static ComputationGraph denseGraph(long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed).updater(new Adam(1e-2)).weightInit(WeightInit.XAVIER).activation(Activation.RELU)
                .graphBuilder()
                .addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nIn(6).nOut(8).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().build(), "d1")
                .addLayer("d2", new DenseLayer.Builder().nOut(8).activation(Activation.TANH).dropOut(0.5).build(), "bn")
                .addLayer("d3", new DenseLayer.Builder().nOut(6).build(), "d2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build(), "d3")
                .setOutputs("out")
                .setInputTypes(InputType.feedForward(6))
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    static DataSet data(int n, int nIn, int classes, long seed) {
        Random r = new Random(seed);
        INDArray x = Nd4j.zeros(DataType.FLOAT, n, nIn);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, classes);
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(classes);
            for (int j = 0; j < nIn; j++) x.putScalar(i, j, r.nextGaussian() + (j % classes == c ? 1.5 : 0));
            y.putScalar(i, c, 1.0);
        }
        return new DataSet(x, y);
    }

    static float[] p(ComputationGraph g, String layer) {
        INDArray all = null;
        for (Map.Entry<String, INDArray> e : g.getLayer(layer).paramTable().entrySet()) {
            INDArray v = e.getValue().reshape(e.getValue().length());
            all = all == null ? v.dup() : Nd4j.concat(0, all, v);
        }
        return all == null ? new float[0] : all.toFloatVector();
    }

    /** A trained original: batch norm running statistics moved away from their defaults. */
    static ComputationGraph trainedDense() {
        ComputationGraph g = denseGraph(42);
        DataSet ds = data(16, 6, 3, 1);
        for (int i = 0; i < 3; i++) g.fit(ds);
        return g;
    }

    // ---------------------------------------------------------------- 1. freezing

    @Test
    public void frozenPartNeverChangesAndGetsNoGradient() {
        ComputationGraph orig = trainedDense();
        INDArray origParams = orig.params();
        FineTuneConfiguration ftc = new FineTuneConfiguration.Builder().updater(new Sgd(0.1)).seed(7).build();
        ComputationGraph t = new TransferLearning.GraphBuilder(orig).fineTuneConfiguration(ftc).setFeatureExtractor("d2").build();

        // retained layers start from copies of the original's values
        assertArrayEquals(origParams.toFloatVector(), t.params().toFloatVector(), 0f);
        for (String f : new String[]{"d1", "bn", "d2"}) assertTrue(f + " frozen", t.getLayer(f).isFrozen());
        for (String u : new String[]{"d3", "out"}) assertFalse(u + " trainable", t.getLayer(u).isFrozen());
        Set<String> updated = new HashSet<>();
        for (ComputationGraphUpdater.Block b : t.getUpdater().getBlocks()) updated.add(b.layerName);
        assertEquals(Set.of("d3", "out"), updated);
        assertEquals(8 * 6 + 6 + 6 * 3 + 3, t.numTrainableParams());

        float[][] frozenBefore = {p(t, "d1"), p(t, "bn"), p(t, "d2")};
        float[] d3Before = p(t, "d3"), outBefore = p(t, "out");
        DataSet ds = data(16, 6, 3, 2);
        for (int it = 0; it < 5; it++) {
            // a backward pass through a frozen runtime layer throws, so completing these proves none happened
            t.setInputs(ds.getFeatures());
            t.setLabels(ds.getLabels());
            t.computeGradientAndScore();
            for (String f : new String[]{"d1", "bn", "d2"}) {
                for (Map.Entry<String, INDArray> g : t.getLayer(f).gradientTable().entrySet()) {
                    for (float v : g.getValue().toFloatVector()) assertEquals(f + "_" + g.getKey() + " gradient", 0f, v, 0f);
                }
            }
            boolean anyNonZero = false;
            for (INDArray g : t.getLayer("d3").gradientTable().values()) for (float v : g.toFloatVector()) anyNonZero |= v != 0f;
            assertTrue("unfrozen layer gets a gradient", anyNonZero);
            t.fit(ds);
        }
        assertArrayEquals("d1 bit-identical", frozenBefore[0], p(t, "d1"), 0f);
        assertArrayEquals("bn (incl. running mean/var) bit-identical", frozenBefore[1], p(t, "bn"), 0f);
        assertArrayEquals("d2 bit-identical", frozenBefore[2], p(t, "d2"), 0f);
        assertFalse("d3 trained", java.util.Arrays.equals(d3Before, p(t, "d3")));
        assertFalse("out trained", java.util.Arrays.equals(outBefore, p(t, "out")));
        // the original is a different network and did not change
        assertArrayEquals(origParams.toFloatVector(), orig.params().toFloatVector(), 0f);

        // inside the frozen part: no dropout (d2 has dropOut 0.5) and batch norm on running statistics, even in training mode
        Map<String, INDArray> train = t.feedForward(ds.getFeatures(), true), test = t.feedForward(ds.getFeatures(), false);
        assertArrayEquals(test.get("d2").toFloatVector(), train.get("d2").toFloatVector(), 0f);
        assertArrayEquals(test.get("bn").toFloatVector(), train.get("bn").toFloatVector(), 0f);
    }

    @Test
    public void fineTuneConfigurationOverridesUnfrozenLayersAndDefaultsNewOnes() {
        ComputationGraph orig = trainedDense();
        FineTuneConfiguration ftc = new FineTuneConfiguration.Builder().updater(new Nesterovs(5e-3, 0.8)).l2(1e-4).seed(99).build();
        ComputationGraph t = new TransferLearning.GraphBuilder(orig).fineTuneConfiguration(ftc)
                .setFeatureExtractor("bn")
                .removeVertexKeepConnections("out")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(6).nOut(3)
                        .activation(Activation.SOFTMAX).updater(new Sgd(0.5)).build(), "d3")
                .addLayer("extra", new DenseLayer.Builder().nIn(6).nOut(2).build(), "d3")
                .setOutputs("out")
                .build();
        assertEquals(99, t.getConfiguration().getDefaultConfiguration().getSeed());
        BaseLayer d2 = (BaseLayer) t.getConfiguration().getLayer("d2");
        assertEquals(new Nesterovs(5e-3, 0.8), d2.getIUpdater());
        assertEquals(1e-4, d2.getL2(), 0);
        assertEquals(Activation.TANH, d2.getActivation());          // not given to the fine-tune configuration: kept
        assertEquals(0.5, d2.getDropOut(), 0);
        BaseLayer frozenD1 = (BaseLayer) ((FrozenLayer) t.getConfiguration().getLayer("d1")).getLayer();
        assertEquals(new Adam(1e-2), frozenD1.getIUpdater());       // frozen: unchanged
        assertEquals(0.0, frozenD1.getL2(), 0);
        assertEquals(new Sgd(0.5), ((BaseLayer) t.getConfiguration().getLayer("out")).getIUpdater()); // its own wins
        BaseLayer extra = (BaseLayer) t.getConfiguration().getLayer("extra");
        assertEquals(new Nesterovs(5e-3, 0.8), extra.getIUpdater()); // unset: from the fine-tune configuration
        assertEquals(1e-4, extra.getL2(), 0);
        assertEquals(Activation.RELU, extra.getActivation());        // unset, not fine-tuned: network default
    }

    // ---------------------------------------------------------------- 3. structure edits

    @Test
    public void removeVertexKeepConnectionsReplacesInPlace() {
        ComputationGraph orig = trainedDense();
        ComputationGraph t = new TransferLearning.GraphBuilder(orig)
                .removeVertexKeepConnections("d3")
                .addLayer("d3", new DenseLayer.Builder().nIn(8).nOut(6).activation(Activation.SIGMOID).build(), "d2")
                .build();
        // "out" still reads "d3"; the new d3 is freshly initialized, every other layer is copied
        assertEquals(java.util.List.of("d3"), t.getConfiguration().getVertexInputs().get("out"));
        assertEquals(Activation.SIGMOID, ((BaseLayer) t.getConfiguration().getLayer("d3")).getActivation());
        for (String l : new String[]{"d1", "bn", "d2", "out"}) assertArrayEquals(l, p(orig, l), p(t, l), 0f);
        assertFalse(java.util.Arrays.equals(p(orig, "d3"), p(t, "d3")));
        assertArrayEquals(new long[]{5, 3}, t.outputSingle(data(5, 6, 3, 3).getFeatures()).shape());

        // removed and not added back: a clear error naming the vertex
        try {
            new TransferLearning.GraphBuilder(orig).removeVertexKeepConnections("d3").build();
            fail("expected an error");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("'d3'") && e.getMessage().contains("'out'"));
        }
        try {
            new TransferLearning.GraphBuilder(orig).removeVertexKeepConnections("out").build();
            fail("expected an error");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("'out'"));
        }
    }

    @Test
    public void removeVertexAndConnectionsThenNewHead() {
        ComputationGraph orig = trainedDense();
        ComputationGraph t = new TransferLearning.GraphBuilder(orig)
                .removeVertexAndConnections("out")
                .addLayer("newOut", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(6).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "d3")
                .setOutputs("newOut")
                .build();
        assertEquals(java.util.List.of("newOut"), t.getConfiguration().getNetworkOutputs());
        assertFalse(t.getConfiguration().getVertices().containsKey("out"));
        for (String l : new String[]{"d1", "bn", "d2", "d3"}) assertArrayEquals(l, p(orig, l), p(t, l), 0f);
        DataSet ds = data(6, 6, 4, 4);
        assertArrayEquals(new long[]{6, 4}, t.outputSingle(ds.getFeatures()).shape());
        double before = t.score(ds);
        for (int i = 0; i < 10; i++) t.fit(ds);
        assertTrue(t.score(ds) < before);

        // without a new output the graph has none
        try {
            new TransferLearning.GraphBuilder(orig).removeVertexAndConnections("out").build();
            fail("expected an error");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("output"));
        }
    }

    @Test
    public void addVertexJoinsBranches() {
        ComputationGraph orig = trainedDense();
        ComputationGraph t = new TransferLearning.GraphBuilder(orig)
                .setFeatureExtractor("d2")
                .removeVertexKeepConnections("out")
                .addLayer("side", new DenseLayer.Builder().nIn(8).nOut(6).activation(Activation.IDENTITY).build(), "d2")
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "d3", "side")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(6).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "sum")
                .build();
        assertEquals(java.util.List.of("d3", "side"), t.getConfiguration().getVertexInputs().get("sum"));
        assertArrayEquals(p(orig, "d3"), p(t, "d3"), 0f);
        DataSet ds = data(8, 6, 3, 5);
        Map<String, INDArray> acts = t.feedForward(ds.getFeatures(), false);
        assertArrayEquals(acts.get("d3").add(acts.get("side")).toFloatVector(), acts.get("sum").toFloatVector(), 1e-6f);
        float[] d1 = p(t, "d1");
        float[] side = p(t, "side");
        t.fit(ds);
        assertArrayEquals(d1, p(t, "d1"), 0f);
        assertFalse(java.util.Arrays.equals(side, p(t, "side")));
    }

    @Test
    public void nOutReplaceResizesAndReinitializesTheLayerAndItsConsumers() {
        ComputationGraph orig = trainedDense();
        ComputationGraph t = new TransferLearning.GraphBuilder(orig)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(new Sgd(0.3)).weightInit(WeightInit.RELU_UNIFORM).build())
                .nOutReplace("d1", 5, WeightInit.ZERO, WeightInit.ONES).build();
        // the fine-tune updater reaches the resized layers; their nOutReplace schemes win over the fine-tune weight init
        assertEquals(new Sgd(0.3), ((BaseLayer) t.getConfiguration().getLayer("d1")).getIUpdater());
        assertEquals(new Sgd(0.3), ((BaseLayer) t.getConfiguration().getLayer("d2")).getIUpdater());
        assertEquals(WeightInit.ZERO, ((BaseLayer) t.getConfiguration().getLayer("d1")).getWeightInit());
        assertEquals(WeightInit.RELU_UNIFORM, ((BaseLayer) t.getConfiguration().getLayer("d3")).getWeightInit());
        assertArrayEquals(new long[]{6, 5}, t.getLayer("d1").getParam("W").shape());
        for (float v : t.getLayer("d1").getParam("W").toFloatVector()) assertEquals(0f, v, 0f);
        // batch norm passes the new size on and restarts from its defaults
        assertArrayEquals(new long[]{1, 5}, t.getLayer("bn").getParam("gamma").shape());
        for (float v : t.getLayer("bn").getParam("var").toFloatVector()) assertEquals(1f, v, 0f);
        assertArrayEquals(new long[]{5, 8}, t.getLayer("d2").getParam("W").shape());
        for (float v : t.getLayer("d2").getParam("W").toFloatVector()) assertEquals(1f, v, 0f);
        assertEquals(WeightInit.ONES, ((BaseLayer) t.getConfiguration().getLayer("d2")).getWeightInit());
        for (String l : new String[]{"d3", "out"}) assertArrayEquals(l, p(orig, l), p(t, l), 0f);
        assertArrayEquals(new long[]{4, 3}, t.outputSingle(data(4, 6, 3, 6).getFeatures()).shape());

        // the single-scheme overload uses the scheme for both
        ComputationGraph t2 = new TransferLearning.GraphBuilder(orig).nOutReplace("d3", 4, WeightInit.ONES).build();
        assertArrayEquals(new long[]{4, 3}, t2.getLayer("out").getParam("W").shape());
        for (float v : t2.getLayer("out").getParam("W").toFloatVector()) assertEquals(1f, v, 0f);
        for (String l : new String[]{"d1", "bn", "d2"}) assertArrayEquals(l, p(orig, l), p(t2, l), 0f);
    }

    /** in[1,12,12] -> c1 conv3 (4) -> pool -> c2 conv3 (6) -> dense (flattening preprocessor) -> out. */
    static ComputationGraph cnn() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(5).updater(new Sgd(0.05)).weightInit(WeightInit.RELU).activation(Activation.RELU)
                .graphBuilder()
                .addInputs("img")
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(4).build(), "img")
                .addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "c1")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(6).build(), "pool")
                .addLayer("fc", new DenseLayer.Builder().nOut(10).build(), "c2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX).build(), "fc")
                .setOutputs("out")
                .setInputTypes(InputType.convolutional(12, 12, 1))
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @Test
    public void nOutReplaceThroughPoolingAndFlattening() {
        ComputationGraph orig = cnn();
        ComputationGraph t = new TransferLearning.GraphBuilder(orig).nOutReplace("c1", 7, WeightInit.XAVIER, WeightInit.RELU).build();
        assertArrayEquals(new long[]{7, 1, 3, 3}, t.getLayer("c1").getParam("W").shape());
        assertArrayEquals(new long[]{6, 7, 3, 3}, t.getLayer("c2").getParam("W").shape());
        for (String l : new String[]{"fc", "out"}) assertArrayEquals(l, p(orig, l), p(t, l), 0f);

        ComputationGraph t2 = new TransferLearning.GraphBuilder(orig).nOutReplace("c2", 3, WeightInit.XAVIER).build();
        // c2 output is 3x3 spatially: the dense layer behind the flattening now has 3*3*3 inputs
        assertArrayEquals(new long[]{27, 10}, t2.getLayer("fc").getParam("W").shape());
        assertArrayEquals(p(orig, "c1"), p(t2, "c1"), 0f);
        assertArrayEquals(p(orig, "out"), p(t2, "out"), 0f);
        INDArray x = Nd4j.rand(11L, 3, 1, 12, 12);
        assertArrayEquals(new long[]{3, 2}, t2.outputSingle(x).shape());
    }

    @Test
    public void unknownNamesAndInvalidEditsAreClearErrors() {
        ComputationGraph orig = trainedDense();
        expectError(() -> new TransferLearning.GraphBuilder(orig).setFeatureExtractor("nope"), "'nope'", "d2");
        expectError(() -> new TransferLearning.GraphBuilder(orig).removeVertexKeepConnections("nope"), "'nope'", "d2");
        expectError(() -> new TransferLearning.GraphBuilder(orig).removeVertexAndConnections("nope"), "'nope'", "d2");
        expectError(() -> new TransferLearning.GraphBuilder(orig).nOutReplace("nope", 3, WeightInit.XAVIER), "'nope'", "d2");
        expectError(() -> new TransferLearning.GraphBuilder(orig).addLayer("x", new DenseLayer.Builder().nIn(8).nOut(2).build(), "nope"),
                "'nope'", "d2");
        expectError(() -> new TransferLearning.GraphBuilder(orig).addLayer("d2", new DenseLayer.Builder().nIn(8).nOut(2).build(), "d1"),
                "'d2'");
        expectError(() -> new TransferLearning.GraphBuilder(orig).nOutReplace("bn", 3, WeightInit.XAVIER), "'bn'");
        expectError(() -> new TransferLearning.GraphBuilder(orig).nOutReplace("d2", 0, WeightInit.XAVIER), "nOut");
        expectError(() -> new TransferLearningHelper(orig), "no frozen layers");
        expectError(() -> new TransferLearningHelper(orig, "missing"), "'missing'");
        ComputationGraph frozen = new TransferLearning.GraphBuilder(orig).setFeatureExtractor("d2").build();
        expectError(() -> new TransferLearning.GraphBuilder(frozen).nOutReplace("d1", 4, WeightInit.XAVIER), "frozen");
        // a changed input size without replacing the layers that depend on it
        expectError(() -> new TransferLearning.GraphBuilder(orig).setInputTypes(InputType.feedForward(5)).build(), "d1");
    }

    static void expectError(Runnable r, String... fragments) {
        try {
            r.run();
            fail("expected IllegalArgumentException containing " + java.util.Arrays.toString(fragments));
        } catch (IllegalArgumentException e) {
            assertNotNull(e.getMessage());
            for (String f : fragments) assertTrue("'" + f + "' in: " + e.getMessage(), e.getMessage().contains(f));
        }
    }

    @Test
    public void previouslyFrozenLayersStayFrozen() {
        ComputationGraph orig = trainedDense();
        ComputationGraph once = new TransferLearning.GraphBuilder(orig).setFeatureExtractor("d1").build();
        ComputationGraph twice = new TransferLearning.GraphBuilder(once)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(new Sgd(0.2)).build())
                .setFeatureExtractor("bn").build();
        assertTrue(twice.getLayer("d1").isFrozen());
        assertTrue(twice.getLayer("bn").isFrozen());
        assertFalse(twice.getLayer("d2").isFrozen());
        assertTrue(twice.getConfiguration().getLayer("d1") instanceof FrozenLayer);
        assertFalse(((FrozenLayer) twice.getConfiguration().getLayer("d1")).getLayer() instanceof FrozenLayer);
        for (Layer l : twice.getLayers()) assertArrayEquals(l.getName(), p(orig, l.getName()), p(twice, l.getName()), 0f);
    }
}
