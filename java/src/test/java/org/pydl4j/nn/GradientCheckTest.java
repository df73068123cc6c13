package org.pydl4j.nn;

import static org.junit.Assert.assertTrue;

import java.util.Random;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.learning.config.Sgd;
import org.pydl4j.nd.lossfunctions.LossFunctions.LossFunction;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.ConvolutionMode;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.graph.ElementWiseVertex;
import org.pydl4j.nn.conf.graph.MergeVertex;
import org.pydl4j.nn.conf.graph.PreprocessorVertex;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.ActivationLayer;
import org.pydl4j.nn.conf.layers.BatchNormalization;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.DepthwiseConvolution2D;
import org.pydl4j.nn.conf.layers.DropoutLayer;
import org.pydl4j.nn.conf.layers.GlobalPoolingLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.conf.layers.PoolingType;
import org.pydl4j.nn.conf.layers.SubsamplingLayer;
import org.pydl4j.nn.conf.layers.ZeroPaddingLayer;
import org.pydl4j.nn.conf.layers.misc.FrozenLayer;
import org.pydl4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.weights.WeightInit;

/** Finite-difference gradient checks of every layer and vertex (DOUBLE, reference backend). */
public class GradientCheckTest {
    private static DataType previous;

    @BeforeClass
    public static void setUp() {
        previous = Nd4j.defaultFloatingPointType();
        Nd4j.setBackend("reference");
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterClass
    public static void tearDown() { Nd4j.setDefaultDataTypes(previous, previous); }

    static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder().seed(12345).updater(new Sgd(0.1)).weightInit(WeightInit.XAVIER).activation(Activation.TANH);
    }

    static INDArray randn(long seed, long... shape) {
        Random r = new Random(seed);
        INDArray a = Nd4j.zeros(DataType.DOUBLE, shape);
        for (int i = 0; i < a.length(); i++) a.putLinear(i, r.nextGaussian());
        return a;
    }

    static INDArray oneHot(long seed, int n, int classes) {
        Random r = new Random(seed);
        INDArray a = Nd4j.zeros(DataType.DOUBLE, n, classes);
        for (int i = 0; i < n; i++) a.putScalar(i, r.nextInt(classes), 1.0);
        return a;
    }

    static OutputLayer softmaxOut(int nOut) {
        return new OutputLayer.Builder(LossFunction.MCXENT).nOut(nOut).activation(Activation.SOFTMAX).build();
    }

    static void run(ComputationGraphConfiguration conf, long[] inShape, int classes) {
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        INDArray in = randn(42, inShape);
        int checked = GradientCheckUtil.check(net, new INDArray[]{in}, new INDArray[]{oneHot(7, (int) inShape[0], classes)}, true);
        assertTrue("too few non-trivial gradients checked: " + checked, checked > 10);
    }

    @Test
    public void denseAndOutputWithL2() {
        ComputationGraphConfiguration conf = base().l2(0.01).l2Bias(0.005).graphBuilder().addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nOut(5).build(), "in")
                .addLayer("d2", new DenseLayer.Builder().nOut(4).activation(Activation.SIGMOID).build(), "d1")
                .addLayer("out", softmaxOut(3), "d2").setOutputs("out").setInputTypes(InputType.feedForward(4)).build();
        run(conf, new long[]{5, 4}, 3);
    }

    @Test
    public void mseOutputAndNllOutput() {
        ComputationGraphConfiguration conf = base().graphBuilder().addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nIn(3).nOut(4).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MSE).nIn(4).nOut(2).activation(Activation.IDENTITY).build(), "d1")
                .setOutputs("out").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        INDArray y = randn(3, 4, 2);
        assertTrue(GradientCheckUtil.check(net, new INDArray[]{randn(1, 4, 3)}, new INDArray[]{y}, true) > 10);

        ComputationGraphConfiguration conf2 = base().graphBuilder().addInputs("in")
                .addLayer("out", new OutputLayer.Builder(LossFunction.NEGATIVELOGLIKELIHOOD).nIn(3).nOut(3).activation(Activation.SOFTMAX).build(), "in")
                .setOutputs("out").build();
        ComputationGraph net2 = new ComputationGraph(conf2);
        net2.init();
        assertTrue(GradientCheckUtil.check(net2, new INDArray[]{randn(2, 4, 3)}, new INDArray[]{oneHot(5, 4, 3)}, true) > 10);
    }

    @Test
    public void convTruncateWithPaddingAndMaxPool() {
        ComputationGraphConfiguration conf = base().graphBuilder().addInputs("in")
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(3).padding(1, 1).stride(1, 1).build(), "in")
                .addLayer("p1", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX, new int[]{2, 2}, new int[]{2, 2}).build(), "c1")
                .addLayer("out", softmaxOut(3), "p1")
                .setOutputs("out").setInputTypes(InputType.convolutional(6, 6, 2)).build();
        run(conf, new long[]{2, 2, 6, 6}, 3);
    }

    @Test
    public void convSameModeAsymmetricStride2AndAvgPool() {
        // 6x6 input, k3 s2 Same: out 3, total padding 1 -> 0 top/left, 1 bottom/right
        ComputationGraphConfiguration conf = base().convolutionMode(ConvolutionMode.Same).graphBuilder().addInputs("in")
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(3).stride(2, 2).build(), "in")
                .addLayer("c2", new ConvolutionLayer.Builder(2, 2).nOut(2).stride(1, 1).hasBias(false).build(), "c1")
                .addLayer("p1", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG, new int[]{2, 2}, new int[]{2, 2}).build(), "c2")
                .addLayer("out", softmaxOut(2), "p1")
                .setOutputs("out").setInputTypes(InputType.convolutional(6, 6, 2)).build();
        run(conf, new long[]{2, 2, 6, 6}, 2);
    }

    @Test
    public void depthwiseSameStride2() {
        ComputationGraphConfiguration conf = base().graphBuilder().addInputs("in")
                .addLayer("dw", new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(2).stride(2, 2).convolutionMode(ConvolutionMode.Same).build(), "in")
                .addLayer("dw2", new DepthwiseConvolution2D.Builder(2, 2).convolutionMode(ConvolutionMode.Truncate).build(), "dw")
                .addLayer("out", softmaxOut(3), "dw2")
                .setOutputs("out").setInputTypes(InputType.convolutional(5, 5, 2)).build();
        run(conf, new long[]{2, 2, 5, 5}, 3);
    }

    @Test
    public void batchNormTrainingModeCnnAndDense() {
        ComputationGraphConfiguration conf = base().graphBuilder().addInputs("in")
                .addLayer("c1", new ConvolutionLayer.Builder(2, 2).nOut(3).activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "c1")
                .addLayer("a1", new ActivationLayer.Builder().activation(Activation.TANH).build(), "bn1")
                .addLayer("d1", new DenseLayer.Builder().nOut(4).build(), "a1")
                .addLayer("bn2", new BatchNormalization.Builder().activation(Activation.SIGMOID).build(), "d1")
                .addLayer("out", softmaxOut(2), "bn2")
                .setOutputs("out").setInputTypes(InputType.convolutional(4, 4, 2)).build();
        run(conf, new long[]{4, 2, 4, 4}, 2);
    }

    @Test
    public void globalPoolingAvgMaxAndZeroPadding() {
        for (PoolingType t : new PoolingType[]{PoolingType.AVG, PoolingType.MAX, PoolingType.SUM}) {
            ComputationGraphConfiguration conf = base().graphBuilder().addInputs("in")
                    .addLayer("zp", new ZeroPaddingLayer.Builder(1, 0, 2, 1).build(), "in")
                    .addLayer("c1", new ConvolutionLayer.Builder(2, 2).nOut(3).build(), "zp")
                    .addLayer("gp", new GlobalPoolingLayer.Builder(t).build(), "c1")
                    .addLayer("out", softmaxOut(2), "gp")
                    .setOutputs("out").setInputTypes(InputType.convolutional(4, 3, 2)).build();
            run(conf, new long[]{2, 2, 4, 3}, 2);
        }
    }

    @Test
    public void activationLayers() {
        for (Activation a : new Activation[]{Activation.SIGMOID, Activation.TANH, Activation.IDENTITY, Activation.SOFTMAX, Activation.RELU, Activation.RELU6}) {
            ComputationGraphConfiguration conf = base().graphBuilder().addInputs("in")
                    .addLayer("d1", new DenseLayer.Builder().nOut(4).activation(Activation.IDENTITY).build(), "in")
                    .addLayer("act", new ActivationLayer.Builder().activation(a).build(), "d1")
                    .addLayer("out", softmaxOut(3), "act")
                    .setOutputs("out").setInputTypes(InputType.feedForward(3)).build();
            ComputationGraph net = new ComputationGraph(conf);
            net.init();
            // inputs scaled so RELU/RELU6 pre-activations stay away from their kinks at 0 and 6 with high probability
            INDArray in = randn(11, 3, 3);
            int checked = GradientCheckUtil.check(net, new INDArray[]{in}, new INDArray[]{oneHot(3, 3, 3)}, true);
            assertTrue(a + ": too few gradients checked " + checked, checked > 5);
        }
    }

    @Test
    public void mergeAndElementWiseVertices() {
        for (ElementWiseVertex.Op op : ElementWiseVertex.Op.values()) {
            ComputationGraphConfiguration conf = base().graphBuilder().addInputs("a", "b")
                    .addLayer("da", new DenseLayer.Builder().nOut(4).build(), "a")
                    .addLayer("db", new DenseLayer.Builder().nOut(4).activation(Activation.SIGMOID).build(), "b")
                    .addVertex("ew", new ElementWiseVertex(op), "da", "db")
                    .addVertex("merge", new MergeVertex(), "ew", "da")
                    .addLayer("out", softmaxOut(3), "merge")
                    .setOutputs("out").setInputTypes(InputType.feedForward(3), InputType.feedForward(2)).build();
            ComputationGraph net = new ComputationGraph(conf);
            net.init();
            int checked = GradientCheckUtil.check(net, new INDArray[]{randn(1, 3, 3), randn(2, 3, 2)}, new INDArray[]{oneHot(3, 3, 3)}, true);
            assertTrue(op + ": " + checked, checked > 10);
        }
    }

    @Test
    public void cnnMergeAddResidualAndPreprocessorVertex() {
        ComputationGraphConfiguration conf = base().convolutionMode(ConvolutionMode.Same).graphBuilder().addInputs("in")
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(2).build(), "in")
                .addLayer("c2", new ConvolutionLayer.Builder(1, 1).nOut(2).build(), "c1")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "c1", "c2")
                .addVertex("merge", new MergeVertex(), "add", "in")
                .addVertex("flat", new PreprocessorVertex(new CnnToFeedForwardPreProcessor(3, 3, 4)), "merge")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nIn(36).nOut(2).activation(Activation.SOFTMAX).build(), "flat")
                .setOutputs("out").setInputTypes(InputType.convolutional(3, 3, 2)).build();
        run(conf, new long[]{2, 2, 3, 3}, 2);
    }

    @Test
    public void dropoutWithFixedMask() {
        ComputationGraphConfiguration conf = base().graphBuilder().addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nOut(6).dropOut(0.7).build(), "in")
                .addLayer("drop", new DropoutLayer.Builder(0.6).build(), "d1")
                .addLayer("out", softmaxOut(3), "drop")
                .setOutputs("out").setInputTypes(InputType.feedForward(4)).build();
        run(conf, new long[]{5, 4}, 3);
    }

    @Test
    public void frozenLayersAreSkipped() {
        ComputationGraphConfiguration conf = base().graphBuilder().addInputs("in")
                .addLayer("c1", new FrozenLayer(new ConvolutionLayer.Builder(2, 2).nOut(2).build()), "in")
                .addLayer("bn", new FrozenLayer(new BatchNormalization.Builder().build()), "c1")
                .addLayer("d1", new DenseLayer.Builder().nOut(4).build(), "bn")
                .addLayer("out", softmaxOut(2), "d1")
                .setOutputs("out").setInputTypes(InputType.convolutional(3, 3, 1)).build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        int checked = GradientCheckUtil.check(net, new INDArray[]{randn(5, 3, 1, 3, 3)}, new INDArray[]{oneHot(2, 3, 2)}, false);
        assertTrue(checked > 10);
    }
}
