package org.pydl4j.nn;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.BeforeClass;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.ListDataSetIterator;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.conf.layers.SubsamplingLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.listeners.CollectScoresIterationListener;
import org.pydl4j.nn.weights.WeightInit;

/** A small CNN built with the graph builder learns filled circles vs filled squares at random positions and sizes. */
public class ToyCnnTest {
    @BeforeClass
    public static void setUp() {
        Nd4j.setBackend("reference");
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    /** n images [n, 1, 28, 28]; label 0 = circle, 1 = square; one-hot labels [n, 2]. */
    static DataSet shapes(int n, long seed) {
        Random r = new Random(seed);
        INDArray x = Nd4j.zeros(DataType.FLOAT, n, 1, 28, 28);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 2);
        for (int i = 0; i < n; i++) {
            boolean square = r.nextBoolean();
            double rad = 4 + r.nextDouble() * 6;             // half-size 4..10 pixels
            double cy = rad + r.nextDouble() * (27 - 2 * rad), cx = rad + r.nextDouble() * (27 - 2 * rad);
            for (int h = 0; h < 28; h++) {
                for (int w = 0; w < 28; w++) {
                    double dy = h - cy, dx = w - cx;
                    boolean inside = square ? Math.abs(dy) <= rad && Math.abs(dx) <= rad : dy * dy + dx * dx <= rad * rad;
                    if (inside) x.putLinear(i * 784 + h * 28 + w, 1.0);
                }
            }
            y.putScalar(i, square ? 1 : 0, 1.0);
        }
        return new DataSet(x, y);
    }

    static ComputationGraphConfiguration conf(long seed, double dropOut) {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(5e-3))
                .weightInit(WeightInit.RELU).activation(Activation.RELU);
        return b.graphBuilder().addInputs("img")
                .addLayer("c1", new ConvolutionLayer.Builder(5, 5).nOut(6).build(), "img")
                .addLayer("p1", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "c1")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(8).build(), "p1")
                .addLayer("p2", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "c2")
                .addLayer("d1", new DenseLayer.Builder().nOut(24).dropOut(dropOut).build(), "p2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX).build(), "d1")
                .setOutputs("out").setInputTypes(InputType.convolutional(28, 28, 1)).build();
    }

    static double accuracy(ComputationGraph net, DataSet test) {
        INDArray p = net.outputSingle(test.getFeatures());
        int ok = 0;
        for (int i = 0; i < test.numExamples(); i++) {
            int pred = p.getDouble(i, 1) > p.getDouble(i, 0) ? 1 : 0;
            int truth = test.getLabels().getDouble(i, 1) > 0.5 ? 1 : 0;
            if (pred == truth) ok++;
        }
        return ok / (double) test.numExamples();
    }

    @Test
    public void learnsCirclesVsSquares() {
        DataSet train = shapes(600, 1), test = shapes(200, 2);
        ComputationGraph net = new ComputationGraph(conf(42, 1.0));
        net.init();
        CollectScoresIterationListener scores = new CollectScoresIterationListener(1);
        net.setListeners(scores);
        List<DataSet> list = new ArrayList<>();
        list.add(train);
        ListDataSetIterator<DataSet> it = new ListDataSetIterator<>(list, 32);
        double before = net.score(test);
        net.fit(it, 6);
        double after = net.score(test);
        double acc = accuracy(net, test);
        assertEquals(6, net.getEpochCount());
        assertEquals(6 * 19, net.getIterationCount());
        assertEquals(6 * 19, scores.getScores().size());
        assertTrue("test loss should fall: " + before + " -> " + after, after < before * 0.5);
        assertTrue("held-out accuracy " + acc, acc >= 0.95);
    }

    @Test
    public void sameSeedSameParamsAfterTrainingWithDropout() {
        DataSet train = shapes(64, 3);
        ComputationGraph a = new ComputationGraph(conf(7, 0.8));
        ComputationGraph b = new ComputationGraph(conf(7, 0.8));
        a.init();
        b.init();
        assertArrayEquals(a.params().toFloatVector(), b.params().toFloatVector(), 0f);
        for (DataSet d : train.batchBy(16)) { a.fit(d); b.fit(d); }
        assertArrayEquals(a.params().toFloatVector(), b.params().toFloatVector(), 0f);
        assertArrayEquals(a.getUpdater().getStateViewArray().toFloatVector(), b.getUpdater().getStateViewArray().toFloatVector(), 0f);
        ComputationGraph c = new ComputationGraph(conf(8, 0.8));
        c.init();
        assertNotEquals(a.params().getDouble(0), c.params().getDouble(0), 0.0);
    }
}
