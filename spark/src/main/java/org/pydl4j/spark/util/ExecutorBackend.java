package org.pydl4j.spark.util;

import org.pydl4j.nd.Nd4j;

/**
 * Makes an executor JVM compute with the driver's backend (reference, cpu, cuda), so distributed and local results
 * agree. The native library is extracted and loaded once per JVM by the engine's NativeLoader.
 */
public final class ExecutorBackend {
    private ExecutorBackend() {}

    /** The backend the calling JVM computes with now. */
    public static String current() { return Nd4j.getBackend().name(); }

    /** Selects {@code name} in this JVM unless it is in use already (null: the engine's default). */
    public static synchronized void ensure(String name) {
        if (name != null && !name.equals(current())) Nd4j.setBackend(name);
    }
}
