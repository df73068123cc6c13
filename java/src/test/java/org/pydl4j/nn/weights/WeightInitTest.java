package org.pydl4j.nn.weights;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.Random;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.distribution.BinomialDistribution;
import org.pydl4j.nn.conf.distribution.ConstantDistribution;
import org.pydl4j.nn.conf.distribution.Distribution;
import org.pydl4j.nn.conf.distribution.GaussianDistribution;
import org.pydl4j.nn.conf.distribution.NormalDistribution;
import org.pydl4j.nn.conf.distribution.TruncatedNormalDistribution;
import org.pydl4j.nn.conf.distribution.UniformDistribution;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.BaseLayer;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.graph.ComputationGraph;

/** DL4J's weight-init schemes and distributions, checked statistically on large draws (DL4J's fan formulas). */
public class WeightInitTest extends org.pydl4j.nd.DoublePrecisionTests {
    private static final double TRUNC_VAR = 0.7737413;   // variance of N(0, 1) truncated to [-2, 2]

    /** mean, variance, max |x| */
    private static double[] stats(INDArray a) {
        double s = 0, ss = 0, mx = 0;
        int n = (int) a.length();
        for (int i = 0; i < n; i++) { double v = a.getDoubleLinear(i); s += v; ss += v * v; mx = Math.max(mx, Math.abs(v)); }
        double mean = s / n;
        return new double[]{mean, ss / n - mean * mean, mx};
    }

    /** Checks the sample against a zero-mean distribution of the given variance; bound > 0 for uniform ones. */
    private static void expect(String what, INDArray w, double variance, double bound) {
        double[] st = stats(w);
        int n = (int) w.length();
        assertEquals(what + " mean", 0, st[0], 5 * Math.sqrt(variance / n));
        assertEquals(what + " variance", variance, st[1], 0.03 * variance);
        if (bound > 0) {
            assertTrue(what + " max " + st[2] + " <= " + bound, st[2] <= bound);
            assertTrue(what + " max " + st[2] + " close to " + bound, st[2] > 0.99 * bound);
        }
    }

    @Test
    public void everySchemeHasDl4jsMoments() {
        double fanIn = 200, fanOut = 300;
        for (WeightInit wi : WeightInit.values()) {
            if (wi == WeightInit.DISTRIBUTION || wi == WeightInit.IDENTITY) continue;
            INDArray w = Nd4j.zeros(200, 300);
            wi.init(fanIn, fanOut, w, new Random(wi.ordinal()));
            switch (wi) {
                case ZERO: assertEquals(0, stats(w)[2], 0); break;
                case ONES: assertEquals(60000, w.sumNumber().doubleValue(), 0); break;
                case SIGMOID_UNIFORM: { double r = 4 * Math.sqrt(6 / (fanIn + fanOut)); expect(wi.name(), w, r * r / 3, r); break; }
                case NORMAL: case LECUN_NORMAL: case XAVIER_FAN_IN: expect(wi.name(), w, 1 / fanIn, 0); break;
                case UNIFORM: { double a = 1 / Math.sqrt(fanIn); expect(wi.name(), w, a * a / 3, a); break; }
                case LECUN_UNIFORM: case VAR_SCALING_UNIFORM_FAN_IN: { double a = 3 / Math.sqrt(fanIn); expect(wi.name(), w, a * a / 3, a); break; }
                case VAR_SCALING_UNIFORM_FAN_OUT: { double a = 3 / Math.sqrt(fanOut); expect(wi.name(), w, a * a / 3, a); break; }
                case VAR_SCALING_UNIFORM_FAN_AVG: { double a = 3 / Math.sqrt((fanIn + fanOut) / 2); expect(wi.name(), w, a * a / 3, a); break; }
                case XAVIER: expect(wi.name(), w, 2 / (fanIn + fanOut), 0); break;
                case XAVIER_UNIFORM: { double s = Math.sqrt(6 / (fanIn + fanOut)); expect(wi.name(), w, s * s / 3, s); break; }
                case XAVIER_LEGACY: expect(wi.name(), w, 1 / (200.0 + 300.0), 0); break;
                case RELU: expect(wi.name(), w, 2 / fanIn, 0); break;
                case RELU_UNIFORM: { double s = Math.sqrt(6 / fanIn); expect(wi.name(), w, s * s / 3, s); break; }
                case VAR_SCALING_NORMAL_FAN_IN: expect(wi.name(), w, TRUNC_VAR / fanIn, 2 / Math.sqrt(fanIn)); break;
                case VAR_SCALING_NORMAL_FAN_OUT: expect(wi.name(), w, TRUNC_VAR / fanOut, 2 / Math.sqrt(fanOut)); break;
                case VAR_SCALING_NORMAL_FAN_AVG: expect(wi.name(), w, TRUNC_VAR * 2 / (fanIn + fanOut), 2 * Math.sqrt(2 / (fanIn + fanOut))); break;
                default: throw new AssertionError("no expectation for " + wi);
            }
        }
    }

    @Test
    public void distributions() {
        Random r = new Random(1);
        INDArray w = Nd4j.zeros(300, 200);
        WeightInit.DISTRIBUTION.init(1, 1, w, r, new NormalDistribution(0, 0.05));
        expect("normal", w, 0.0025, 0);
        WeightInit.DISTRIBUTION.init(1, 1, w, r, new GaussianDistribution(0, 0.2));
        expect("gaussian", w, 0.04, 0);
        WeightInit.DISTRIBUTION.init(1, 1, w, r, new UniformDistribution(-0.3, 0.3));
        expect("uniform", w, 0.09 / 3, 0.3);
        WeightInit.DISTRIBUTION.init(1, 1, w, r, new TruncatedNormalDistribution(0, 0.1));
        expect("truncated", w, 0.01 * TRUNC_VAR, 0.2);
        WeightInit.DISTRIBUTION.init(1, 1, w, r, new NormalDistribution(2, 0.1));
        assertEquals(2, w.meanNumber().doubleValue(), 0.002);
        WeightInit.DISTRIBUTION.init(1, 1, w, r, new ConstantDistribution(0.7));
        assertEquals(0.7, stats(w)[2], 0);
        assertEquals(0.7 * 60000, w.sumNumber().doubleValue(), 1e-6);
        WeightInit.DISTRIBUTION.init(1, 1, w, r, new BinomialDistribution(4, 0.25));
        assertEquals(1.0, w.meanNumber().doubleValue(), 0.02);
        assertEquals(4 * 0.25 * 0.75, stats(w)[1], 0.03);
        assertThrows(IllegalArgumentException.class, () -> WeightInit.DISTRIBUTION.init(1, 1, Nd4j.zeros(2, 2), new Random(), null));
        assertThrows(IllegalArgumentException.class, () -> new UniformDistribution(1, 0));
        assertThrows(IllegalArgumentException.class, () -> new NormalDistribution(0, -1));
        assertThrows(IllegalArgumentException.class, () -> new BinomialDistribution(5, 1.5));
    }

    @Test
    public void identity() {
        INDArray d = Nd4j.zeros(4, 4);
        WeightInit.IDENTITY.init(4, 4, d, new Random());
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) assertEquals(i == j ? 1 : 0, d.getDouble(i, j), 0);
        INDArray c = Nd4j.zeros(3, 3, 3, 3);
        WeightInit.IDENTITY.init(27, 27, c, new Random());
        assertEquals(3, c.sumNumber().doubleValue(), 0);
        assertEquals(1, c.getDouble(2, 2, 1, 1), 0);
        assertThrows(IllegalArgumentException.class, () -> WeightInit.IDENTITY.init(3, 4, Nd4j.zeros(3, 4), new Random()));
        assertEquals(WeightInit.RELU, WeightInit.RELU.getWeightInitFunction().scheme());
    }

    /** Written as DL4J's docs write it: a network-wide distribution, a layer's own, and a scheme per layer. */
    @Test
    public void dl4jStyleConfiguration() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(123)
                .updater(new Adam(1e-3))
                .weightInit(WeightInit.DISTRIBUTION)
                .dist(new NormalDistribution(0, 0.01))
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(12, 12, 2))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(40).stride(1, 1).activation(Activation.RELU)
                        .weightInit(WeightInit.VAR_SCALING_UNIFORM_FAN_AVG).build(), "in")
                .addLayer("dense", new DenseLayer.Builder().nOut(300).activation(Activation.RELU)
                        .weightInit(new WeightInitDistribution(new UniformDistribution(-0.05, 0.05))).build(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(400)
                        .activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        // conv: fanIn = 2*3*3 = 18, fanOut = 40*3*3 = 360 (stride 1), a = 3 / sqrt((18 + 360) / 2)
        double a = 3 / Math.sqrt((18 + 360) / 2.0);
        expect("conv", net.getLayer("conv").getParam("W"), a * a / 3, a);
        expect("dense", net.getLayer("dense").getParam("W"), 0.0025 / 3, 0.05);
        expect("out (network distribution)", net.getLayer("out").getParam("W"), 1e-4, 0);
        // the distribution is part of the saved configuration
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        Distribution d = ((BaseLayer) back.getLayer("out")).getDist();
        assertEquals(new NormalDistribution(0, 0.01), d);
        assertEquals(WeightInit.DISTRIBUTION, ((BaseLayer) back.getLayer("out")).getWeightInit());
        ComputationGraph again = new ComputationGraph(back);
        again.init();
        assertEquals(net.params(), again.params());
    }

    /** A MultiLayerNetwork with a network-wide distribution, and a separable convolution drawing from its own. */
    @Test
    public void multiLayerNetworkWithDistributions() {
        org.pydl4j.nn.conf.MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(9)
                .weightInit(new NormalDistribution(0, 0.05))
                .list()
                .layer(new org.pydl4j.nn.conf.layers.SeparableConvolution2D.Builder(3, 3).nIn(4).nOut(60)
                        .weightInit(new UniformDistribution(-0.2, 0.2)).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(200).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(300).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 4))
                .build();
        org.pydl4j.nn.multilayer.MultiLayerNetwork net = new org.pydl4j.nn.multilayer.MultiLayerNetwork(conf);
        net.init();
        INDArray pw = net.getLayer(0).getParam("pW");
        double[] st = stats(pw);   // 240 values: too few for a variance check; the uniform bound is exact
        assertTrue("pointwise weights within U(-0.2, 0.2): max " + st[2], st[2] <= 0.2 && st[2] > 0.19);
        expect("dense", net.getLayer(1).getParam("W"), 0.0025, 0);
        expect("output", net.getLayer(2).getParam("W"), 0.0025, 0);
    }
}
