package org.pydl4j.nn.transferlearning;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.pydl4j.nn.transferlearning.TransferLearningTest.data;
import static org.pydl4j.nn.transferlearning.TransferLearningTest.p;
import static org.pydl4j.nn.transferlearning.TransferLearningTest.trainedDense;

import java.util.ArrayList;
import java.util.List;
import org.junit.BeforeClass;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.ListDataSetIterator;
import org.pydl4j.nd.learning.config.Nesterovs;
import org.pydl4j.nd.learning.config.Sgd;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.graph.ElementWiseVertex;
import org.pydl4j.nn.conf.graph.MergeVertex;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.weights.WeightInit;

/** TransferLearningHelper: featurize + fitFeaturized against training the whole graph (reference backend). */
public class TransferLearningHelperTest {
    @BeforeClass
    public static void setUp() {
        Nd4j.setBackend("reference");
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    private static ComputationGraph transfer(ComputationGraph orig) {
        return new TransferLearning.GraphBuilder(orig)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(new Nesterovs(0.05, 0.9)).seed(3).build())
                .setFeatureExtractor("d2")
                .removeVertexKeepConnections("out")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(6).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "d3")
                .build();
    }

    private static float maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        float m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test
    public void featurizedTrainingEqualsTrainingTheWholeGraph() {
        ComputationGraph orig = trainedDense();
        ComputationGraph whole = transfer(orig), viaHelper = transfer(orig);
        assertArrayEquals(whole.params().toFloatVector(), viaHelper.params().toFloatVector(), 0f);

        TransferLearningHelper helper = new TransferLearningHelper(viaHelper);
        assertEquals(List.of("d2"), helper.getBoundary());
        assertTrue(helper.isSharingParameters());
        List<DataSet> batches = new ArrayList<>();
        for (int b = 0; b < 4; b++) batches.add(data(10, 6, 3, 100 + b));

        for (int epoch = 0; epoch < 3; epoch++) {
            for (DataSet ds : batches) {
                whole.fit(ds);                                   // frozen part recomputed every step
                DataSet f = helper.featurize(ds);
                assertArrayEquals(new long[]{10, 8}, f.getFeatures().shape());
                helper.fitFeaturized(f);
            }
        }
        float d = maxAbsDiff(whole.params().toFloatVector(), viaHelper.params().toFloatVector());
        assertTrue("max |difference| " + d, d <= 1e-6f);
        System.out.println("featurized vs whole-graph training, 12 steps: max |parameter difference| = " + d);
        assertEquals(whole.getIterationCount(), viaHelper.getIterationCount());

        // the unfrozen graph shares the transfer graph's parameters: its output is the whole graph's
        DataSet probe = data(7, 6, 3, 999);
        INDArray expected = whole.outputSingle(probe.getFeatures());
        INDArray viaFeatures = helper.outputFromFeaturized(helper.featurize(probe).getFeatures());
        assertTrue(maxAbsDiff(expected.toFloatVector(), viaFeatures.toFloatVector()) <= 1e-6f);
        // the featurized features are d2's inference-mode activations
        assertArrayEquals(viaHelper.feedForward(probe.getFeatures(), false).get("d2").toFloatVector(),
                helper.featurize(probe).getFeatures().toFloatVector(), 0f);

        // one epoch from an iterator of featurized data: same as the whole graph's epoch
        List<DataSet> featurized = new ArrayList<>();
        for (DataSet ds : batches) featurized.add(helper.featurize(ds));
        helper.fitFeaturized(new ListDataSetIterator<>(featurized, 10));
        whole.fit(new ListDataSetIterator<>(batches, 10));
        d = maxAbsDiff(whole.params().toFloatVector(), viaHelper.params().toFloatVector());
        assertTrue("max |difference| after an epoch " + d, d <= 1e-6f);
        assertEquals(whole.getEpochCount(), viaHelper.getEpochCount());
    }

    @Test
    public void helperWithFrozenOutputAtTrainsTheGivenGraphsParameters() {
        ComputationGraph orig = trainedDense();
        float[] d1 = p(orig, "d1"), bn = p(orig, "bn"), d2 = p(orig, "d2"), d3 = p(orig, "d3"), out = p(orig, "out");
        TransferLearningHelper helper = new TransferLearningHelper(orig, "d2");
        assertTrue(helper.getGraph().getLayer("d2").isFrozen());
        assertTrue(helper.isSharingParameters());
        DataSet ds = data(12, 6, 3, 8);
        DataSet f = helper.featurize(ds);
        double before = helper.unfrozenGraph().score(f);
        for (int i = 0; i < 5; i++) helper.fitFeaturized(f);
        assertTrue(helper.unfrozenGraph().score(f) < before);
        assertArrayEquals(d1, p(orig, "d1"), 0f);
        assertArrayEquals(bn, p(orig, "bn"), 0f);
        assertArrayEquals(d2, p(orig, "d2"), 0f);
        assertFalse("the given graph's d3 is trained", java.util.Arrays.equals(d3, p(orig, "d3")));
        assertFalse("the given graph's out is trained", java.util.Arrays.equals(out, p(orig, "out")));
        // training the unfrozen graph directly trains the original too
        float[] now = p(orig, "out");
        helper.unfrozenGraph().fit(f);
        assertFalse(java.util.Arrays.equals(now, p(orig, "out")));
        assertArrayEquals(p(helper.unfrozenGraph(), "out"), p(orig, "out"), 0f);
    }

    /**
     * in -> a1 -> a2 (frozen) and in -> b1 (trained); merge(a2, b1) -> out. The trained layers b1 and out are not
     * consecutive in the parameter order and the boundary is {in, a2}: the multi-array methods and the
     * synchronized-copy path.
     */
    private static ComputationGraph branchy(long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed).updater(new Sgd(0.1)).weightInit(WeightInit.XAVIER).activation(Activation.TANH)
                .graphBuilder()
                .addInputs("in")
                .addLayer("a1", new DenseLayer.Builder().nIn(5).nOut(4).build(), "in")
                .addLayer("b1", new DenseLayer.Builder().nIn(5).nOut(3).build(), "in")
                .addLayer("a2", new DenseLayer.Builder().nIn(4).nOut(4).build(), "a1")
                .addVertex("m", new MergeVertex(), "a2", "b1")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(7).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "m")
                .setOutputs("out")
                .setInputTypes(InputType.feedForward(5))
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @Test
    public void multiBoundaryAndNonContiguousUnfrozenPart() {
        ComputationGraph whole = new TransferLearning.GraphBuilder(branchy(4)).setFeatureExtractor("a2").build();
        ComputationGraph viaHelper = new TransferLearning.GraphBuilder(branchy(4)).setFeatureExtractor("a2").build();
        TransferLearningHelper helper = new TransferLearningHelper(viaHelper);
        assertEquals(List.of("in", "a2"), helper.getBoundary());
        assertFalse(helper.isSharingParameters());
        TransferLearningTest.expectError(() -> helper.featurize(data(2, 5, 2, 1)), "2 vertices", "[in, a2]");

        float[] a1 = p(viaHelper, "a1");
        for (int i = 0; i < 6; i++) {
            DataSet ds = data(9, 5, 2, 50 + i);
            whole.fit(ds);
            INDArray[] f = helper.featurize(ds.getFeatures());
            assertEquals(2, f.length);
            assertArrayEquals(ds.getFeatures().toFloatVector(), f[0].toFloatVector(), 0f);
            helper.fitFeaturized(f, new INDArray[]{ds.getLabels()});
        }
        float d = maxAbsDiff(whole.params().toFloatVector(), viaHelper.params().toFloatVector());
        assertTrue("max |difference| " + d, d <= 1e-6f);
        assertArrayEquals(a1, p(viaHelper, "a1"), 0f);
        DataSet probe = data(3, 5, 2, 77);
        assertArrayEquals(whole.outputSingle(probe.getFeatures()).toFloatVector(),
                helper.outputFromFeaturized(helper.featurize(probe.getFeatures()))[0].toFloatVector(), 1e-6f);
    }

    /** in -> d1 -> d2; add(d1, d2) -> d3 -> out: frozen up to the residual add, the frozen part meets the rest at the add. */
    @Test
    public void aFeatureExtractorAtAResidualAddIsOneBoundary() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(5).updater(new Sgd(0.1)).weightInit(WeightInit.XAVIER).activation(Activation.TANH)
                .graphBuilder()
                .addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nIn(5).nOut(4).build(), "in")
                .addLayer("d2", new DenseLayer.Builder().nIn(4).nOut(4).build(), "d1")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "d1", "d2")
                .addLayer("d3", new DenseLayer.Builder().nIn(4).nOut(4).build(), "add")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "d3")
                .setOutputs("out")
                .setInputTypes(InputType.feedForward(5))
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        ComputationGraph frozen = new TransferLearning.GraphBuilder(g).setFeatureExtractor("add").build();
        TransferLearningHelper helper = new TransferLearningHelper(frozen);
        assertEquals(List.of("add"), helper.getBoundary());
        assertTrue(helper.isSharingParameters());
        DataSet ds = data(4, 5, 2, 9);
        INDArray[] f = helper.featurize(ds.getFeatures());
        assertEquals(1, f.length);
        assertArrayEquals(frozen.outputSingle(ds.getFeatures()).toFloatVector(), helper.outputFromFeaturized(f)[0].toFloatVector(), 1e-6f);
    }
}
