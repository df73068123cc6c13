package org.pydl4j.reliability;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.ConvolutionMode;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.BatchNormalization;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.GlobalPoolingLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.conf.layers.PoolingType;
import org.pydl4j.nn.conf.layers.SubsamplingLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.transferlearning.TransferLearning;
import org.pydl4j.nn.transferlearning.TransferLearningHelper;
import org.pydl4j.nn.weights.WeightInit;

/**
 * Native memory is released deterministically, measured in a child JVM (its own resident set, read from
 * /proc/self/status, so nothing of the test runner is counted):
 *
 * <ul>
 *   <li>1000 training iterations (a small CNN with batch norm and dropout, then a transfer head trained on
 *   featurized inputs) keep the resident set flat after warm-up. The child's heap is fixed and pre-touched (-Xms =
 *   -Xmx, AlwaysPreTouch) and C2 is off (its compiler arenas come and go in the resident set), so growth can only
 *   come from off-heap memory and malloc. Measured on the 2-core development machine: before iterations closed
 *   their arrays, 800 iterations after warm-up grew the resident set by 173 MiB (direct memory by 133 MiB, left to
 *   the garbage collector); with the step's arrays recycled, by under 1 MiB and direct memory by 0 bytes. The RSS
 *   bound, 16 MiB, leaves room for allocator and JIT noise yet is an order of magnitude below what unreleased
 *   temporaries add (about 0.2 MiB per iteration here); direct memory may grow by at most 2 MiB (one step).</li>
 *   <li>A batch that does not fit in direct memory gives a clear exception (how much was asked, the limit, "smaller
 *   batch size", MaxDirectMemorySize / PYDL4J_DIRECT_MEMORY) instead of aborting; the JVM stays usable: a smaller
 *   batch afterwards works and the process exits normally.</li>
 * </ul>
 */
public class MemoryReliabilityTest {

    /** Allowed resident-set growth (MiB) between the end of warm-up and the end of the 1000 iterations. */
    static final long RSS_BOUND_MIB = 16;
    /** Allowed growth of direct memory in use after warm-up: the pool is warm, so one iteration's worth at most. */
    static final long DIRECT_BOUND_BYTES = 2L << 20;
    static final int ITERATIONS = 1000, WARMUP = 200;

    static ComputationGraph cnn() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).updater(new Adam(1e-3))
                .weightInit(WeightInit.XAVIER).activation(Activation.RELU)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(16, 16, 3))
                .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).nOut(8).convolutionMode(ConvolutionMode.Same).build(), "in")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "conv1")
                .addLayer("pool1", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX, new int[]{2, 2}, new int[]{2, 2}).build(), "bn1")
                .addLayer("conv2", new ConvolutionLayer.Builder(3, 3).nOut(16).convolutionMode(ConvolutionMode.Same).build(), "pool1")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "conv2")
                .addLayer("dense", new DenseLayer.Builder().nOut(32).dropOut(0.8).build(), "gap")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(5).activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    static INDArray labels(int n, int classes, int shift) {
        INDArray y = Nd4j.zeros(n, classes);
        for (int i = 0; i < n; i++) y.putScalar(i, (i + shift) % classes, 1.0);
        return y;
    }

    /** Direct (off-heap) buffer memory in use. */
    static long directBytes() {
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (b.getName().equals("direct")) return b.getMemoryUsed();
        }
        throw new IllegalStateException("no direct buffer pool bean");
    }

    static long rssKiB() throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    // ---------------------------------------------------------------- child JVM programs

    /** Child: "rss" (1000 training iterations, prints RSS) or "oom" (a batch that does not fit, then one that does). */
    public static void main(String[] args) throws Exception {
        if (args[0].equals("rss")) rssChild();
        else if (args[0].equals("oom")) oomChild();
        else throw new IllegalArgumentException(args[0]);
    }

    static void rssChild() throws Exception {
        // the data set is made once: only what the iterations themselves allocate can grow
        int batch = 16;
        List<DataSet> cnnData = new ArrayList<>();
        for (int b = 0; b < 4; b++) cnnData.add(new DataSet(Nd4j.rand(100 + b, new long[]{batch, 3, 16, 16}), labels(batch, 5, b)));
        ComputationGraph g = cnn();
        ComputationGraph transfer = new TransferLearning.GraphBuilder(cnn()).setFeatureExtractor("gap").build();
        TransferLearningHelper helper = new TransferLearningHelper(transfer);
        List<DataSet> featurized = new ArrayList<>();
        for (DataSet ds : cnnData) featurized.add(helper.featurize(ds));

        long warm = 0, peak = 0, directWarm = 0, directPeak = 0;
        for (int it = 0; it < ITERATIONS; it++) {
            g.fit(cnnData.get(it % cnnData.size()));
            helper.fitFeaturized(featurized.get(it % featurized.size()));
            if (it == WARMUP - 1) { warm = rssKiB(); directWarm = directBytes(); }
            if (it >= WARMUP && it % 50 == 0) { peak = Math.max(peak, rssKiB()); directPeak = Math.max(directPeak, directBytes()); }
        }
        peak = Math.max(peak, rssKiB());
        directPeak = Math.max(directPeak, directBytes());
        double score = g.score();
        System.out.println("RSS warm_kib=" + warm + " peak_kib=" + peak + " growth_kib=" + (peak - warm) + " direct_warm=" + directWarm
                + " direct_peak=" + directPeak + " direct_growth=" + (directPeak - directWarm) + " score=" + score);
        if (!Double.isFinite(score)) throw new AssertionError("training diverged: score " + score);
    }

    static void oomChild() {
        ComputationGraph g = cnn();
        // 4096 x 3 x 256 x 256 floats = 3 GiB: over the 2 GiB array limit
        String[] big = new String[2];
        try {
            Nd4j.createUninitialized(org.pydl4j.nd.DataType.FLOAT, 4096, 3, 256, 256);
            System.out.println("NO-ERROR huge");
        } catch (IllegalArgumentException | IllegalStateException e) {
            big[0] = e.getMessage();
        }
        INDArray x = Nd4j.zeros(256, 3, 16, 16);
        // a batch of 4096: its input (12 MiB) fits in the child's 64 MiB of direct memory, the activations of a
        // training step (32 MiB per convolution output) do not
        INDArray bigBatch = Nd4j.zeros(4096, 3, 16, 16);
        try {
            g.fit(new DataSet(bigBatch, labels(4096, 5, 0)));
            System.out.println("NO-ERROR batch");
        } catch (IllegalStateException e) {
            big[1] = e.getClass().getName() + ": " + e.getMessage();
        }
        System.out.println("HUGE " + big[0]);
        System.out.println("BATCH " + big[1]);
        // the JVM is still usable: a small batch trains and predicts
        for (int i = 0; i < 3; i++) g.fit(new DataSet(Nd4j.rand(7, new long[]{8, 3, 16, 16}), labels(8, 5, i)));
        INDArray p = g.outputSingle(x.get(org.pydl4j.nd.NDArrayIndex.interval(0, 8)));
        System.out.println("SMALL-OK rows=" + p.size(0) + " sum0=" + p.getRow(0).sumNumber());
    }

    static List<String> runChild(String mode, String... jvmOptions) throws IOException, InterruptedException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> cmd = new ArrayList<>(List.of(java));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path")));
        String nativeDir = System.getProperty("pydl4j.native.dir");
        if (nativeDir != null) cmd.add("-Dpydl4j.native.dir=" + nativeDir);
        String backend = System.getProperty("pydl4j.backend");
        if (backend != null) cmd.add("-Dpydl4j.backend=" + backend);
        cmd.add(MemoryReliabilityTest.class.getName());
        cmd.add(mode);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("MALLOC_ARENA_MAX", "2");   // fewer glibc arenas: less allocator noise in the resident set
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("child JVM hung", p.waitFor(120, TimeUnit.SECONDS));
        List<String> lines = new ArrayList<>(List.of(out.split("\n")));
        lines.add(0, "exit " + p.exitValue());
        return lines;
    }

    static String line(List<String> lines, String prefix) {
        for (String l : lines) if (l.startsWith(prefix)) return l;
        throw new AssertionError("child printed no '" + prefix + "' line:\n" + String.join("\n", lines));
    }

    // ---------------------------------------------------------------- tests

    @Test
    public void thousandTrainingIterationsKeepResidentMemoryFlat() throws Exception {
        List<String> lines = runChild("rss", "-Xms96m", "-Xmx96m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-XX:MaxDirectMemorySize=2g");
        String all = String.join("\n", lines);
        assertEquals("child JVM did not exit cleanly:\n" + all, "exit 0", lines.get(0));
        String rss = line(lines, "RSS ");
        long growth = Long.parseLong(rss.replaceAll(".*growth_kib=(-?[0-9]+).*", "$1"));
        long directGrowth = Long.parseLong(rss.replaceAll(".*direct_growth=(-?[0-9]+).*", "$1"));
        System.out.println("MemoryReliabilityTest: " + rss);
        assertTrue("direct memory grew by " + directGrowth + " bytes after warm-up: the iterations' arrays are not all given back: " + rss,
                directGrowth <= DIRECT_BOUND_BYTES);
        assertTrue("resident memory grew by " + growth / 1024 + " MiB over " + (ITERATIONS - WARMUP)
                + " training iterations after warm-up (bound " + RSS_BOUND_MIB + " MiB): " + rss, growth <= RSS_BOUND_MIB * 1024);
    }

    @Test
    public void batchThatDoesNotFitIsAClearErrorAndTheJvmStaysUsable() throws Exception {
        List<String> lines = runChild("oom", "-Xmx256m", "-XX:MaxDirectMemorySize=64m");
        String all = String.join("\n", lines);
        assertEquals("child JVM did not exit normally (an abort is 134):\n" + all, "exit 0", lines.get(0));
        String huge = line(lines, "HUGE ");
        assertTrue(huge, huge.contains("[4096, 3, 256, 256]") && huge.contains("smaller batch"));
        String batch = line(lines, "BATCH ");
        assertTrue(all, !batch.equals("BATCH null"));
        assertTrue(batch, batch.contains("org.pydl4j.nd.ArrayAllocationException"));
        assertTrue(batch, batch.contains("smaller batch size"));
        assertTrue(batch, batch.contains("MaxDirectMemorySize") && batch.contains("PYDL4J_DIRECT_MEMORY"));
        assertTrue("names the limit: " + batch, batch.contains("limit 64 MiB"));
        assertTrue("names the request: " + batch, batch.matches(".*cannot allocate [0-9.]+ [KMG]iB.*"));
        String ok = line(lines, "SMALL-OK ");
        assertTrue(ok, ok.contains("rows=8"));
    }
}
