package org.pydl4j.nd.backend.cpu;

/**
 * Closes the native library's call gate when the JVM shuts down (issue 11). The JVM ends with exit(), which runs the
 * native libraries' destructors and finalizers (oneDNN, OpenBLAS) while other threads may still be inside a native
 * op; such an op crashed the JVM (System.exit, SIGTERM from a time limit, the end of main with a daemon thread
 * computing). The hook runs before that: native calls started afterwards fail with IllegalStateException, and it
 * waits for the calls in flight to return (at most {@link #WAIT_MILLIS}, so a stuck op cannot hang the exit).
 */
final class CpuShutdownGate {
    static final long WAIT_MILLIS = 60_000;
    private static boolean installed;

    private CpuShutdownGate() {}

    /** Registers the hook once per JVM; call after the library loaded. */
    static synchronized void install() {
        if (installed) return;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!CpuNative.quiesce(WAIT_MILLIS)) {
                System.err.println("pydl4j: a native cpu op still runs " + WAIT_MILLIS / 1000 + " s after the JVM began to exit");
            }
        }, "pydl4j-cpu-shutdown-gate"));
        installed = true;
    }
}
