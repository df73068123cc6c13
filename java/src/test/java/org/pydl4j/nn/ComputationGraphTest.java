package org.pydl4j.nn;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Map;
import org.junit.BeforeClass;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.learning.config.Nesterovs;
import org.pydl4j.nd.lossfunctions.LossFunctions.LossFunction;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.ConvolutionMode;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.graph.ElementWiseVertex;
import org.pydl4j.nn.conf.graph.MergeVertex;
import org.pydl4j.nn.conf.graph.LayerVertex;
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

/** Configuration, JSON, parameters, frozen layers and input validation of ComputationGraph. */
public class ComputationGraphTest {
    @BeforeClass
    public static void setUp() {
        Nd4j.setBackend("reference");
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    /** Uses every layer and vertex type. */
    static ComputationGraphConfiguration everything() {
        return new NeuralNetConfiguration.Builder().seed(99).updater(new Adam(1e-3, 0.8, 0.99, 1e-7)).weightInit(WeightInit.XAVIER_UNIFORM)
                .activation(Activation.RELU).l2(1e-4).dropOut(0.9).convolutionMode(ConvolutionMode.Same).graphBuilder()
                .addInputs("img")
                .addLayer("zp", new ZeroPaddingLayer.Builder(1, 0, 1, 0).build(), "img")
                .addLayer("c1", new FrozenLayer(new ConvolutionLayer.Builder(3, 3).nOut(4).stride(2, 2).build()), "zp")
                .addLayer("bn1", new BatchNormalization.Builder().eps(1e-3).decay(0.99).build(), "c1")
                .addLayer("act", new ActivationLayer.Builder().activation(Activation.RELU6).build(), "bn1")
                .addLayer("dw", new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(2).updater(new Nesterovs(0.05, 0.8)).build(), "act")
                .addLayer("pw", new ConvolutionLayer.Builder(1, 1).nOut(8).convolutionMode(ConvolutionMode.Truncate).hasBias(false).build(), "dw")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "dw", "pw")
                .addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.AVG, new int[]{2, 2}, new int[]{2, 2}).build(), "add")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "add")
                .addLayer("d1", new DenseLayer.Builder().nOut(6).build(), "pool")
                .addVertex("merge", new MergeVertex(), "gap", "d1")
                .addLayer("drop", new DropoutLayer.Builder(0.5).build(), "merge")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build(), "drop")
                .setOutputs("out").setInputTypes(InputType.convolutional(8, 8, 2)).build();
    }

    static INDArray rand(long seed, long... shape) { return Nd4j.rand(seed, shape); }

    static INDArray oneHot(int n, int classes) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, classes);
        for (int i = 0; i < n; i++) y.putScalar(i, i % classes, 1.0);
        return y;
    }

    @Test
    public void inferenceOfNInAndFlattening() {
        ComputationGraphConfiguration conf = everything();
        assertEquals(2, ((ConvolutionLayer) ((FrozenLayer) conf.getLayer("c1")).getLayer()).getNIn());
        assertEquals(4, ((BatchNormalization) conf.getLayer("bn1")).getNOut());
        assertEquals(8, ((DepthwiseConvolution2D) conf.getLayer("dw")).getNOut());
        // zp: 9x9 -> c1 (Same, s2): 5x5 -> pool 2x2 s2 (Same): 3x3 -> flatten 8*3*3
        assertEquals(72, ((DenseLayer) conf.getLayer("d1")).getNIn());
        assertTrue(((LayerVertex) conf.getVertices().get("d1")).getPreProcessor() instanceof CnnToFeedForwardPreProcessor);
        assertEquals(14, ((OutputLayer) conf.getLayer("out")).getNIn());
        assertEquals(ConvolutionMode.Truncate, ((ConvolutionLayer) conf.getLayer("pw")).getConvolutionMode());
        assertEquals(Activation.IDENTITY, ((BatchNormalization) conf.getLayer("bn1")).getActivation());
        assertEquals(Activation.RELU, ((DenseLayer) conf.getLayer("d1")).getActivation());
        assertEquals(InputType.feedForward(14), conf.getActivationTypes().get("merge"));
    }

    @Test
    public void samePaddingIsTensorFlowStyle() {
        ConvolutionLayer c = new ConvolutionLayer.Builder(3, 3).stride(2, 2).convolutionMode(ConvolutionMode.Same).build();
        ConvParams p = c.convParams(6, 7);
        // 6: out 3, total (3-1)*2+3-6 = 1 -> 0 top, 1 bottom ; 7: out 4, total 3*2+3-7 = 2 -> 1, 1
        assertEquals(0, p.padTop);
        assertEquals(1, p.padBottom);
        assertEquals(1, p.padLeft);
        assertEquals(1, p.padRight);
        assertEquals(3, p.outH(6));
        assertEquals(4, p.outW(7));
        ConvolutionLayer t = new ConvolutionLayer.Builder(3, 3).stride(2, 2).padding(1, 0).convolutionMode(ConvolutionMode.Truncate).build();
        ConvParams q = t.convParams(6, 6);
        assertEquals(3, q.outH(6));   // floor((6+2-3)/2)+1
        assertEquals(2, q.outW(6));   // floor((6-3)/2)+1
    }

    @Test
    public void jsonRoundTrip() {
        ComputationGraphConfiguration conf = everything();
        String json = conf.toJson();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
        assertEquals(json, back.toJson());
        assertEquals(conf, back);
        Adam adam = (Adam) ((DenseLayer) back.getLayer("d1")).getIUpdater();
        assertEquals(0.8, adam.getBeta1(), 0);
        assertEquals(1e-7, adam.getEpsilon(), 0);
        assertEquals(0.8, ((Nesterovs) ((DepthwiseConvolution2D) back.getLayer("dw")).getIUpdater()).getMomentum(), 0);
        assertEquals(1e-3, ((BatchNormalization) back.getLayer("bn1")).getEps(), 0);
        assertEquals(Double.valueOf(0.5), back.getLayer("drop").getDropOut());
        assertEquals(ElementWiseVertex.Op.Add, ((ElementWiseVertex) back.getVertices().get("add")).getOp());
        assertEquals(InputType.convolutional(8, 8, 2), back.getNetworkInputTypes().get(0));
        assertEquals(99, back.getDefaultConfiguration().getSeed());

        ComputationGraph a = new ComputationGraph(conf), b = new ComputationGraph(back);
        a.init();
        b.init();
        assertArrayEquals(a.params().toFloatVector(), b.params().toFloatVector(), 0f);
        INDArray x = rand(5, 3, 2, 8, 8);
        assertArrayEquals(a.outputSingle(x).toFloatVector(), b.outputSingle(x).toFloatVector(), 0f);
    }

    @Test
    public void paramsRoundTripCloneAndUpdaterState() {
        ComputationGraph net = new ComputationGraph(everything());
        net.init();
        INDArray x = rand(1, 4, 2, 8, 8);
        DataSet ds = new DataSet(x, oneHot(4, 3));
        net.fit(ds);
        INDArray p = net.params();
        assertEquals(net.numParams(), p.length());
        assertArrayEquals(new long[]{1, net.numParams()}, p.shape());
        INDArray out = net.outputSingle(x);

        ComputationGraph other = new ComputationGraph(everything());
        other.init();
        assertNotEquals(out.getDouble(0), other.outputSingle(x).getDouble(0), 1e-9);
        other.setParams(p);
        assertArrayEquals(out.toFloatVector(), other.outputSingle(x).toFloatVector(), 0f);

        // layer views write through; params() is a copy
        INDArray w = net.getLayer("d1").getParam("W");
        assertArrayEquals(new long[]{72, 6}, w.shape());
        p.putLinear(0, 123);
        assertNotEquals(123.0, net.params().getDouble(0), 0);
        net.getLayer("d1").setParam("b", Nd4j.ones(DataType.FLOAT, 1, 6));
        assertEquals(1.0, net.getLayer("d1").paramTable().get("b").getDouble(0, 3), 0);
        assertEquals(4 * 4 * 1 + 0, net.getLayer("bn1").paramTable().size() * 4);

        ComputationGraph copy = net.clone();
        assertArrayEquals(net.params().toFloatVector(), copy.params().toFloatVector(), 0f);
        assertArrayEquals(net.getUpdater().getStateViewArray().toFloatVector(), copy.getUpdater().getStateViewArray().toFloatVector(), 0f);
        assertEquals(net.getIterationCount(), copy.getIterationCount());
        net.fit(ds);
        copy.fit(ds);
        assertArrayEquals(net.params().toFloatVector(), copy.params().toFloatVector(), 0f);

        INDArray state = net.getUpdater().getStateViewArray().dup();
        assertTrue(state.length() > 0);
        ComputationGraph resumed = new ComputationGraph(ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson()));
        resumed.init(net.params(), true);
        resumed.getUpdater().setStateViewArray(state);
        assertEquals(2, resumed.getIterationCount());
        net.fit(ds);
        resumed.fit(ds);
        assertArrayEquals(net.params().toFloatVector(), resumed.params().toFloatVector(), 0f);
    }

    @Test
    public void frozenLayersKeepParamsAndBatchNormStatistics() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(0.05)).activation(Activation.TANH)
                .graphBuilder().addInputs("in")
                .addLayer("c1", new FrozenLayer(new ConvolutionLayer.Builder(3, 3).nOut(3).dropOut(0.5).build()), "in")
                .addLayer("bnF", new FrozenLayer(new BatchNormalization.Builder().build()), "c1")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(3).build(), "bnF")
                .addLayer("bnT", new BatchNormalization.Builder().build(), "c2")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX).build(), "bnT")
                .setOutputs("out").setInputTypes(InputType.convolutional(7, 7, 1)).build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        assertTrue(net.getLayer("c1").isFrozen());
        float[] c1 = net.getLayer("c1").params().toFloatVector().clone();
        float[] bnF = net.getLayer("bnF").params().toFloatVector().clone();
        float[] c2 = net.getLayer("c2").params().toFloatVector().clone();
        float[] bnMean = net.getLayer("bnT").getParam("mean").toFloatVector().clone();
        DataSet ds = new DataSet(rand(2, 6, 1, 7, 7), oneHot(6, 2));
        for (int i = 0; i < 3; i++) net.fit(ds);
        assertArrayEquals(c1, net.getLayer("c1").params().toFloatVector(), 0f);
        assertArrayEquals(bnF, net.getLayer("bnF").params().toFloatVector(), 0f);
        assertFalse(java.util.Arrays.equals(c2, net.getLayer("c2").params().toFloatVector()));
        assertFalse(java.util.Arrays.equals(bnMean, net.getLayer("bnT").getParam("mean").toFloatVector()));
        // frozen layers run in inference mode even in training: output(train) of the frozen prefix is deterministic
        Map<String, INDArray> a = net.feedForward(ds.getFeatures(), true), b = net.feedForward(ds.getFeatures(), false);
        assertArrayEquals(a.get("bnF").toFloatVector(), b.get("bnF").toFloatVector(), 0f);
        long trainable = net.numTrainableParams();
        assertEquals(3 * 3 * 3 * 3 + 3 + 2 * 3 + 27 * 2 + 2, trainable);
        String summary = net.summary();
        assertTrue(summary, summary.contains("Frozen parameters: " + (3 * 9 + 3 + 4 * 3)));
        assertTrue(summary, summary.contains("Trainable parameters: " + trainable));
        assertTrue(summary, summary.contains("ConvolutionLayer"));
    }

    private static void expectError(Runnable r, String... fragments) {
        try {
            r.run();
            fail("expected IllegalArgumentException mentioning " + java.util.Arrays.toString(fragments));
        } catch (IllegalArgumentException e) {
            for (String f : fragments) assertTrue("message '" + e.getMessage() + "' should mention '" + f + "'", e.getMessage().contains(f));
        }
    }

    private static ComputationGraph small() {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).graphBuilder().addInputs("img")
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(2).build(), "img")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX).build(), "c1")
                .setOutputs("out").setInputTypes(InputType.convolutional(5, 5, 1)).build());
        net.init();
        return net;
    }

    @Test
    public void badConfigurations() {
        expectError(() -> new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nIn(5).nOut(3).build(), "in")
                .addLayer("out", new OutputLayer.Builder().nOut(2).build(), "d1")
                .setOutputs("out").setInputTypes(InputType.feedForward(4)).build(), "d1", "nIn=5", "4");
        expectError(() -> new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nIn(4).nOut(3).build(), "inn")
                .addLayer("out", new OutputLayer.Builder().nIn(3).nOut(2).build(), "d1")
                .setOutputs("out").build(), "d1", "inn");
        expectError(() -> new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nIn(4).nOut(3).build(), "in")
                .setOutputs("nope").build(), "nope");
        expectError(() -> new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("a", new DenseLayer.Builder().nIn(3).nOut(3).build(), "b")
                .addLayer("b", new DenseLayer.Builder().nIn(3).nOut(3).build(), "a")
                .addLayer("out", new OutputLayer.Builder().nIn(3).nOut(2).build(), "b")
                .setOutputs("out").build(), "cycle", "a", "b");
        expectError(() -> new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nOut(3).build(), "in")
                .setOutputs("d1").build(), "d1", "nIn");
        expectError(() -> new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nIn(2).nOut(3).build(), "in")
                .addLayer("d1", new DenseLayer.Builder().nIn(2).nOut(3).build(), "in"), "d1");
        expectError(() -> small().getLayer("missing"), "missing");
    }

    @Test
    public void badInputs() {
        ComputationGraph net = small();
        expectError(() -> net.outputSingle(rand(1, 2, 3, 5, 5)), "img", "[2, 3, 5, 5]", "[minibatch, 1, 5, 5]");
        expectError(() -> net.outputSingle(rand(1, 2, 25)), "img", "[2, 25]");
        INDArray x = rand(1, 2, 1, 5, 5);
        INDArray nanX = x.dup();
        nanX.putLinear(7, Double.NaN);
        expectError(() -> net.fit(new DataSet(nanX, oneHot(2, 2))), "NaN", "features", "img");
        INDArray badY = oneHot(2, 2);
        badY.putLinear(1, Double.POSITIVE_INFINITY);
        expectError(() -> net.fit(new DataSet(x, badY)), "labels", "out");
        expectError(() -> net.fit(new DataSet(x, oneHot(2, 3))), "out", "[2, 3]");

        // without input types the layers themselves check nIn
        ComputationGraph noTypes = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(5).nOut(3).build(), "in")
                .addLayer("out", new OutputLayer.Builder().nIn(3).nOut(2).build(), "dense")
                .setOutputs("out").build());
        noTypes.init();
        expectError(() -> noTypes.outputSingle(rand(1, 2, 4)), "dense", "nIn=5", "size 4");
        assertEquals(2, noTypes.outputSingle(rand(1, 2, 5)).size(1));
        ComputationGraph conv = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("conv", new ConvolutionLayer.Builder(2, 2).nIn(3).nOut(2).build(), "in")
                .addLayer("gp", new GlobalPoolingLayer.Builder().build(), "conv")
                .addLayer("out", new OutputLayer.Builder().nIn(2).nOut(2).build(), "gp")
                .setOutputs("out").build());
        conv.init();
        expectError(() -> conv.outputSingle(rand(1, 2, 1, 4, 4)), "conv", "nIn=3", "1 channels");
    }

    /** Gradients and updater state are made when training starts: inference-only graphs never hold them. */
    @Test
    public void inferenceOnlyGraphsHoldNoGradientsOrUpdaterState() {
        ComputationGraph g = org.pydl4j.zoo.model.VGG16.builder().inputShape(new int[]{3, 32, 32}).build().init();
        INDArray x = Nd4j.rand(new long[]{2, 3, 32, 32});
        g.outputSingle(x).close();
        for (org.pydl4j.nn.api.Layer l : g.getLayers()) assertTrue(l.getName() + " has no gradient arrays yet", l.gradientTable().isEmpty());
        INDArray y = Nd4j.zeros(DataType.FLOAT, 2, 1000);
        y.putScalar(0, 1, 1.0);
        y.putScalar(1, 7, 1.0);
        g.fit(new DataSet(x, y));
        assertFalse("training made them", g.getLayer("fc1").gradientTable().isEmpty());
        assertEquals(g.numParams(), g.gradient().gradient().length());
        assertTrue(g.getUpdater().getStateViewArray().length() > 0);
    }
}
