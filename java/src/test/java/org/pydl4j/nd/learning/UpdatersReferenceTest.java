package org.pydl4j.nd.learning;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.learning.config.AMSGrad;
import org.pydl4j.nd.learning.config.AdaDelta;
import org.pydl4j.nd.learning.config.AdaGrad;
import org.pydl4j.nd.learning.config.AdaMax;
import org.pydl4j.nd.learning.config.IUpdater;
import org.pydl4j.nd.learning.config.Nadam;
import org.pydl4j.nd.learning.config.NoOp;
import org.pydl4j.nd.learning.config.RmsProp;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.weights.WeightInit;

/**
 * ND4J's RmsProp, AdaGrad, AdaDelta, AdaMax, Nadam, AMSGrad and NoOp: three steps each against a reference written
 * here from the documented rules (scalar loops in double), defaults as ND4J's, and a DL4J-style network that
 * learns with each.
 */
public class UpdatersReferenceTest extends org.pydl4j.nd.DoublePrecisionTests {
    private static final double[][] GRADS = {{0.5, -1.5, 2.0}, {0.1, -0.3, -2.5}, {-0.7, 0.0, 1.2}};

    private interface Reference { double[] step(double[] g, int t); }

    private static void check(IUpdater u, int parts, Reference ref) {
        int n = GRADS[0].length;
        assertEquals(parts * n, u.stateSize(n));
        INDArray state = parts == 0 ? null : Nd4j.zeros(DataType.DOUBLE, parts * n);
        GradientUpdater gu = u.instantiate(state, true);
        for (int t = 0; t < GRADS.length; t++) {
            INDArray g = Nd4j.create(GRADS[t].clone(), new long[]{n}, DataType.DOUBLE);
            gu.applyUpdater(g, t, 0);
            double[] want = ref.step(GRADS[t].clone(), t);
            for (int i = 0; i < n; i++) assertEquals(u + " step " + t + " [" + i + "]", want[i], g.getDouble(i), 1e-12);
        }
    }

    @Test
    public void rmsProp() {
        RmsProp d = new RmsProp();
        assertEquals(0.1, d.getLearningRate(), 0);
        assertEquals(0.95, d.getRmsDecay(), 0);
        assertEquals(1e-8, d.getEpsilon(), 0);
        double lr = 0.05, decay = 0.9, eps = 1e-4;
        double[] r = {eps, eps, eps};
        check(new RmsProp(lr, decay, eps), 1, (g, t) -> {
            for (int i = 0; i < g.length; i++) { r[i] = decay * r[i] + (1 - decay) * g[i] * g[i]; g[i] = lr * g[i] / (Math.sqrt(r[i]) + eps); }
            return g;
        });
    }

    @Test
    public void adaGrad() {
        assertEquals(0.1, new AdaGrad().getLearningRate(), 0);
        assertEquals(1e-6, new AdaGrad().getEpsilon(), 0);
        double lr = 0.2, eps = 1e-3;
        double[] h = {eps, eps, eps};
        check(new AdaGrad(lr, eps), 1, (g, t) -> {
            for (int i = 0; i < g.length; i++) { h[i] += g[i] * g[i]; g[i] = lr * g[i] / (Math.sqrt(h[i]) + eps); }
            return g;
        });
    }

    @Test
    public void adaDelta() {
        AdaDelta d = new AdaDelta();
        assertEquals(0.95, d.getRho(), 0);
        assertEquals(1e-6, d.getEpsilon(), 0);
        assertFalse(d.hasLearningRate());
        assertTrue(Double.isNaN(d.getLearningRate(0, 0)));
        double rho = 0.9, eps = 1e-4;
        double[] msg = new double[3], msdx = new double[3];
        check(new AdaDelta(rho, eps), 2, (g, t) -> {
            for (int i = 0; i < g.length; i++) {
                msg[i] = rho * msg[i] + (1 - rho) * g[i] * g[i];
                double dx = Math.sqrt(msdx[i] + eps) / Math.sqrt(msg[i] + eps) * g[i];
                msdx[i] = rho * msdx[i] + (1 - rho) * dx * dx;
                g[i] = dx;
            }
            return g;
        });
    }

    @Test
    public void adaMax() {
        double lr = 0.01, b1 = 0.8, b2 = 0.99, eps = 1e-6;
        double[] m = new double[3], u = new double[3];
        check(new AdaMax(lr, b1, b2, eps), 2, (g, t) -> {
            for (int i = 0; i < g.length; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                u[i] = Math.max(b2 * u[i], Math.abs(g[i]));
                g[i] = lr / (1 - Math.pow(b1, t + 1)) * m[i] / (u[i] + eps);
            }
            return g;
        });
    }

    @Test
    public void nadam() {
        double lr = 0.01, b1 = 0.8, b2 = 0.99, eps = 1e-6;
        double[] m = new double[3], v = new double[3];
        check(new Nadam(lr, b1, b2, eps), 2, (g, t) -> {
            for (int i = 0; i < g.length; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double c = 1 - Math.pow(b1, t + 1);
                g[i] = lr * (b1 * m[i] / c + (1 - b1) * g[i] / c) / (Math.sqrt(v[i]) + eps);
            }
            return g;
        });
    }

    @Test
    public void amsGrad() {
        double lr = 0.01, b1 = 0.8, b2 = 0.99, eps = 1e-6;
        double[] m = new double[3], v = new double[3], vh = new double[3];
        check(new AMSGrad(lr, b1, b2, eps), 3, (g, t) -> {
            double a = lr * Math.sqrt(1 - Math.pow(b2, t + 1)) / (1 - Math.pow(b1, t + 1));
            for (int i = 0; i < g.length; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                vh[i] = Math.max(vh[i], v[i]);
                g[i] = a * m[i] / (Math.sqrt(vh[i]) + eps);
            }
            return g;
        });
    }

    @Test
    public void noOp() {
        check(new NoOp(), 0, (g, t) -> new double[g.length]);
        assertThrows(UnsupportedOperationException.class, () -> new NoOp().setLrAndSchedule(0.1, null));
    }

    @Test
    public void defaultsAreNd4js() {
        for (IUpdater u : new IUpdater[]{new AdaMax(), new Nadam(), new AMSGrad()}) {
            assertEquals(u.toString(), 1e-3, u.getLearningRate(0, 0), 0);
        }
        assertEquals(0.9, new Nadam().getBeta1(), 0);
        assertEquals(0.999, new AMSGrad().getBeta2(), 0);
        assertEquals(1e-8, new AdaMax().getEpsilon(), 0);
        assertEquals(new Nadam(0.02), Nadam.builder().learningRate(0.02).build());
        assertThrows(IllegalArgumentException.class, () -> new AdaMax(0.1, 1.5, 0.9, 1e-8));
        assertThrows(IllegalArgumentException.class, () -> new RmsProp(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new AMSGrad().instantiate(Nd4j.zeros(DataType.DOUBLE, 4), true));
    }

    /** The way DL4J's examples configure an updater; each one must bring the training loss down. */
    @Test
    public void aSmallNetworkLearnsWithEachUpdater() {
        IUpdater[] updaters = {new RmsProp(0.01), new AdaGrad(0.1), new AdaDelta(), new AdaMax(0.02), new Nadam(0.02), new AMSGrad(0.02)};
        INDArray x = Nd4j.randn(9L, new long[]{24, 3});
        INDArray y = Nd4j.zeros(24, 2);
        for (int i = 0; i < 24; i++) y.putScalar(i, x.getDouble(i, 0) + x.getDouble(i, 1) > 0 ? 1 : 0, 1.0);
        DataSet ds = new DataSet(x, y);
        for (IUpdater u : updaters) {
            ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(42).updater(u)
                    .weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in")
                    .addLayer("h", new DenseLayer.Builder().nIn(3).nOut(8).activation(Activation.TANH).build(), "in")
                    .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(2)
                            .activation(Activation.SOFTMAX).build(), "h")
                    .setOutputs("out").build();
            ComputationGraph net = new ComputationGraph(conf);
            net.init();
            double before = net.score(ds);
            for (int i = 0; i < 60; i++) net.fit(ds);
            double after = net.score(ds);
            assertTrue(u + ": score " + before + " -> " + after, after < 0.7 * before);
        }
    }

    /** The new updaters survive DL4J's model-zip format (export, then import as a DL4J zip). */
    @Test
    public void dl4jZipKeepsTheUpdaters() throws Exception {
        for (IUpdater u : new IUpdater[]{new RmsProp(0.02, 0.9, 1e-7), new AdaGrad(0.3, 1e-5), new AdaDelta(0.9, 1e-5), new AdaMax(0.01),
                new Nadam(0.03, 0.8, 0.99, 1e-7), new AMSGrad(0.04), new NoOp()}) {
            ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(u).graphBuilder().addInputs("in")
                    .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(2).nOut(2).activation(Activation.SOFTMAX).build(), "in")
                    .setOutputs("out").build();
            ComputationGraph net = new ComputationGraph(conf);
            net.init();
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            org.pydl4j.util.serde.Dl4jZipExporter.write(net, bytes, false);
            ComputationGraph back = org.pydl4j.util.ModelSerializer.restoreComputationGraph(new java.io.ByteArrayInputStream(bytes.toByteArray()), false);
            assertEquals(u, ((org.pydl4j.nn.conf.layers.BaseLayer) back.getConfiguration().getLayer("out")).getIUpdater());
        }
    }
}
