package org.pydl4j.nn;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.BeforeClass;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.learning.config.IUpdater;
import org.pydl4j.nd.learning.config.Sgd;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nd.lossfunctions.impl.LossMCXENT;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.layers.BaseLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.layers.FrozenLayer;
import org.pydl4j.nn.transferlearning.FineTuneConfiguration;
import org.pydl4j.nn.transferlearning.TransferLearning;
import org.pydl4j.nn.weights.WeightInit;
import org.pydl4j.util.ModelSerializer;

/** Decoupled weight decay (DL4J's WeightDecay, applyLR) and class-weighted LossMCXENT against hand computations. */
public class WeightDecayAndClassWeightsTest {
    @BeforeClass
    public static void setUp() { Nd4j.setBackend("reference"); }

    private static INDArray vec(double... v) { return Nd4j.create(v, new long[]{1, v.length}, DataType.DOUBLE); }

    /** out = W x + b with W = 1, b = 0, MSE against 1 at x = 2: dW = 4, db = 2 (see UpdaterTest). */
    private static ComputationGraph oneWeight(IUpdater updater, double weightDecay) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(updater).weightDecay(weightDecay)
                .weightInit(WeightInit.ONES).graphBuilder().addInputs("in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(1).nOut(1).activation(Activation.IDENTITY).build(), "in")
                .setOutputs("out").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    private static double w(ComputationGraph net) { return net.getLayer("out").getParam("W").getDouble(0); }

    private static double b(ComputationGraph net) { return net.getLayer("out").getParam("b").getDouble(0); }

    @Test
    public void weightDecayIsAddedAfterTheUpdaterScaledByTheLearningRate() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            DataSet ds = new DataSet(vec(2), vec(1));
            ComputationGraph sgd = oneWeight(new Sgd(0.1), 0.5);
            sgd.fit(ds);
            // update = 0.1 * 4 + 0.5 * 0.1 * 1 = 0.45 ; the bias has no decay: -0.1 * 2
            assertEquals(0.55, w(sgd), 1e-12);
            assertEquals(-0.2, b(sgd), 1e-12);

            // Adam's first step is lr * sign(g); decoupled decay adds lr * wd * W on top, unscaled by Adam (coupled L2
            // would be normalized away: W = 0.9)
            ComputationGraph adam = oneWeight(new Adam(0.1), 0.5), plain = oneWeight(new Adam(0.1), 0.0);
            adam.fit(ds);
            plain.fit(ds);
            assertEquals(0.9, w(plain), 1e-6);
            assertEquals(0.85, w(adam), 1e-6);
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
    }

    @Test
    public void negativeOrInfiniteDecayIsRefused() {
        for (double bad : new double[]{-1e-4, Double.NaN, Double.POSITIVE_INFINITY}) {
            try {
                new DenseLayer.Builder().weightDecay(bad);
                fail("weightDecay " + bad + " accepted");
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().contains("weightDecay"));
            }
        }
    }

    @Test
    public void fineTuneWeightDecayReachesTrainedLayersAndTheNewHeadOnly() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).updater(new Sgd(0.1)).graphBuilder().addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nIn(3).nOut(4).build(), "in")
                .addLayer("d2", new DenseLayer.Builder().nIn(4).nOut(4).build(), "d1")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(2).activation(Activation.SOFTMAX).build(), "d2")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        ComputationGraph t = new TransferLearning.GraphBuilder(g)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(new Adam(1e-3)).weightDecay(0.01).build())
                .setFeatureExtractor("d1").removeVertexKeepConnections("out")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3).activation(Activation.SOFTMAX).build(), "d2")
                .build();
        assertTrue(t.getLayer("d1") instanceof FrozenLayer);
        assertEquals(0.0, t.getLayer("d1").layerConf().getWeightDecayByParam("W"), 0);
        assertEquals(0.01, t.getLayer("d2").layerConf().getWeightDecayByParam("W"), 0);
        assertEquals(0.01, t.getLayer("out").layerConf().getWeightDecayByParam("W"), 0);
        assertEquals(0.0, t.getLayer("out").layerConf().getWeightDecayByParam("b"), 0);
        // and it survives the configuration's JSON (clone, saved models)
        assertEquals(0.01, ((BaseLayer) t.getConfiguration().clone().getLayer("d2")).getWeightDecay(), 0);
    }

    /** Softmax over 3 classes, two examples. */
    @Test
    public void weightedCrossEntropyScoreAndGradient() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            INDArray z = Nd4j.create(new double[]{0.2, -1.0, 0.5, 1.5, 0.1, -0.3}, new long[]{2, 3}, DataType.DOUBLE);
            INDArray y = Nd4j.create(new double[]{0, 0, 1, 1, 0, 0}, new long[]{2, 3}, DataType.DOUBLE);
            double[] wts = {2.0, 1.0, 0.5};
            LossMCXENT weighted = new LossMCXENT(vec(wts)), plain = new LossMCXENT();
            INDArray p = Nd4j.getBackend().activate(Activation.SOFTMAX, z);
            INDArray s = weighted.computeScoreArray(y, z, Activation.SOFTMAX);
            assertEquals(-0.5 * Math.log(p.getDouble(0, 2)), s.getDouble(0), 1e-12);
            assertEquals(-2.0 * Math.log(p.getDouble(1, 0)), s.getDouble(1), 1e-12);
            // ones: the unweighted loss
            LossMCXENT ones = new LossMCXENT(vec(1, 1, 1));
            assertEquals(plain.computeScore(y, z, Activation.SOFTMAX, true), ones.computeScore(y, z, Activation.SOFTMAX, true), 1e-12);
            // gradient against central differences of the summed loss
            INDArray grad = weighted.computeGradient(y, z, Activation.SOFTMAX);
            for (int i = 0; i < z.length(); i++) {
                double keep = z.getDoubleLinear(i), h = 1e-6;
                z.putLinear(i, keep + h);
                double up = weighted.computeScore(y, z, Activation.SOFTMAX, false);
                z.putLinear(i, keep - h);
                double down = weighted.computeScore(y, z, Activation.SOFTMAX, false);
                z.putLinear(i, keep);
                assertEquals("d/dz[" + i + "]", (up - down) / (2 * h), grad.getDoubleLinear(i), 1e-6);
            }
            // smoothed (soft) labels take the same path
            INDArray soft = Nd4j.create(new double[]{0.05, 0.05, 0.9, 0.9, 0.05, 0.05}, new long[]{2, 3}, DataType.DOUBLE);
            INDArray gs = plain.computeGradient(soft, z, Activation.SOFTMAX);
            assertEquals(p.getDouble(0, 2) - 0.9, gs.getDouble(0, 2), 1e-12);
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
    }

    @Test
    public void classWeightsSurviveSavingAndAreChecked() throws Exception {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).updater(new Sgd(0.1)).graphBuilder().addInputs("in")
                .addLayer("out", new OutputLayer.Builder(new LossMCXENT(vec(3, 1))).nIn(2).nOut(2).activation(Activation.SOFTMAX).build(), "in")
                .setOutputs("out").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ModelSerializer.writeModel(net, bytes, false);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()), false);
        LossMCXENT loss = (LossMCXENT) ((OutputLayer) back.getConfiguration().getLayer("out")).getLossFn();
        assertEquals(3.0, loss.getWeights().getDouble(0), 0);
        assertEquals(1.0, loss.getWeights().getDouble(1), 0);
        DataSet ds = new DataSet(Nd4j.create(new float[]{1, 2}, new long[]{1, 2}), Nd4j.create(new float[]{1, 0}, new long[]{1, 2}));
        assertEquals(net.score(ds), back.score(ds), 1e-6);
        assertNull(new LossMCXENT().getWeights());
        try {
            new LossMCXENT(vec(1, -1));
            fail("a negative class weight was accepted");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage().contains("weight"));
        }
        // 3 weights for a 2-class output: a clear error when scoring
        ComputationGraph wrong = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("out", new OutputLayer.Builder(new LossMCXENT(vec(1, 1, 1))).nIn(2).nOut(2).activation(Activation.SOFTMAX).build(), "in")
                .setOutputs("out").build());
        wrong.init();
        try {
            wrong.score(ds);
            fail("mismatched class weights accepted");
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("3 class weights"));
        }
    }
}
