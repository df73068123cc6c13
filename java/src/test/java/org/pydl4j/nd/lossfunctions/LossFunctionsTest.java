package org.pydl4j.nd.lossfunctions;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Random;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.learning.config.NoOp;
import org.pydl4j.nd.lossfunctions.LossFunctions.LossFunction;
import org.pydl4j.nn.GradientCheckUtil;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.weights.WeightInit;
import org.pydl4j.util.serde.Dl4jZipExporter;

/** ND4J's loss functions: scores against hand-computed values and finite-difference gradient checks (double). */
public class LossFunctionsTest extends org.pydl4j.nd.DoublePrecisionTests {
    private static INDArray row(double... v) { return Nd4j.create(v, new long[]{1, v.length}, DataType.DOUBLE); }

    private static double score(LossFunction f, INDArray y, INDArray out) {
        return f.getILossFunction().computeScore(y, out.dup(), Activation.IDENTITY, false);
    }

    @Test
    public void scoresMatchTheDocumentedFormulas() {
        INDArray p = row(0.2, 0.7), y = row(0.0, 1.0);
        assertEquals(-Math.log(0.8) - Math.log(0.7), score(LossFunction.XENT, y, p), 1e-12);
        assertEquals(0.2 + 0.3, score(LossFunction.L1, y, p), 1e-12);
        assertEquals((0.2 + 0.3) / 2, score(LossFunction.MEAN_ABSOLUTE_ERROR, y, p), 1e-12);
        assertEquals(0.04 + 0.09, score(LossFunction.L2, y, p), 1e-12);
        assertEquals((0.04 + 0.09) / 2, score(LossFunction.MSE, y, p), 1e-12);
        assertEquals((0.04 + 0.09) / 2, score(LossFunction.SQUARED_LOSS, y, p), 1e-12);
        assertEquals(100 * (0.5 / 2 + 0.3 / 1) / 2, score(LossFunction.MEAN_ABSOLUTE_PERCENTAGE_ERROR, row(2, 1), row(1.5, 0.7)), 1e-9);
        double d1 = Math.log(1.2) - Math.log(1), d2 = Math.log(1.7) - Math.log(2);
        assertEquals((d1 * d1 + d2 * d2) / 2, score(LossFunction.MEAN_SQUARED_LOGARITHMIC_ERROR, y, p), 1e-12);
        assertEquals(0.2 - 0 + 0.7 - Math.log(0.7), score(LossFunction.POISSON, y, p), 1e-12);
        INDArray q = row(0.25, 0.75);
        assertEquals(0.25 * Math.log(0.25 / 0.2) + 0.75 * Math.log(0.75 / 0.7), score(LossFunction.KL_DIVERGENCE, q, row(0.2, 0.7)), 1e-12);
        INDArray s = row(1, -1), o = row(0.5, 0.5);
        assertEquals(0.5 + 1.5, score(LossFunction.HINGE, s, o), 1e-12);
        assertEquals(0.25 + 2.25, score(LossFunction.SQUARED_HINGE, s, o), 1e-12);
        assertEquals(0, score(LossFunction.HINGE, s, row(2, -3)), 0);
        assertEquals(-1, score(LossFunction.COSINE_PROXIMITY, row(1, 2), row(2, 4)), 1e-12);
        assertEquals(1, score(LossFunction.COSINE_PROXIMITY, row(1, 2), row(-3, -6)), 1e-12);
        assertEquals(-0.6, score(LossFunction.COSINE_PROXIMITY, row(1, 0), row(0.6, 0.8).mul(3)), 1e-12);
    }

    /** Labels suited to each loss (and an output activation it is used with). */
    private static INDArray labels(LossFunction f, int n, int k, Random r) {
        INDArray y = Nd4j.zeros(n, k);
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j < k; j++) {
                double v;
                switch (f) {
                    case XENT: v = r.nextBoolean() ? 1 : 0; break;
                    case MCXENT: case NEGATIVELOGLIKELIHOOD: v = j == i % k ? 1 : 0; break;
                    case KL_DIVERGENCE: case RECONSTRUCTION_CROSSENTROPY: v = 0.1 + r.nextDouble(); sum += v; break;
                    case MEAN_SQUARED_LOGARITHMIC_ERROR: v = r.nextDouble(); break;
                    case MEAN_ABSOLUTE_PERCENTAGE_ERROR: v = (r.nextBoolean() ? 1 : -1) * (0.5 + r.nextDouble()); break;
                    case HINGE: case SQUARED_HINGE: v = r.nextBoolean() ? 1 : -1; break;
                    case POISSON: v = r.nextInt(3); break;
                    default: v = r.nextGaussian();
                }
                y.putScalar(i, j, v);
            }
            if (f == LossFunction.KL_DIVERGENCE || f == LossFunction.RECONSTRUCTION_CROSSENTROPY) for (int j = 0; j < k; j++) y.putScalar(i, j, y.getDouble(i, j) / sum);
        }
        return y;
    }

    private static Activation activation(LossFunction f) {
        switch (f) {
            case XENT: case POISSON: case MEAN_SQUARED_LOGARITHMIC_ERROR: return Activation.SIGMOID;
            case MCXENT: case NEGATIVELOGLIKELIHOOD: case KL_DIVERGENCE: case RECONSTRUCTION_CROSSENTROPY: return Activation.SOFTMAX;
            default: return Activation.TANH;
        }
    }

    @Test
    public void everyLossPassesANetworkGradientCheck() {
        for (LossFunction f : LossFunction.values()) {
            Random r = new Random(f.ordinal() + 11);
            ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(12345).updater(new NoOp())
                    .weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in")
                    .addLayer("dense", new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.TANH).build(), "in")
                    .addLayer("out", new OutputLayer.Builder(f).nIn(5).nOut(3).activation(activation(f)).build(), "dense")
                    .setOutputs("out").build();
            ComputationGraph net = new ComputationGraph(conf);
            net.init();
            INDArray x = Nd4j.randn(f.ordinal() + 3L, new long[]{6, 4});
            INDArray y = labels(f, 6, 3, r);
            int checked = GradientCheckUtil.check(net, new INDArray[]{x}, new INDArray[]{y}, true);
            assertTrue(f + ": only " + checked + " gradients were not negligible", checked > 20);
        }
    }

    @Test
    public void gradientsAtTheLossLevelMatchFiniteDifferences() {
        for (LossFunction f : LossFunction.values()) {
            ILossFunction loss = f.getILossFunction();
            INDArray pre = Nd4j.randn(f.ordinal() + 100L, new long[]{3, 4}).mul(0.7);
            INDArray y = labels(f, 3, 4, new Random(f.ordinal()));
            Activation a = activation(f);
            INDArray grad = loss.computeGradient(y, pre, a);
            for (int i = 0; i < pre.length(); i++) {
                double o = pre.getDoubleLinear(i);
                pre.putLinear(i, o + 1e-6);
                double plus = loss.computeScore(y, pre, a, false);
                pre.putLinear(i, o - 1e-6);
                double minus = loss.computeScore(y, pre, a, false);
                pre.putLinear(i, o);
                double numeric = (plus - minus) / 2e-6;
                assertEquals(f + " element " + i, numeric, grad.getDoubleLinear(i), 1e-6 * Math.max(1, Math.abs(numeric)));
            }
        }
    }

    @Test
    public void dl4jZipNamesTheNd4jLossClass() throws Exception {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).graphBuilder().addInputs("in")
                .addLayer("out", new OutputLayer.Builder(LossFunction.XENT).nIn(2).nOut(2).activation(Activation.SIGMOID).build(), "in")
                .setOutputs("out").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        Dl4jZipExporter.write(net, bytes, false);
        java.util.zip.ZipInputStream zin = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()));
        String json = null;
        for (java.util.zip.ZipEntry e; (e = zin.getNextEntry()) != null; ) {
            if (e.getName().equals("configuration.json")) json = new String(zin.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        assertTrue(json, json.contains("org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT"));
    }
}
