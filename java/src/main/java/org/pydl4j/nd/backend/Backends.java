package org.pydl4j.nd.backend;

import java.util.LinkedHashMap;
import java.util.Map;
import org.pydl4j.nd.backend.reference.ReferenceBackend;

/**
 * Chooses the backend: {@code -Dpydl4j.backend=NAME}, else the PYDL4J_BACKEND environment variable, else the
 * fastest one that loads (cuda, cpu, reference). Native backends are found by class name so that this class does
 * not depend on them being built.
 */
public final class Backends {
    private Backends() {}

    private static final Map<String, String> CLASSES = new LinkedHashMap<>();
    static {
        CLASSES.put("cuda", "org.pydl4j.nd.backend.cuda.CudaBackend");
        CLASSES.put("cpu", "org.pydl4j.nd.backend.cpu.CpuBackend");
        CLASSES.put("reference", ReferenceBackend.class.getName());
    }

    private static volatile Backend current;

    public static Backend current() {
        Backend b = current;
        if (b == null) {
            synchronized (Backends.class) {
                if (current == null) current = chooseDefault();
                b = current;
            }
        }
        return b;
    }

    /** Makes the named backend current; throws IllegalArgumentException saying why when it cannot load. */
    public static synchronized Backend select(String name) {
        current = load(name);
        return current;
    }

    /** Makes an existing backend instance current (for example a CudaBackend on a chosen device). */
    public static synchronized Backend use(Backend backend) {
        if (backend == null) throw new IllegalArgumentException("backend is null");
        current = backend;
        return backend;
    }

    /** Loads a backend by name without making it current. */
    public static Backend load(String name) {
        String key = name == null ? "" : name.trim().toLowerCase();
        String cls = CLASSES.get(key);
        if (cls == null) {
            throw new IllegalArgumentException("unknown backend '" + name + "': choose one of " + CLASSES.keySet());
        }
        try {
            return (Backend) Class.forName(cls).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("backend '" + key + "' is not part of this build", e);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable c = e.getCause();
            throw new IllegalArgumentException("backend '" + key + "' cannot load: " + c.getMessage(), c);
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new IllegalArgumentException("backend '" + key + "' cannot load: " + e, e);
        }
    }

    private static Backend chooseDefault() {
        String asked = System.getProperty("pydl4j.backend");
        if (asked == null || asked.isEmpty()) asked = System.getenv("PYDL4J_BACKEND");
        if (asked != null && !asked.isEmpty()) return load(asked);
        for (String name : CLASSES.keySet()) {
            try {
                return load(name);
            } catch (IllegalArgumentException e) {
                // not available here: try the next, slower one
            }
        }
        throw new IllegalStateException("no backend could be loaded");
    }
}
