package org.pydl4j.reliability;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.MemoryScope;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.learning.config.Sgd;
import org.pydl4j.nd.lossfunctions.LossFunctions.LossFunction;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.ConvolutionMode;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.ActivationLayer;
import org.pydl4j.nn.conf.layers.BatchNormalization;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.conf.layers.SubsamplingLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.transferlearning.FineTuneConfiguration;
import org.pydl4j.nn.transferlearning.TransferLearning;

/**
 * Sequences of public calls around the fused inference path (InferenceFusion + compiled programs) that once
 * freed, closed or replaced memory a run still used: output inside a caller's MemoryScope (the scope closed the
 * cached batch-norm-folded weights), batch-size changes that evict compiled programs, fit changing parameters
 * between two outputs, the garbage collector and Cleaners forced between and during calls, and two threads on one
 * graph (one of them switching input ranks, which re-plans the pass and closes the old plan's programs while the
 * other thread runs them). Each scenario runs in a child JVM, so a native crash fails the test instead of killing
 * the test runner; every fused output is compared with the layer-by-layer pass.
 */
public class FusedInferenceSafetyTest {
    private static final double TOLERANCE = 1e-4;

    // ---------------------------------------------------------------- the child

    public static void main(String[] args) throws Exception {
        try {
            Nd4j.setBackend(System.getProperty("pydl4j.backend", "cpu"));
        } catch (IllegalArgumentException e) {
            Nd4j.setBackend("reference");
        }
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Thread gc = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                System.gc();   // Cleaners (programs, memory) run on their own threads during the runs below
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "forced-gc");
        gc.setDaemon(true);
        gc.start();
        switch (args[0]) {
            case "scope": scope(); break;
            case "train": train(); break;
            case "threads": threads(); break;
            default: throw new IllegalArgumentException(args[0]);
        }
        gc.interrupt();
        System.out.println("OK " + args[0]);
    }

    /** conv-bn-relu (folded into one convolution), pooling, conv, dense, softmax; 12x12 RGB. */
    static ComputationGraph net() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(5).updater(new Sgd(0.1)).activation(Activation.IDENTITY).convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(12, 12, 3))
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(8).build(), "in")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "c1")
                .addLayer("a1", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn1")
                .addLayer("p1", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "a1")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.RELU).build(), "p1")
                .addLayer("fc", new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build(), "c2")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build(), "fc")
                .setOutputs("out")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    static INDArray images(int n, long seed) {
        Random r = new Random(seed);
        INDArray x = Nd4j.createUninitialized(DataType.FLOAT, n, 3, 12, 12);
        for (int i = 0; i < x.length(); i++) x.putLinear(i, r.nextDouble() * 2 - 1);
        return x;
    }

    static DataSet batch(int n, long seed) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 3);
        for (int i = 0; i < n; i++) y.putScalar(i, (int) ((i + seed) % 3), 1.0);
        return new DataSet(images(n, seed), y);
    }

    /** The layer-by-layer pass (fusion off for this call only). */
    static INDArray reference(ComputationGraph g, INDArray x) {
        synchronized (FusedInferenceSafetyTest.class) {
            System.setProperty("pydl4j.inference.fuse", "false");
            try {
                return g.outputSingle(x);
            } finally {
                System.setProperty("pydl4j.inference.fuse", "true");
            }
        }
    }

    static void check(String what, INDArray expected, INDArray actual) {
        if (!java.util.Arrays.equals(expected.shape(), actual.shape())) throw new AssertionError(what + ": shape differs");
        for (int i = 0; i < expected.length(); i++) {
            double d = Math.abs(expected.getDoubleLinear(i) - actual.getDoubleLinear(i));
            if (!(d <= TOLERANCE)) throw new AssertionError(what + ": fused " + actual.getDoubleLinear(i) + " vs layers " + expected.getDoubleLinear(i) + " at " + i);
        }
    }

    /** Fused outputs computed inside a caller's MemoryScope, then outside it: the cache must not keep closed arrays. */
    static void scope() {
        ComputationGraph g = net();
        INDArray x = images(5, 1);
        INDArray expected = reference(g, x);
        for (int rep = 0; rep < 3; rep++) {
            try (MemoryScope s = MemoryScope.open()) {
                check("inside a scope, run " + rep, expected, g.outputSingle(x));
            }
            System.gc();
            check("after the scope closed, run " + rep, expected, g.outputSingle(x));
        }
    }

    /**
     * The DL4J lesson's pattern, small: a transfer graph whose fused part is frozen, fit on batches, outputs of many
     * batch sizes (more shapes than the program cache keeps, slices of one batch) between the fits.
     */
    static void train() {
        System.setProperty("pydl4j.inference.sliceBytes", "20000");   // batches of 5+ images run in slices
        ComputationGraph base = net();
        ComputationGraph t = new TransferLearning.GraphBuilder(base)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(new Sgd(0.05)).seed(3).build())
                .setFeatureExtractor("c2")
                .build();
        ComputationGraph plain = net();   // nothing frozen: fit changes the fused conv and batch-norm parameters
        int[] sizes = {1, 7, 2, 5, 3, 8, 4, 6, 7, 1};
        for (int it = 0; it < sizes.length; it++) {
            t.fit(batch(4 + it % 3, it));
            plain.fit(batch(4 + it % 3, it));
            for (ComputationGraph g : new ComputationGraph[]{t, plain}) {
                INDArray x = images(sizes[it], 100 + it);
                INDArray fused = g.outputSingle(x);
                System.gc();
                check("iteration " + it + ", batch " + sizes[it], reference(g, x), fused);
                check("iteration " + it + ", again", fused, g.outputSingle(x));
            }
        }
    }

    /**
     * Two threads on one graph: one alternates batch sizes, the other alternates input ranks on a graph that takes
     * both (batch norm and activations only), which re-plans the fused pass and closes the previous plan while the
     * first thread may be running its programs.
     */
    static void threads() throws Exception {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(9).activation(Activation.IDENTITY)
                .graphBuilder()
                .addInputs("in")
                .addLayer("bn", new BatchNormalization.Builder().nIn(4).nOut(4).build(), "in")
                .addLayer("act", new ActivationLayer.Builder().activation(Activation.TANH).build(), "bn")
                .setOutputs("act")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        Random r = new Random(4);
        for (String p : new String[]{"gamma", "beta", "mean", "var"}) {
            INDArray a = g.getLayer("bn").getParam(p);
            for (int i = 0; i < a.length(); i++) a.putLinear(i, p.equals("var") ? 0.5 + r.nextDouble() : r.nextDouble() - 0.5);
        }
        int n = 40;
        INDArray[] four = new INDArray[5], two = new INDArray[5];
        INDArray[] fourRef = new INDArray[5], twoRef = new INDArray[5];
        for (int i = 0; i < 5; i++) {
            four[i] = Nd4j.rand((long) i, (long) (i + 1), 4L, 6L, 6L);
            two[i] = Nd4j.rand((long) i + 10, (long) (i + 2), 4L);
            fourRef[i] = reference(g, four[i]);
            twoRef[i] = reference(g, two[i]);
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread a = new Thread(() -> {
            try {
                for (int k = 0; k < n; k++) check("thread A, call " + k, fourRef[k % 5], g.outputSingle(four[k % 5]));
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        Thread b = new Thread(() -> {
            try {
                for (int k = 0; k < n; k++) {
                    if (k % 2 == 0) check("thread B (2-d), call " + k, twoRef[k % 5], g.outputSingle(two[k % 5]));
                    else check("thread B (4-d), call " + k, fourRef[(k + 2) % 5], g.outputSingle(four[(k + 2) % 5]));
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        a.start();
        b.start();
        a.join();
        b.join();
        if (failure.get() != null) throw new AssertionError("concurrent output failed", failure.get());
    }

    // ---------------------------------------------------------------- the tests

    static List<String> runChild(String mode) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path")));
        for (String p : new String[]{"pydl4j.native.dir", "pydl4j.backend"}) {
            if (System.getProperty(p) != null) cmd.add("-D" + p + "=" + System.getProperty(p));
        }
        cmd.add(FusedInferenceSafetyTest.class.getName());
        cmd.add(mode);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("child JVM hung:\n" + out, p.waitFor(180, TimeUnit.SECONDS));
        assertEquals("child JVM (" + mode + ") exit status; its output:\n" + out, 0, p.exitValue());
        assertTrue(out, out.contains("OK " + mode));
        return List.of(out.split("\n"));
    }

    @Test
    public void outputInsideACallersMemoryScope() throws Exception { runChild("scope"); }

    @Test
    public void lessonPatternWithBatchSizeChangesFitAndForcedGc() throws Exception { runChild("train"); }

    @Test
    public void twoThreadsOnOneGraphOneSwitchingInputRanks() throws Exception { runChild("threads"); }
}
