package org.pydl4j.reliability;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nd.backend.InferenceProgram;
import org.pydl4j.nd.backend.ProgramSpec;

/**
 * The JVM exits (System.exit, SIGTERM from a time limit, the end of main) while another thread is inside a native
 * op: issue 11's crash. exit() ran the native library's static destructors (oneDNN stream, engine, primitive caches)
 * and the libraries' finalizers while the op still used them; the op crashed in oneDNN (a call through the freed
 * stream's vtable after a primitive finished, libdnnl+0x17b8xx-0x17b9c5). Each case runs a child JVM with an
 * LD_PRELOAD shim that stalls exit after the destructors and after the finalizers (1.5 s each), so the window that
 * is microseconds wide in production (wide on a loaded machine) is wide every time: the child must exit with its
 * own status and no crash report.
 */
public class NativeShutdownTest {
    private static Path dir;
    private static Path shim;

    // ---------------------------------------------------------------- the child

    /** args: exit | halt | sigterm. A worker loops a long compiled program; the main thread ends the JVM while it runs. */
    public static void main(String[] args) throws Exception {
        Nd4j.setBackend("cpu");
        long[] shape = {4, 64, 96, 96};
        ProgramSpec spec = new ProgramSpec(DataType.FLOAT, List.of(shape));
        int v = 0;
        long[] w = {64, 64, 3, 3};
        for (int i = 0; i < 48; i++) v = spec.conv(v, w, true, ConvParams.of(3, 3, 1, 1, 1, 1), Activation.RELU);
        spec.output(v);
        InferenceProgram program = Nd4j.getBackend().compile(spec);
        INDArray x = Nd4j.rand(1L, shape).subi(0.5);
        INDArray[] weights = new INDArray[spec.nodes().size()], biases = new INDArray[spec.nodes().size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = Nd4j.rand(2L + i, w).subi(0.5).muli(0.05);
            biases[i] = Nd4j.zeros(DataType.FLOAT, 64);
        }
        Thread worker = new Thread(() -> {
            while (true) program.run(new INDArray[]{x}, weights, biases)[0].close();
        }, "native-worker");
        worker.setDaemon(true);
        worker.start();
        // wait until the worker is inside the native program run, then end the JVM under it
        while (true) {
            StackTraceElement[] st = worker.getStackTrace();
            if (st.length > 0 && st[0].isNativeMethod() && st[0].getMethodName().equals("programRun")) break;
            Thread.sleep(5);
        }
        Thread.sleep(50);
        System.out.println("ENDING " + args[0]);
        System.out.flush();
        switch (args[0]) {
            case "halt" -> Runtime.getRuntime().halt(3);
            case "sigterm" -> {   // what a time limit (timeout, a CI job) sends: the JVM exits with 128 + 15
                new ProcessBuilder("kill", "-TERM", Long.toString(ProcessHandle.current().pid())).inheritIO().start().waitFor();
                Thread.sleep(60_000);
            }
            default -> System.exit(3);
        }
    }

    // ---------------------------------------------------------------- the tests

    @BeforeClass
    public static void buildShim() throws Exception {
        dir = Files.createTempDirectory("pydl4j-exit-stall-");
        Path src = dir.resolve("stall.c");
        Files.writeString(src, String.join("\n",
                "#include <stdlib.h>",
                "#include <unistd.h>",
                "static void stall(void) { usleep(1500000); }",
                // registered before any library's static destructors: runs after all of them
                "__attribute__((constructor)) static void init(void) { atexit(stall); }",
                // the preloaded library is finalized last: runs after oneDNN's and OpenBLAS's finalizers
                "__attribute__((destructor)) static void fini(void) { usleep(1500000); }", ""));
        shim = dir.resolve("libstall.so");
        Process cc = new ProcessBuilder("g++", "-x", "c", "-shared", "-fPIC", "-O2", "-o", shim.toString(), src.toString())
                .redirectErrorStream(true).start();
        String out = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("g++ (make setup installs it) builds the exit-stall shim: " + out, 0, cc.waitFor());
    }

    @AfterClass
    public static void removeShim() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {   // the shim, and crash reports of a failed run
            for (Path f : (Iterable<Path>) files::iterator) Files.deleteIfExists(f);
        }
        Files.deleteIfExists(dir);
    }

    static String runChild(String mode, int expectedStatus) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"),
                "-cp", System.getProperty("java.class.path")));
        if (System.getProperty("pydl4j.native.dir") != null) cmd.add("-Dpydl4j.native.dir=" + System.getProperty("pydl4j.native.dir"));
        cmd.add(NativeShutdownTest.class.getName());
        cmd.add(mode);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        String preload = System.getenv("LD_PRELOAD");   // keeps a sanitizer runtime (make test-asan) first
        pb.environment().put("LD_PRELOAD", preload == null || preload.isEmpty() ? shim.toString() : preload + ":" + shim);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue("child JVM hung:\n" + out, p.waitFor(180, TimeUnit.SECONDS));
        assertFalse("the JVM crashed while exiting during a native op:\n" + out, out.contains("A fatal error has been detected"));
        assertTrue(out, out.contains("ENDING " + mode));
        assertEquals("child JVM (" + mode + ") exit status; its output:\n" + out, expectedStatus, p.exitValue());
        return out;
    }

    /** System.exit while a program runs in another thread. */
    @Test
    public void exitDuringAProgramRun() throws Exception { runChild("exit", 3); }

    /** SIGTERM (a time limit ending the run, as in issue 11's crashed runs) while a program runs. */
    @Test
    public void sigtermDuringAProgramRun() throws Exception { runChild("sigterm", 143); }

    /** Runtime.halt skips shutdown hooks: the native library's own state must still outlive exit(). */
    @Test
    public void haltDuringAProgramRun() throws Exception { runChild("halt", 3); }
}
