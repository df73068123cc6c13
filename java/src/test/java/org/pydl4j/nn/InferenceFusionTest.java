package org.pydl4j.nn;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.backend.Backend;
import org.pydl4j.nd.backend.Backends;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.learning.config.Sgd;
import org.pydl4j.nd.lossfunctions.LossFunctions.LossFunction;
import org.pydl4j.nn.api.Layer;
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
import org.pydl4j.nn.conf.layers.SubsamplingLayer;
import org.pydl4j.nn.graph.ComputationGraph;

/**
 * Inference rewrites of ComputationGraph.output (batch norm folded into the preceding convolution, activation fused
 * into the kernel, activations released after their last consumer) give the same results as the plain layers
 * (feedForward), on every backend, and leave inputs, outputs and training untouched.
 */
public class InferenceFusionTest {
    private static final double TOLERANCE = 2e-5;   // relative to the largest output magnitude

    /** An EfficientNet-style network: stem conv-bn-relu6, MBConv with residual, conv+relu (VGG-style), head. */
    private static ComputationGraph net(DataType type) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(7).updater(new Sgd(0.05)).activation(Activation.IDENTITY).convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(16, 16, 3))
                .addLayer("stem_conv", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(8).hasBias(false).build(), "in")
                .addLayer("stem_bn", new BatchNormalization.Builder().eps(1e-3).build(), "stem_conv")
                .addLayer("stem_act", new ActivationLayer.Builder().activation(Activation.RELU6).build(), "stem_bn")
                .addLayer("exp_conv", new ConvolutionLayer.Builder(1, 1).nOut(24).build(), "stem_act")   // with bias
                .addLayer("exp_bn", new BatchNormalization.Builder().eps(1e-3).activation(Activation.TANH).build(), "exp_conv")
                .addLayer("dw_conv", new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(1).hasBias(false).build(), "exp_bn")
                .addLayer("dw_bn", new BatchNormalization.Builder().eps(1e-3).build(), "dw_conv")
                .addLayer("dw_act", new ActivationLayer.Builder().activation(Activation.RELU6).build(), "dw_bn")
                .addLayer("proj_conv", new ConvolutionLayer.Builder(1, 1).nOut(8).hasBias(false).build(), "dw_act")
                .addLayer("proj_bn", new BatchNormalization.Builder().eps(1e-3).build(), "proj_conv")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "proj_bn", "stem_act")
                .addLayer("vgg_conv", new ConvolutionLayer.Builder(3, 3).nOut(12).activation(Activation.RELU).build(), "add")
                .addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "vgg_conv")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "pool")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build(), "gap")
                .setOutputs("out")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        DataType before = Nd4j.defaultFloatingPointType();
        try {
            Nd4j.setDefaultDataTypes(type, type);
            g.init();
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
        // non-trivial running statistics and affine parameters, so that folding has something to fold
        Random r = new Random(11);
        for (Layer l : g.getLayers()) {
            if (!l.getName().endsWith("_bn")) continue;
            fill(l.getParam("gamma"), r, 0.5, 1.5);
            fill(l.getParam("beta"), r, -0.5, 0.5);
            fill(l.getParam("mean"), r, -0.3, 0.3);
            fill(l.getParam("var"), r, 0.2, 2.0);
        }
        return g;
    }

    private static void fill(INDArray a, Random r, double lo, double hi) {
        for (int i = 0; i < a.length(); i++) a.putLinear(i, lo + (hi - lo) * r.nextDouble());
    }

    private static INDArray input(DataType type, long seed) {
        INDArray x = Nd4j.createUninitialized(type, 4, 3, 16, 16);
        fill(x, new Random(seed), -1, 1);
        return x;
    }

    private static void assertClose(String what, INDArray expected, INDArray actual) {
        assertArrayEquals(what + " shape", expected.shape(), actual.shape());
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < expected.length(); i++) {
            maxDiff = Math.max(maxDiff, Math.abs(expected.getDoubleLinear(i) - actual.getDoubleLinear(i)));
            maxRef = Math.max(maxRef, Math.abs(expected.getDoubleLinear(i)));
        }
        assertTrue(what + ": max abs diff " + maxDiff + " (max " + maxRef + ")", maxDiff <= TOLERANCE * Math.max(maxRef, 1e-3));
    }

    /** output() (fused, releasing) against feedForward() (layer by layer, keeping everything). */
    private static void checkFusedMatchesLayers(DataType type) {
        ComputationGraph g = net(type);
        INDArray x = input(type, 3);
        INDArray copy = x.dup();
        for (int rep = 0; rep < 3; rep++) {   // repeats run on recycled memory
            Map<String, INDArray> layers = g.feedForward(x, false);
            INDArray fused = g.outputSingle(x);
            assertFalse("output is open", fused.isClosed());
            assertFalse("the caller's input is never released", x.isClosed());
            assertClose(Nd4j.getBackend().name() + " " + type + " fused output vs layers, run " + rep, layers.get("out"), fused);
            assertTrue("input unchanged", copy.equalsWithEps(x, 0));
        }
    }

    @Test
    public void fusedInferenceMatchesLayersOnTheCurrentBackend() { checkFusedMatchesLayers(DataType.FLOAT); }

    @Test
    public void fusedInferenceMatchesLayersOnTheReference() {
        Backend before = Backends.current();
        try {
            Nd4j.setBackend("reference");
            checkFusedMatchesLayers(DataType.FLOAT);
            checkFusedMatchesLayers(DataType.DOUBLE);
        } finally {
            Nd4j.setBackend(before.name());
        }
    }

    /**
     * Segments interrupted by a vertex the backends do not compile (zero padding), a dropout (identity in inference)
     * that is also a network output, a residual addition reading from an earlier segment, two outputs.
     */
    @Test
    public void brokenSegmentsAliasesAndSeveralOutputs() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(3).activation(Activation.IDENTITY).convolutionMode(ConvolutionMode.Truncate)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(12, 12, 3))
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(6).activation(Activation.RELU).build(), "in")
                .addLayer("drop", new org.pydl4j.nn.conf.layers.DropoutLayer.Builder(0.5).build(), "c1")
                .addLayer("zp", new org.pydl4j.nn.conf.layers.ZeroPaddingLayer.Builder(1, 1).build(), "drop")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(6).hasBias(false).build(), "zp")
                .addLayer("bn2", new BatchNormalization.Builder().eps(1e-3).activation(Activation.SIGMOID).build(), "c2")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "bn2", "drop")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.MAX).build(), "add")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build(), "gap")
                .setOutputs("out", "drop")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        Random r = new Random(5);
        fill(g.getLayer("bn2").getParam("mean"), r, -0.3, 0.3);
        fill(g.getLayer("bn2").getParam("var"), r, 0.2, 2.0);
        INDArray x = Nd4j.rand(9L, 4, 3, 12, 12);
        Map<String, INDArray> layers = g.feedForward(x, false);
        for (int rep = 0; rep < 2; rep++) {
            INDArray[] outs = g.output(x);
            assertClose("out", layers.get("out"), outs[0]);
            assertClose("drop (an output that is an identity of c1)", layers.get("drop"), outs[1]);
            assertFalse(outs[0].isClosed() || outs[1].isClosed());
        }
    }

    /** Folded batch-norm weights are kept between batches, but never once a parameter they came from changed. */
    @Test
    public void foldedWeightsFollowParameterChanges() {
        ComputationGraph g = net(DataType.FLOAT);
        INDArray x = input(DataType.FLOAT, 13);
        g.outputSingle(x).close();
        g.getLayer("stem_bn").getParam("var").putScalar(0, 3.0);         // a statistic, through the host
        g.getLayer("exp_conv").getParam("W").muli(0.5);                   // a weight, in place
        g.getLayer("proj_bn").setParam("gamma", g.getLayer("proj_bn").getParam("gamma").mul(-1.0));
        assertClose("after changing parameters", g.feedForward(x, false).get("out"), g.outputSingle(x));
        INDArray p = g.params().dup().muli(0.9);
        g.setParams(p);                                                     // the whole flat array
        assertClose("after setParams", g.feedForward(x, false).get("out"), g.outputSingle(x));
    }

    @Test
    public void trainingAfterInferenceIsUnchanged() {
        // two identical networks; one runs (fused) inference between its training steps
        ComputationGraph a = net(DataType.FLOAT), b = net(DataType.FLOAT);
        INDArray x = input(DataType.FLOAT, 5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 4, 3);
        for (int i = 0; i < 4; i++) y.putScalar(i, i % 3, 1.0);
        DataSet ds = new DataSet(x, y);
        for (int step = 0; step < 3; step++) {
            a.outputSingle(x);
            a.fit(ds);
            b.fit(ds);
        }
        assertTrue("parameters diverged", a.params().equalsWithEps(b.params(), 0));
        assertClose("after training", b.outputSingle(x), a.outputSingle(x));
    }

    @Test
    public void frozenLayersFuseToo() {
        ComputationGraph g = net(DataType.FLOAT);
        INDArray x = input(DataType.FLOAT, 9);
        INDArray expected = g.feedForward(x, false).get("out");
        // the same parameters under FrozenLayer wrappers (what transfer learning's feature extractor does)
        ComputationGraphConfiguration conf = g.getConfiguration().clone();
        for (String name : new String[]{"stem_conv", "stem_bn", "stem_act", "exp_conv", "exp_bn"}) {
            org.pydl4j.nn.conf.graph.LayerVertex lv = (org.pydl4j.nn.conf.graph.LayerVertex) conf.getVertices().get(name);
            lv.setLayerConf(new org.pydl4j.nn.conf.layers.misc.FrozenLayer(lv.getLayerConf()));
        }
        ComputationGraph frozen = new ComputationGraph(conf);
        frozen.init(g.params(), true);
        assertClose("frozen fused", expected, frozen.outputSingle(x));
    }
}
