package org.pydl4j.util.json;

import java.util.HashMap;
import java.util.Map;

/**
 * Stable names for the classes {@link JsonMapper} writes polymorphically ({@code "@type": "Convolution"}), so that
 * saved files never name Java classes: a class can be renamed or moved without breaking files already written.
 * The layers above register their types (nn.conf.ConfigTypes, nn.conf.layers.LayerKinds). Thread-safe.
 */
public final class TypeNames {
    private TypeNames() {}

    private static final Map<String, Class<?>> BY_NAME = new HashMap<>();
    private static final Map<Class<?>, String> BY_CLASS = new HashMap<>();

    /** Registers a name for a class; re-registering the same pair is a no-op, a clash is an error. */
    public static synchronized void register(String name, Class<?> type) {
        Class<?> had = BY_NAME.get(name);
        String hadName = BY_CLASS.get(type);
        if ((had != null && had != type) || (hadName != null && !hadName.equals(name))) {
            throw new IllegalArgumentException("type name '" + name + "' for " + type.getName() + " clashes with "
                    + (had != null ? had.getName() : "'" + hadName + "'"));
        }
        BY_NAME.put(name, type);
        BY_CLASS.put(type, name);
    }

    /** The name of a class, or null when it has none. */
    public static synchronized String nameOf(Class<?> type) { return BY_CLASS.get(type); }

    /** The class of a name, or null when it is unknown. */
    public static synchronized Class<?> classOf(String name) { return BY_NAME.get(name); }
}
