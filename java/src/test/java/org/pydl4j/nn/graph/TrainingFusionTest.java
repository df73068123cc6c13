package org.pydl4j.nn.graph;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.backend.Backend;
import org.pydl4j.nd.backend.Backends;
import org.pydl4j.nd.backend.cpu.CpuBackend;
import org.pydl4j.nd.backend.reference.ReferenceBackend;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.ConvolutionMode;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.graph.ElementWiseVertex;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.ActivationLayer;
import org.pydl4j.nn.conf.layers.BatchNormalization;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DepthwiseConvolution2D;
import org.pydl4j.nn.conf.layers.GlobalPoolingLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.conf.layers.PoolingType;
import org.pydl4j.nn.graph.vertex.GraphVertex;
import org.pydl4j.nd.lossfunctions.LossFunctions.LossFunction;
import org.pydl4j.zoo.model.EfficientNetLite;

/**
 * The training pass's batch norm + activation fusion (TrainingFusion): which pairs it takes, and that training
 * with it is training without it (-Dpydl4j.training.fuse=false): the same scores, gradients, parameters and
 * running statistics within float rounding, on the cpu backend where the fused kernel runs.
 */
public class TrainingFusionTest {
    private static final String FUSE = "pydl4j.training.fuse";

    /** One pair of each kind: fused (bn1 -> RELU6), own activation, TANH, a batch norm read twice, dropout. */
    private static ComputationGraphConfiguration mixed() {
        return new NeuralNetConfiguration.Builder().seed(5).updater(new Adam(1e-2)).convolutionMode(ConvolutionMode.Same).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(12, 12, 3))
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn1", new BatchNormalization.Builder().activation(Activation.IDENTITY).build(), "c1")
                .addLayer("a1", new ActivationLayer(Activation.RELU6), "bn1")
                .addLayer("c2", new ConvolutionLayer.Builder(1, 1).nOut(8).activation(Activation.IDENTITY).build(), "a1")
                .addLayer("bn2", new BatchNormalization.Builder().activation(Activation.RELU).build(), "c2")
                .addLayer("dw", new DepthwiseConvolution2D.Builder(3, 3).activation(Activation.IDENTITY).build(), "bn2")
                .addLayer("bn3", new BatchNormalization.Builder().activation(Activation.IDENTITY).build(), "dw")
                .addLayer("a3", new ActivationLayer(Activation.TANH), "bn3")
                .addLayer("c4", new ConvolutionLayer.Builder(1, 1).nOut(8).activation(Activation.IDENTITY).build(), "a3")
                .addLayer("bn4", new BatchNormalization.Builder().activation(Activation.IDENTITY).build(), "c4")
                .addLayer("a4", new ActivationLayer(Activation.RELU6), "bn4")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "a4", "bn4")
                .addLayer("bn5", new BatchNormalization.Builder().activation(Activation.IDENTITY).build(), "add")
                .addLayer("a5", new ActivationLayer.Builder().activation(Activation.RELU).dropOut(0.8).build(), "bn5")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "a5")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build(), "gap")
                .setOutputs("out").build();
    }

    private static TrainingFusion plan(ComputationGraph g) {
        Map<String, GraphVertex> vs = new LinkedHashMap<>();
        for (GraphVertex v : g.getVertices()) vs.put(v.getVertexName(), v);
        return TrainingFusion.plan(g.getConfiguration(), vs);
    }

    @Test
    public void onlyABatchNormReadByOneClampActivationLayerIsPaired() {
        ComputationGraph g = new ComputationGraph(mixed());
        g.init();
        assertEquals(1, plan(g).size());   // bn1 -> a1 only
        ComputationGraph lite0 = EfficientNetLite.builder(0).resolution(32).numClasses(3).build().init();
        // stem, head, block 0's depthwise, and expand + depthwise of the 15 other blocks: every RELU6 of Lite0
        assertEquals(33, plan(lite0).size());
    }

    @Test
    public void appliedOnlyWhereTheBackendHasTheKernel() {
        ComputationGraph g = new ComputationGraph(mixed());
        g.init();
        TrainingFusion f = plan(g);
        try (TrainingFusion.Applied a = f.apply(new ReferenceBackend())) {
            assertEquals(0, a.pairs());
        }
        try (TrainingFusion.Applied a = f.apply(new CpuBackend())) {
            assertEquals(1, a.pairs());
        }
    }

    private static INDArray[] batch(long seed, int n, int c, int h, int w, int classes) {
        Random r = new Random(seed);
        INDArray x = Nd4j.createUninitialized(DataType.FLOAT, n, c, h, w);
        for (int i = 0; i < x.length(); i++) x.putLinear(i, r.nextGaussian());
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, classes);
        for (int i = 0; i < n; i++) y.putScalar(new long[]{i, r.nextInt(classes)}, 1.0);
        return new INDArray[]{x, y};
    }

    private static double relDiff(INDArray a, INDArray b) {
        double scale = b.map(Math::abs, false).maxNumber().doubleValue();
        return a.sub(b).map(Math::abs, false).maxNumber().doubleValue() / Math.max(scale, 1e-30);
    }

    /** Trains a copy of net for steps on the cpu backend, fused or not; returns its parameters (running statistics included). */
    private static INDArray train(ComputationGraph net, boolean fuse, int steps, int size, int classes) {
        ComputationGraph copy = net.clone();
        String before = System.getProperty(FUSE);
        System.setProperty(FUSE, Boolean.toString(fuse));
        try {
            for (int s = 0; s < steps; s++) {
                INDArray[] b = batch(40 + s, 4, 3, size, size, classes);
                copy.fit(new INDArray[]{b[0]}, new INDArray[]{b[1]});
            }
        } finally {
            if (before == null) System.clearProperty(FUSE); else System.setProperty(FUSE, before);
        }
        return copy.params().dup();
    }

    @Test
    public void fusedTrainingIsTrainingTheLayersApart() {
        Backend previous = Backends.current();
        try {
            Backends.use(new CpuBackend());
            ComputationGraph g = new ComputationGraph(mixed());
            g.init();
            INDArray start = g.params().dup();
            INDArray fused = train(g, true, 3, 12, 3), apart = train(g, false, 3, 12, 3);
            assertTrue("training moved the parameters", relDiff(fused, start) > 1e-3);
            double d = relDiff(fused, apart);
            assertTrue("fused vs apart after 3 steps: " + d, d < 1e-5);
        } finally {
            Backends.use(previous);
        }
    }

    /** Every gradient of EfficientNet-Lite0 (33 fused pairs), fused against apart, in one step on the same batch. */
    @Test
    public void lite0GradientsFusedMatchApart() {
        Backend previous = Backends.current();
        String before = System.getProperty(FUSE);
        try {
            Backends.use(new CpuBackend());
            ComputationGraph net = EfficientNetLite.builder(0).resolution(64).numClasses(5).seed(3).build().init();
            INDArray[] b = batch(7, 2, 3, 64, 64, 5);
            Map<String, INDArray> g = new LinkedHashMap<>();
            double[] scores = new double[2];
            for (int k = 0; k < 2; k++) {
                System.setProperty(FUSE, Boolean.toString(k == 0));
                net.setInputs(b[0]);
                net.setLabels(b[1]);
                net.computeGradientAndScore();
                scores[k] = net.score();
                for (Map.Entry<String, INDArray> e : net.gradient().gradientForVariable().entrySet()) {
                    if (k == 0) g.put(e.getKey(), e.getValue().dup());
                    else {
                        double d = relDiff(g.get(e.getKey()), e.getValue());
                        double scale = e.getValue().map(Math::abs, false).maxNumber().doubleValue();
                        if (scale > 1e-6) assertTrue(e.getKey() + ": fused vs apart " + d, d < 1e-4);
                    }
                }
            }
            assertEquals(scores[1], scores[0], 1e-6);
            assertTrue(g.size() > 100);
        } finally {
            if (before == null) System.clearProperty(FUSE); else System.setProperty(FUSE, before);
            Backends.use(previous);
        }
    }
}
