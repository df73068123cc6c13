package org.pydl4j.nn;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.pydl4j.nn.GradientCheckTest.base;
import static org.pydl4j.nn.GradientCheckTest.oneHot;
import static org.pydl4j.nn.GradientCheckTest.randn;
import static org.pydl4j.nn.GradientCheckTest.run;
import static org.pydl4j.nn.GradientCheckTest.softmaxOut;

import java.util.Map;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.ConvolutionMode;
import org.pydl4j.nn.conf.GradientNormalization;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.Deconvolution2D;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.LocalResponseNormalization;
import org.pydl4j.nn.conf.layers.Pooling2D;
import org.pydl4j.nn.conf.layers.SeparableConvolution2D;
import org.pydl4j.nn.conf.layers.SpaceToDepthLayer;
import org.pydl4j.nn.conf.layers.SubsamplingLayer;
import org.pydl4j.nn.conf.layers.Upsampling2D;
import org.pydl4j.nn.conf.layers.convolutional.Cropping2D;
import org.pydl4j.nn.graph.ComputationGraph;

/**
 * Issue 14 item 8: finite-difference gradient checks (DOUBLE, reference backend) of the layers added for DL4J code
 * (Upsampling2D, Cropping2D, SpaceToDepthLayer, LocalResponseNormalization, Deconvolution2D,
 * SeparableConvolution2D, Pooling2D) and of L1; known values for the forward passes; gradient normalization
 * checked on the gradients it leaves.
 */
public class NewLayersGradientCheckTest {
    private static DataType previous;

    @BeforeClass
    public static void setUp() {
        previous = Nd4j.defaultFloatingPointType();
        Nd4j.setBackend("reference");
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterClass
    public static void tearDown() { Nd4j.setDefaultDataTypes(previous, previous); }

    private static ComputationGraphConfiguration.GraphBuilder conv(int c) {
        return base().graphBuilder().addInputs("in")
                .addLayer("c", new ConvolutionLayer.Builder(2, 2).nOut(c).build(), "in");
    }

    @Test
    public void upsamplingAndCropping() {
        ComputationGraphConfiguration conf = conv(2)
                .addLayer("up", new Upsampling2D.Builder(2).build(), "c")
                .addLayer("crop", new Cropping2D(1, 0, 2, 1), "up")
                .addLayer("out", softmaxOut(3), "crop").setOutputs("out").setInputTypes(InputType.convolutional(4, 4, 2)).build();
        assertEquals(InputType.convolutional(5, 3, 2), conf.getActivationTypes().get("crop"));
        run(conf, new long[]{2, 2, 4, 4}, 3);
    }

    @Test
    public void spaceToDepthValuesAndGradients() {
        ComputationGraphConfiguration conf = base().graphBuilder().addInputs("in")
                .addLayer("s2d", new SpaceToDepthLayer.Builder(2, SpaceToDepthLayer.DataFormat.NCHW).build(), "in")
                .addLayer("out", softmaxOut(3), "s2d").setOutputs("out").setInputTypes(InputType.convolutional(4, 4, 2)).build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 1, 2, 4, 4);
        for (int i = 0; i < 32; i++) x.putLinear(i, i);
        INDArray y = g.feedForward(x, false).get("s2d");
        assertArrayEquals(new long[]{1, 8, 2, 2}, y.shape());
        // output channel (dy*2 + dx)*C + c holds input (c, 2y + dy, 2x + dx): channel 3 = (dy 0, dx 1, c 1)
        assertEquals(x.getDouble(0, 1, 0, 1), y.getDouble(0, 3, 0, 0), 0);
        assertEquals(x.getDouble(0, 0, 3, 3), y.getDouble(0, 6, 1, 1), 0);
        run(conf, new long[]{2, 2, 4, 4}, 3);
    }

    @Test
    public void localResponseNormalization() {
        ComputationGraphConfiguration conf = conv(5)
                .addLayer("lrn", new LocalResponseNormalization.Builder().k(1).n(3).alpha(0.5).beta(0.75).build(), "c")
                .addLayer("out", softmaxOut(3), "lrn").setOutputs("out").setInputTypes(InputType.convolutional(3, 3, 2)).build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        INDArray x = randn(3, 1, 2, 3, 3);
        Map<String, INDArray> acts = g.feedForward(x, false);
        INDArray a = acts.get("c"), b = acts.get("lrn");
        double s = 1 + 0.5 * (Math.pow(a.getDouble(0, 1, 1, 1), 2) + Math.pow(a.getDouble(0, 2, 1, 1), 2) + Math.pow(a.getDouble(0, 3, 1, 1), 2));
        assertEquals(a.getDouble(0, 2, 1, 1) * Math.pow(s, -0.75), b.getDouble(0, 2, 1, 1), 1e-12);
        run(conf, new long[]{2, 2, 3, 3}, 3);
    }

    @Test
    public void deconvolutionTruncateAndSame() {
        ComputationGraphConfiguration conf = base().graphBuilder().addInputs("in")
                .addLayer("dc", new Deconvolution2D.Builder(new int[]{3, 3}, new int[]{2, 2}, new int[]{1, 1}).nOut(2).build(), "in")
                .addLayer("ds", new Deconvolution2D.Builder(2, 2).stride(1, 1).convolutionMode(ConvolutionMode.Same).nOut(2).build(), "dc")
                .addLayer("out", softmaxOut(3), "ds").setOutputs("out").setInputTypes(InputType.convolutional(3, 3, 2)).build();
        assertEquals(InputType.convolutional(5, 5, 2), conf.getActivationTypes().get("dc"));   // (3-1)*2 + 3 - 2
        assertEquals(InputType.convolutional(5, 5, 2), conf.getActivationTypes().get("ds"));
        run(conf, new long[]{2, 2, 3, 3}, 3);
        // one input pixel, one weight: the kernel lands at (y*s - p, x*s - p)
        ComputationGraph g = new ComputationGraph(base().graphBuilder().addInputs("in")
                .addLayer("dc", new Deconvolution2D.Builder(new int[]{2, 2}, new int[]{2, 2}).nOut(1).activation(Activation.IDENTITY).build(), "in")
                .setOutputs("dc").setInputTypes(InputType.convolutional(2, 2, 1)).build());
        g.init();
        INDArray w = g.getLayer("dc").getParam("W");
        for (int i = 0; i < 4; i++) w.putLinear(i, i + 1);
        INDArray x = Nd4j.zeros(DataType.DOUBLE, 1, 1, 2, 2);
        x.putScalar(new long[]{0, 0, 1, 0}, 10);
        INDArray y = g.outputSingle(x);
        assertArrayEquals(new long[]{1, 1, 4, 4}, y.shape());
        assertEquals(10, y.getDouble(0, 0, 2, 0), 0);   // W[0, 0, 0, 0] = 1
        assertEquals(20, y.getDouble(0, 0, 2, 1), 0);
        assertEquals(40, y.getDouble(0, 0, 3, 1), 0);
        assertEquals(0, y.getDouble(0, 0, 0, 0), 0);
    }

    @Test
    public void separableConvolution() {
        ComputationGraphConfiguration conf = base().graphBuilder().addInputs("in")
                .addLayer("sep", new SeparableConvolution2D.Builder(2, 2).depthMultiplier(2).nOut(3).stride(1, 1).build(), "in")
                .addLayer("sepSame", new SeparableConvolution2D.Builder(3, 3).convolutionMode(ConvolutionMode.Same).nOut(2).build(), "sep")
                .addLayer("out", softmaxOut(3), "sepSame").setOutputs("out").setInputTypes(InputType.convolutional(4, 4, 2)).build();
        assertEquals(InputType.convolutional(3, 3, 3), conf.getActivationTypes().get("sep"));
        assertArrayEquals(new long[]{2, 2, 2, 2}, conf.getLayer("sep").paramShapes().get("W"));
        assertArrayEquals(new long[]{3, 4, 1, 1}, conf.getLayer("sep").paramShapes().get("pW"));
        run(conf, new long[]{2, 2, 4, 4}, 3);
    }

    @Test
    public void pooling2DIsASubsamplingLayer() {
        ComputationGraphConfiguration conf = conv(2)
                .addLayer("p", new Pooling2D.Builder(SubsamplingLayer.PoolingType.AVG, new int[]{2, 2}, new int[]{1, 1}).build(), "c")
                .addLayer("out", softmaxOut(3), "p").setOutputs("out").setInputTypes(InputType.convolutional(4, 4, 2)).build();
        assertTrue(ComputationGraphConfiguration.fromJson(conf.toJson()).getLayer("p") instanceof Pooling2D);
        run(conf, new long[]{2, 2, 4, 4}, 3);
    }

    @Test
    public void inferenceOutputMatchesLayerByLayer() {
        ComputationGraph g = new ComputationGraph(base().graphBuilder().addInputs("in")
                .addLayer("sep", new SeparableConvolution2D.Builder(2, 2).depthMultiplier(2).nOut(3).build(), "in")
                .addLayer("lrn", new LocalResponseNormalization(), "sep")
                .addLayer("dc", new Deconvolution2D.Builder(new int[]{2, 2}, new int[]{2, 2}).nOut(2).build(), "lrn")
                .addLayer("up", new Upsampling2D.Builder(2).build(), "dc")
                .addLayer("crop", new Cropping2D(1, 1, 1, 1), "up")
                .addLayer("s2d", new SpaceToDepthLayer.Builder(2).build(), "crop")
                .addLayer("pool", new Pooling2D.Builder(SubsamplingLayer.PoolingType.MAX, new int[]{2, 2}, new int[]{2, 2}).build(), "s2d")
                .addLayer("out", softmaxOut(3), "pool").setOutputs("out").setInputTypes(InputType.convolutional(5, 5, 2)).build());
        g.init();
        INDArray x = randn(9, 2, 2, 5, 5);
        INDArray layerByLayer = g.feedForward(x, false).get("out");
        assertTrue(g.outputSingle(x).equalsWithEps(layerByLayer, 1e-12));
    }

    @Test
    public void l1AndL2Gradients() {
        ComputationGraphConfiguration conf = base().l1(0.02).l1Bias(0.01).l2(0.01).graphBuilder().addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nOut(5).l1(0.05).build(), "in")
                .addLayer("out", softmaxOut(3), "d1").setOutputs("out").setInputTypes(InputType.feedForward(4)).build();
        run(conf, new long[]{5, 4}, 3);
    }

    private static ComputationGraph normalized(GradientNormalization g, double threshold) {
        ComputationGraph net = new ComputationGraph(base().gradientNormalization(g).gradientNormalizationThreshold(threshold).graphBuilder().addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nOut(6).build(), "in")
                .addLayer("out", softmaxOut(3), "d1").setOutputs("out").setInputTypes(InputType.feedForward(4)).build());
        net.init();
        net.setInputs(randn(1, 8, 4));
        net.setLabels(oneHot(2, 8, 3));
        net.computeGradientAndScore();
        return net;
    }

    private static double norm(ComputationGraph net, String layer, String... keys) {
        double s = 0;
        for (String k : keys) s += Math.pow(net.getLayer(layer).gradientTable().get(k).norm2Number().doubleValue(), 2);
        return Math.sqrt(s);
    }

    @Test
    public void gradientNormalizationIsApplied() {
        ComputationGraph renorm = normalized(GradientNormalization.RenormalizeL2PerLayer, 1);
        assertEquals(1, norm(renorm, "d1", "W", "b"), 1e-9);
        ComputationGraph perParam = normalized(GradientNormalization.RenormalizeL2PerParamType, 1);
        assertEquals(1, norm(perParam, "out", "W"), 1e-9);
        assertEquals(1, norm(perParam, "out", "b"), 1e-9);
        ComputationGraph plain = normalized(GradientNormalization.None, 1);
        double raw = norm(plain, "d1", "W", "b");
        double t = raw / 2;
        assertEquals(t, norm(normalized(GradientNormalization.ClipL2PerLayer, t), "d1", "W", "b"), 1e-9);
        assertEquals(raw, norm(normalized(GradientNormalization.ClipL2PerLayer, raw * 2), "d1", "W", "b"), 1e-12);
        INDArray clipped = normalized(GradientNormalization.ClipElementWiseAbsoluteValue, 1e-3).getLayer("d1").gradientTable().get("W");
        assertTrue(clipped.maxNumber().doubleValue() <= 1e-3 && clipped.minNumber().doubleValue() >= -1e-3);
        assertTrue("something was clipped", plain.getLayer("d1").gradientTable().get("W").map(Math::abs, false).maxNumber().doubleValue() > 1e-3);
    }
}
