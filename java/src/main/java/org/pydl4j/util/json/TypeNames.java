package org.pydl4j.util.json;

import java.util.HashMap;
import java.util.Map;

/**
 * Stable names for the configuration types saved polymorphically ({@code "@type": "Convolution"}), so that saved
 * files never name Java classes: a class can be renamed or moved without breaking files already written. Each name
 * stands for a declared {@link JsonType}. The layers above register their types (nn.conf.ConfigTypes,
 * nn.conf.layers.LayerKinds). Files written before type names (format 1) name Java classes ({@code "@class"}):
 * those resolve only to registered classes. Thread-safe.
 */
public final class TypeNames {
    private TypeNames() {}

    private static final Map<String, JsonType<?>> BY_NAME = new HashMap<>();
    private static final Map<Class<?>, String> BY_CLASS = new HashMap<>();
    private static final Map<String, JsonType<?>> BY_JAVA_NAME = new HashMap<>();

    /** Registers a name for a concrete declared type; re-registering the same pair is a no-op, a clash is an error. */
    public static synchronized void register(String name, JsonType<?> type) {
        if (type.isAbstract()) throw new IllegalArgumentException("type name '" + name + "': " + type.javaClass().getName() + " is abstract");
        Class<?> c = type.javaClass();
        JsonType<?> had = BY_NAME.get(name);
        String hadName = BY_CLASS.get(c);
        if ((had != null && had != type) || (hadName != null && !hadName.equals(name))) {
            throw new IllegalArgumentException("type name '" + name + "' for " + c.getName() + " clashes with "
                    + (had != null ? had.javaClass().getName() : "'" + hadName + "'"));
        }
        BY_NAME.put(name, type);
        BY_CLASS.put(c, name);
        BY_JAVA_NAME.put(c.getName(), type);
    }

    /** Every registered name and its type, sorted by name. */
    public static synchronized java.util.SortedMap<String, JsonType<?>> all() { return new java.util.TreeMap<>(BY_NAME); }

    /** The name of a class, or null when it has none. */
    public static synchronized String nameOf(Class<?> type) { return BY_CLASS.get(type); }

    /** The declared type of a name, or null when it is unknown. */
    public static synchronized JsonType<?> typeNamed(String name) { return BY_NAME.get(name); }

    /** The type a JSON object names by "@type" (or, format 1, "@class"); unknown names are errors naming where. */
    static synchronized JsonType<?> typeIn(Map<String, Object> m, JsonPath where) {
        Object name = m.get(JsonMapper.TYPE_KEY);
        if (name != null) {
            JsonType<?> t = name instanceof String ? BY_NAME.get(name) : null;
            if (t == null) throw where.error("unknown type '" + JsonCodecs.plain(name) + "' (a newer library's file, or a layer kind not registered)");
            return t;
        }
        Object cls = m.get(JsonMapper.CLASS_KEY);
        if (cls == null) throw where.error("object names no type (\"" + JsonMapper.TYPE_KEY + "\")");
        JsonType<?> t = cls instanceof String ? BY_JAVA_NAME.get(cls) : null;
        if (t == null) throw where.error("JSON names class '" + JsonCodecs.plain(cls) + "', which is not a saved type of this library");
        return t;
    }
}
