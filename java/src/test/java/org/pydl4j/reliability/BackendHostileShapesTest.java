package org.pydl4j.reliability;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.backend.Backend;
import org.pydl4j.nd.backend.Backends;
import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nd.backend.PoolingType;

/**
 * Hostile shapes straight into a Backend (zero-size dims, huge dims, mismatched buffers, mixed types): each call must
 * end in a Java exception, never a native crash. The calls run in a child JVM ({@link #main}) per backend, so a crash
 * shows up as a non-zero exit instead of killing the test runner.
 */
public class BackendHostileShapesTest {

    static INDArray f(long... shape) { return Nd4j.createUninitialized(DataType.FLOAT, shape).assign(0.5); }

    static void expectShape(INDArray a, long... shape) {
        if (!java.util.Arrays.equals(a.shape(), shape)) {
            throw new AssertionError("shape " + java.util.Arrays.toString(a.shape()) + ", expected " + java.util.Arrays.toString(shape));
        }
    }

    /** name -> call; every call is expected to throw a RuntimeException (IllegalArgumentException for shapes). */
    static Map<String, Runnable> cases(Backend b) {
        Map<String, Runnable> c = new LinkedHashMap<>();
        ConvParams k3 = ConvParams.of(3, 3, 1, 1, 0, 0);
        c.put("gemm inner mismatch", () -> b.gemm(f(2, 3), false, f(4, 5), false, f(2, 5), 1, 0));
        c.put("gemm wrong c", () -> b.gemm(f(2, 3), false, f(3, 5), false, f(5, 2), 1, 0));
        c.put("gemm rank 3", () -> b.gemm(f(2, 3, 1), false, f(3, 5), false, f(2, 5), 1, 0));
        c.put("gemm mixed types", () -> b.gemm(f(2, 3), false, Nd4j.zeros(DataType.DOUBLE, 3, 5), false, f(2, 5), 1, 0));
        c.put("conv channels mismatch", () -> b.conv2d(f(1, 3, 8, 8), f(4, 2, 3, 3), null, k3));
        c.put("conv kernel larger than input", () -> b.conv2d(f(1, 3, 2, 2), f(4, 3, 3, 3), null, k3));
        // empty inputs are legal: an empty result of the right shape, or a clean rejection
        c.put("empty: conv zero batch", () -> expectShape(b.conv2d(f(0, 3, 8, 8), f(4, 3, 3, 3), null, k3), 0, 4, 6, 6));
        c.put("empty: conv zero channels", () -> expectShape(b.conv2d(f(1, 0, 8, 8), f(4, 0, 3, 3), null, k3), 1, 4, 6, 6));
        c.put("empty: pool zero batch", () -> expectShape(b.pool2d(f(0, 2, 4, 4), PoolingType.MAX, ConvParams.of(2, 2, 2, 2, 0, 0)), 0, 2, 2, 2));
        c.put("empty: gemm zero rows", () -> { INDArray out = f(0, 5); b.gemm(f(0, 3), false, f(3, 5), false, out, 1, 0); expectShape(out, 0, 5); });
        c.put("empty: relu of nothing", () -> expectShape(b.activate(Activation.RELU, f(0, 7)), 0, 7));
        c.put("conv bias length", () -> b.conv2d(f(1, 3, 8, 8), f(4, 3, 3, 3), f(5), k3));
        c.put("conv rank 3 input", () -> b.conv2d(f(3, 8, 8), f(4, 3, 3, 3), null, k3));
        c.put("conv weight/params kernel mismatch", () -> b.conv2d(f(1, 3, 8, 8), f(4, 3, 5, 5), null, k3));
        c.put("conv groups not dividing", () -> b.conv2d(f(1, 3, 8, 8), f(4, 1, 3, 3), null, new ConvParams(3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 2)));
        c.put("conv huge output", () -> b.conv2d(f(1, 1, 1, 1), f(1, 1, 1, 1), null, new ConvParams(1, 1, 1, 1, 1 << 30, 1 << 30, 1 << 30, 1 << 30, 1, 1, 1)));
        c.put("conv backward data bad input shape", () -> b.conv2dBackwardData(f(1, 4, 6, 6), f(4, 3, 3, 3), new long[]{1, 3, 9, 9}, k3));
        c.put("conv backward data negative-looking dims", () -> b.conv2dBackwardData(f(1, 4, 6, 6), f(4, 3, 3, 3), new long[]{1, 3, -1, Long.MAX_VALUE}, k3));
        c.put("conv backward weights bad shape", () -> b.conv2dBackwardWeights(f(1, 3, 8, 8), f(1, 4, 6, 6), new long[]{4, 3, 2, 2}, true, k3));
        c.put("pool kernel larger than input", () -> b.pool2d(f(1, 2, 2, 2), PoolingType.MAX, k3));
        c.put("pool rank 2", () -> b.pool2d(f(4, 4), PoolingType.AVG, ConvParams.of(2, 2, 2, 2, 0, 0)));
        c.put("pool backward gradOut shape", () -> b.pool2dBackward(f(1, 2, 4, 4), f(1, 2, 3, 3), PoolingType.MAX, ConvParams.of(2, 2, 2, 2, 0, 0)));
        c.put("bn gamma length", () -> b.batchNormInference(f(2, 3, 4, 4), f(4), f(3), f(3), f(3), 1e-5));
        c.put("bn training rank 3", () -> b.batchNormTraining(f(2, 3, 4), f(3), f(3), 1e-5));
        c.put("bn backward mismatched gradOut", () -> b.batchNormBackward(f(2, 3, 4, 4), f(2, 3, 4, 5), f(3), f(3), f(3), 1e-5));
        c.put("softmax rank 4", () -> b.activate(Activation.SOFTMAX, f(2, 3, 4, 4)));
        c.put("activation backward mismatched", () -> b.activateBackward(Activation.RELU, f(2, 3), f(2, 3), f(3, 2)));
        c.put("null input", () -> b.activate(Activation.RELU, null));
        c.put("huge dims", () -> b.conv2d(f(1, 1, 4, 4), f(1, 1, 1, 1), null, new ConvParams(1, 1, 1, 1, 0, 0, Integer.MAX_VALUE, Integer.MAX_VALUE, 1, 1, 1)));
        return c;
    }

    /** Child JVM: runs every case on the named backend, prints one line per case, exits 0 when all threw cleanly. */
    public static void main(String[] args) {
        Backend b = Backends.load(args[0]);
        int bad = 0;
        for (Map.Entry<String, Runnable> e : cases(b).entrySet()) {
            String outcome;
            try {
                e.getValue().run();
                if (e.getKey().startsWith("empty:")) {
                    outcome = "REJECTED-OR-EMPTY accepted with the right shape";
                } else {
                    outcome = "ACCEPTED";   // no exception: a hostile shape was silently computed
                    bad++;
                }
            } catch (IllegalArgumentException | IllegalStateException | NullPointerException ex) {
                outcome = "REJECTED-OR-EMPTY " + ex.getClass().getSimpleName() + ": " + String.valueOf(ex.getMessage()).replace('\n', ' ');
                if (ex instanceof NullPointerException && !e.getKey().startsWith("null")) bad++;
            } catch (Throwable ex) {
                outcome = "WRONG " + ex;
                bad++;
            }
            System.out.println(b.name() + " | " + e.getKey() + " | " + outcome);
        }
        System.out.flush();
        System.exit(bad == 0 ? 0 : 3);
    }

    static List<String> runChild(String backend) throws IOException, InterruptedException {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path")));
        String nativeDir = System.getProperty("pydl4j.native.dir");
        if (nativeDir != null) cmd.add("-Dpydl4j.native.dir=" + nativeDir);
        cmd.add(BackendHostileShapesTest.class.getName());
        cmd.add(backend);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("child JVM hung", p.waitFor(120, TimeUnit.SECONDS));
        List<String> lines = new ArrayList<>(List.of(out.split("\n")));
        lines.add(0, "exit " + p.exitValue());
        return lines;
    }

    static void check(String backend) throws Exception {
        List<String> lines = runChild(backend);
        String all = String.join("\n", lines);
        assertEquals("child JVM for backend " + backend + " did not exit cleanly (a crash is 134/139):\n" + all, "exit 0", lines.get(0));
        long rejected = lines.stream().filter(l -> l.contains("| REJECTED-OR-EMPTY")).count();
        assertEquals(all, cases(new org.pydl4j.nd.backend.reference.ReferenceBackend()).size(), rejected);
    }

    @Test
    public void referenceBackendRejectsHostileShapes() throws Exception { check("reference"); }

    @Test
    public void cpuBackendRejectsHostileShapesWithoutCrashing() throws Exception {
        try {
            Backends.load("cpu");
        } catch (IllegalArgumentException notBuilt) {
            // the native backend is part of every build of this project; its absence is a build problem
            throw new AssertionError("cpu backend cannot load: " + notBuilt.getMessage(), notBuilt);
        }
        check("cpu");
    }
}
