package org.pydl4j.nd.schedule;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.ListDataSetIterator;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.learning.config.IUpdater;
import org.pydl4j.nd.learning.config.Nesterovs;
import org.pydl4j.nd.learning.config.Sgd;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.layers.BaseLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.weights.WeightInit;

/** ND4J's schedules: values by formula, and the learning rate a real fit uses at every iteration. */
public class ScheduleTest extends org.pydl4j.nd.DoublePrecisionTests {
    @Test
    public void formulas() {
        Map<Integer, Double> m = new HashMap<>();
        m.put(0, 0.1); m.put(5, 0.05); m.put(10, 0.01);
        MapSchedule ms = new MapSchedule(ScheduleType.ITERATION, m);
        assertEquals(0.1, ms.valueAt(4, 9), 0);
        assertEquals(0.05, ms.valueAt(5, 0), 0);
        assertEquals(0.05, ms.valueAt(9, 0), 0);
        assertEquals(0.01, ms.valueAt(1000, 0), 0);
        assertEquals(ms, new MapSchedule.Builder(ScheduleType.ITERATION).add(0, 0.1).add(5, 0.05).add(10, 0.01).build());
        assertEquals(0.05, new MapSchedule.Builder(ScheduleType.EPOCH).add(0, 0.1).add(2, 0.05).build().valueAt(0, 3), 0);

        assertEquals(0.5 * Math.pow(0.1, 2), new StepSchedule(ScheduleType.ITERATION, 0.5, 0.1, 10).valueAt(25, 0), 1e-15);
        assertEquals(0.5, new StepSchedule(ScheduleType.EPOCH, 0.5, 0.1, 10).valueAt(25, 9), 1e-15);
        assertEquals(2 * Math.pow(0.9, 7), new ExponentialSchedule(ScheduleType.EPOCH, 2, 0.9).valueAt(100, 7), 1e-15);
        assertEquals(1 / Math.pow(1 + 0.5 * 4, 2), new InverseSchedule(ScheduleType.ITERATION, 1, 0.5, 2).valueAt(4, 0), 1e-15);
        assertEquals(1 * Math.pow(1 + 3 / 10.0, -2), new PolySchedule(ScheduleType.ITERATION, 1, 2, 10).valueAt(3, 0), 1e-15);
        assertEquals(0, new PolySchedule(ScheduleType.ITERATION, 1, 2, 10).valueAt(10, 0), 0);
        assertEquals(3 / (1 + Math.exp(-0.5 * (2 - 6))), new SigmoidSchedule(ScheduleType.ITERATION, 3, 0.5, 6).valueAt(2, 0), 1e-15);
        assertEquals(0.25, new FixedSchedule(0.25).valueAt(77, 3), 0);

        RampSchedule ramp = new RampSchedule(new FixedSchedule(1.0), 4);
        assertEquals(0.25, ramp.valueAt(0, 0), 1e-15);
        assertEquals(0.75, ramp.valueAt(2, 0), 1e-15);
        assertEquals(1.0, ramp.valueAt(3, 0), 1e-15);
        assertEquals(1.0, ramp.valueAt(50, 0), 1e-15);

        // cycle 10, annealing 2: stepSize 4, from 0.1 up to 0.5 (increment 0.1) and back, then 0.1 * 0.1^(2 - (10 - p))
        CycleSchedule c = new CycleSchedule(ScheduleType.ITERATION, 0.1, 0.5, 10, 2, 0.1);
        double[] expected = {0.1, 0.2, 0.3, 0.4, 0.5, 0.4, 0.3, 0.2, 0, 0};
        expected[8] = 0.1 * Math.pow(0.1, 2 - (10 - 8));
        expected[9] = 0.1 * Math.pow(0.1, 2 - (10 - 9));
        for (int i = 0; i < 20; i++) assertEquals("cycle at " + i, expected[i % 10], c.valueAt(i, 0), 1e-12);
        CycleSchedule dflt = new CycleSchedule(ScheduleType.EPOCH, 1.0, 20);
        assertEquals(0.1, dflt.getInitialLearningRate(), 1e-15);
        assertEquals(2, dflt.getAnnealingLength());
    }

    @Test
    public void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MapSchedule.Builder(ScheduleType.ITERATION).add(3, 0.1).build());
        assertThrows(IllegalArgumentException.class, () -> new StepSchedule(ScheduleType.ITERATION, 1, 0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> new ExponentialSchedule(ScheduleType.ITERATION, Double.NaN, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new PolySchedule(ScheduleType.ITERATION, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new CycleSchedule(ScheduleType.ITERATION, 0.1, 1, 10, 9, 0.1));
        assertThrows(IllegalArgumentException.class, () -> new RampSchedule(null, 3));
        assertThrows(IllegalArgumentException.class, () -> new ExponentialSchedule(null, 1, 0.5));
    }

    @Test
    public void updatersTakeSchedulesAndSaveThem() {
        ISchedule s = new StepSchedule(ScheduleType.ITERATION, 0.2, 0.5, 3);
        IUpdater[] all = {new Sgd(s), new Nesterovs(s, 0.8), new Adam(s), Adam.builder().learningRateSchedule(s).build(),
                new org.pydl4j.nd.learning.config.RmsProp(s), new org.pydl4j.nd.learning.config.AdaGrad(s),
                new org.pydl4j.nd.learning.config.AdaMax(s), new org.pydl4j.nd.learning.config.Nadam(s),
                new org.pydl4j.nd.learning.config.AMSGrad(s)};
        for (IUpdater u : all) {
            assertEquals(u.toString(), 0.2, u.getLearningRate(2, 0), 1e-15);
            assertEquals(u.toString(), 0.1, u.getLearningRate(3, 0), 1e-15);
            IUpdater copy = u.clone();
            assertNotSame(u, copy);
            assertEquals(u, copy);
            assertEquals(0.05, copy.getLearningRate(7, 0), 1e-15);
        }
        Sgd sgd = new Sgd(0.3);
        sgd.setLrAndSchedule(0.3, new FixedSchedule(0.02));
        assertEquals(0.02, sgd.getLearningRate(5, 5), 0);
        sgd.setLrAndSchedule(0.4, null);
        assertEquals(0.4, sgd.getLearningRate(5, 5), 0);
        Nesterovs n = new Nesterovs(0.1, new ExponentialSchedule(ScheduleType.ITERATION, 0.9, 0.5));
        assertEquals(0.45, n.currentMomentum(1, 0), 1e-15);

        // saved with the network configuration and read back
        ComputationGraph net = net(new Adam(new CycleSchedule(ScheduleType.ITERATION, 0.1, 0.5, 10, 2, 0.1)));
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson());
        IUpdater u = ((BaseLayer) back.getLayer("out")).getIUpdater();
        assertEquals(((BaseLayer) net.getConfiguration().getLayer("out")).getIUpdater(), u);
        assertEquals(0.5, u.getLearningRate(4, 0), 1e-12);
    }

    private static ComputationGraph net(IUpdater updater) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).updater(updater)
                .weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in")
                .addLayer("h", new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3).activation(Activation.SOFTMAX).build(), "h")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private static List<DataSet> data(int n, long seed) {
        INDArray x = Nd4j.randn(seed, new long[]{n, 4});
        INDArray y = Nd4j.zeros(n, 3);
        for (int i = 0; i < n; i++) y.putScalar(i, i % 3, 1.0);
        return new DataSet(x, y).batchBy(4);
    }

    /**
     * The learning rate Sgd applied at each iteration of a real fit (two epochs of an iterator), recovered from the
     * parameter change and the gradient at that step: delta = -lr * g. A schedule that were ignored gives the
     * fixed rate instead.
     */
    private static List<Double> appliedLearningRates(ISchedule schedule, int epochs) {
        ComputationGraph net = net(new Sgd(schedule));
        List<DataSet> batches = data(12, 5);
        List<Double> lrs = new ArrayList<>();
        ListDataSetIterator<DataSet> it = new ListDataSetIterator<>(batches, 4);
        for (int e = 0; e < epochs; e++) {
            it.reset();
            while (it.hasNext()) {
                DataSet ds = it.next();
                net.setInputs(ds.getFeatures());
                net.setLabels(ds.getLabels());
                net.computeGradientAndScore();
                INDArray g = net.gradient().gradient().dup();
                INDArray before = net.params().dup();
                net.fit(ds);
                INDArray delta = before.sub(net.params());
                double gg = g.mul(g).sumNumber().doubleValue();
                lrs.add(delta.mul(g).sumNumber().doubleValue() / gg);
                double resid = delta.sub(g.mul(lrs.get(lrs.size() - 1))).norm2Number().doubleValue();
                assertEquals("the step is a multiple of the gradient", 0, resid, 1e-12);
            }
            net.setEpochCount(net.getEpochCount() + 1);
        }
        return lrs;
    }

    @Test
    public void fitFollowsAnIterationScheduleEveryIteration() {
        ISchedule s = new MapSchedule.Builder(ScheduleType.ITERATION).add(0, 0.3).add(2, 0.1).add(4, 0.02).build();
        List<Double> lrs = appliedLearningRates(s, 2);
        assertEquals(6, lrs.size());
        for (int i = 0; i < lrs.size(); i++) assertEquals("iteration " + i, s.valueAt(i, i / 3), lrs.get(i), 1e-9);
    }

    @Test
    public void fitFollowsAnEpochScheduleAndAWarmup() {
        ISchedule epoch = new ExponentialSchedule(ScheduleType.EPOCH, 0.2, 0.5);
        List<Double> lrs = appliedLearningRates(epoch, 2);
        for (int i = 0; i < lrs.size(); i++) assertEquals("iteration " + i, i < 3 ? 0.2 : 0.1, lrs.get(i), 1e-9);
        ISchedule warm = new RampSchedule(new StepSchedule(ScheduleType.ITERATION, 0.4, 0.5, 4), 3);
        lrs = appliedLearningRates(warm, 2);
        double[] expected = {0.4 / 3, 0.8 / 3, 0.4, 0.4, 0.2, 0.2};
        for (int i = 0; i < lrs.size(); i++) assertEquals("iteration " + i, expected[i], lrs.get(i), 1e-9);
    }

    @Test
    public void fitOverAnIteratorAdvancesTheEpochForEpochSchedules() {
        ComputationGraph net = net(new Sgd(new ExponentialSchedule(ScheduleType.EPOCH, 0.2, 0.5)));
        ListDataSetIterator<DataSet> it = new ListDataSetIterator<>(data(8, 2), 4);
        net.fit(it, 3);
        assertEquals(3, net.getEpochCount());
        assertEquals(0.05, ((BaseLayer) net.getConfiguration().getLayer("out")).getIUpdater().getLearningRate(net.getIterationCount(), 2), 1e-15);
    }

    /** Schedules survive DL4J's model-zip format (ND4J's JSON), for every schedule type. */
    @Test
    public void dl4jZipKeepsSchedules() throws Exception {
        ISchedule[] all = {new MapSchedule.Builder(ScheduleType.ITERATION).add(0, 0.3).add(7, 0.1).build(),
                new StepSchedule(ScheduleType.EPOCH, 0.2, 0.5, 2), new ExponentialSchedule(ScheduleType.ITERATION, 0.1, 0.99),
                new InverseSchedule(ScheduleType.ITERATION, 0.1, 0.01, 2), new PolySchedule(ScheduleType.ITERATION, 0.1, 2, 100),
                new SigmoidSchedule(ScheduleType.ITERATION, 0.1, 0.5, 10), new CycleSchedule(ScheduleType.ITERATION, 0.5, 30),
                new RampSchedule(new ExponentialSchedule(ScheduleType.EPOCH, 0.1, 0.9), 5), new FixedSchedule(0.03)};
        for (ISchedule sch : all) {
            for (IUpdater u : new IUpdater[]{new Sgd(sch), new Adam(sch), new Nesterovs(sch, 0.9), new org.pydl4j.nd.learning.config.RmsProp(sch)}) {
                ComputationGraph net = net(u);
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                org.pydl4j.util.serde.Dl4jZipExporter.write(net, bytes, false);
                String json = "";
                try (java.util.zip.ZipInputStream z = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                    for (java.util.zip.ZipEntry e; (e = z.getNextEntry()) != null; ) {
                        if (e.getName().equals("configuration.json")) json = new String(z.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    }
                }
                assertTrue(u + ": DL4J's JSON names ND4J classes only, got " + json, json.contains("org.nd4j.linalg.schedule.") && !json.contains("@type"));
                ComputationGraph back = org.pydl4j.util.ModelSerializer.restoreComputationGraph(new java.io.ByteArrayInputStream(bytes.toByteArray()), false);
                IUpdater got = ((BaseLayer) back.getConfiguration().getLayer("out")).getIUpdater();
                for (int it : new int[]{0, 3, 8, 40}) assertEquals(u + " at " + it, u.getLearningRate(it, it / 4), got.getLearningRate(it, it / 4), 1e-12);
            }
        }
    }
}
