package org.pydl4j.util.json;

import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps configuration objects to JSON trees and back by reflection over their (non-static, non-transient) fields,
 * superclass fields first. Objects carry their stable type name ({@link TypeNames}) in a {@code "@type"} member so
 * that polymorphic fields (a layer, a vertex, an updater) read back as the right type. Files written before type
 * names (format 1) carry {@code "@class"} Java class names instead: those are still read, but only for classes
 * of this library ({@code org.pydl4j.}) that fit the expected type. Classes need a no-argument constructor.
 */
public final class JsonMapper {
    private JsonMapper() {}

    /** Format 1 (legacy): the Java class name. Read, and written only for a class without a type name. */
    public static final String CLASS_KEY = "@class";
    /** The stable type name ({@link TypeNames}). */
    public static final String TYPE_KEY = "@type";
    private static final String OWN_PACKAGE = "org.pydl4j.";

    /** JSON text of an object. */
    public static String toJson(Object o) { return Json.write(toTree(o)); }

    /** Reads JSON text written by {@link #toJson} as the expected type. */
    public static <T> T fromJson(String json, Class<T> expected) {
        Object v = readValue(Json.parse(json), expected);
        if (v != null && !expected.isInstance(v)) {
            throw new IllegalArgumentException("JSON holds a " + v.getClass().getName() + ", expected " + expected.getName());
        }
        return expected.cast(v);
    }

    /** A deep copy through the JSON tree (no text in between). */
    @SuppressWarnings("unchecked")
    public static <T> T deepCopy(T o) {
        if (o == null) return null;
        return (T) readValue(toTree(o), o.getClass());
    }

    // ---------------------------------------------------------------- object -> tree

    public static Object toTree(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean) return v;
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Double.isFinite(d) ? (Object) d : (Object) Double.toString(d);
        }
        if (v instanceof Number) return ((Number) v).longValue();
        if (v instanceof Character) return v.toString();
        if (v instanceof Enum) return ((Enum<?>) v).name();
        if (v.getClass().isArray()) {
            List<Object> l = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) l.add(toTree(Array.get(v, i)));
            return l;
        }
        if (v instanceof Collection) {
            List<Object> l = new ArrayList<>();
            for (Object x : (Collection<?>) v) l.add(toTree(x));
            return l;
        }
        if (v instanceof Map) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) m.put(String.valueOf(e.getKey()), toTree(e.getValue()));
            return m;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        String type = TypeNames.nameOf(v.getClass());
        if (type != null) m.put(TYPE_KEY, type); else m.put(CLASS_KEY, v.getClass().getName());
        for (Field f : fields(v.getClass())) {
            try {
                m.put(f.getName(), toTree(f.get(v)));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read field " + f, e);
            }
        }
        return m;
    }

    private static List<Field> fields(Class<?> c) {
        List<Field> out = new ArrayList<>();
        if (c == null || c == Object.class) return out;
        out.addAll(fields(c.getSuperclass()));
        for (Field f : c.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (Modifier.isStatic(mod) || Modifier.isTransient(mod) || f.isSynthetic()) continue;
            f.setAccessible(true);
            out.add(f);
        }
        return out;
    }

    // ---------------------------------------------------------------- tree -> object

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Object readValue(Object json, Type type) {
        Class<?> raw = rawClass(type);
        if (json == null) {
            if (raw.isPrimitive()) throw new IllegalArgumentException("null for primitive " + raw);
            return null;
        }
        if (raw == String.class) return json.toString();
        if (raw == double.class || raw == Double.class) return toDouble(json);
        if (raw == float.class || raw == Float.class) return (float) toDouble(json);
        if (raw == int.class || raw == Integer.class) return (int) toLong(json);
        if (raw == long.class || raw == Long.class) return toLong(json);
        if (raw == short.class || raw == Short.class) return (short) toLong(json);
        if (raw == byte.class || raw == Byte.class) return (byte) toLong(json);
        if (raw == boolean.class || raw == Boolean.class) return (Boolean) json;
        if (raw == char.class || raw == Character.class) return json.toString().charAt(0);
        if (raw.isEnum()) {
            try {
                return Enum.valueOf((Class<? extends Enum>) raw, json.toString());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown " + raw.getSimpleName() + " value '" + json + "'");
            }
        }
        if (raw.isArray()) {
            List<Object> l = (List<Object>) json;
            Object arr = Array.newInstance(raw.getComponentType(), l.size());
            for (int i = 0; i < l.size(); i++) Array.set(arr, i, readValue(l.get(i), raw.getComponentType()));
            return arr;
        }
        if (Collection.class.isAssignableFrom(raw)) {
            Type elem = typeArg(type, 0);
            List<Object> out = new ArrayList<>();
            for (Object x : (List<Object>) json) out.add(readValue(x, elem));
            return out;
        }
        if (Map.class.isAssignableFrom(raw)) {
            Type val = typeArg(type, 1);
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : ((Map<String, Object>) json).entrySet()) out.put(e.getKey(), readValue(e.getValue(), val));
            return out;
        }
        if (json instanceof Map && (((Map<String, Object>) json).containsKey(TYPE_KEY) || ((Map<String, Object>) json).containsKey(CLASS_KEY))) {
            return readObject((Map<String, Object>) json, raw);
        }
        if (raw == Object.class) {
            if (json instanceof List) return readValue(json, List.class);
            if (json instanceof Map) return readValue(json, Map.class);
            return json;
        }
        throw new IllegalArgumentException("cannot read " + Json.writeCompact(json) + " as " + raw.getName());
    }

    private static Object readObject(Map<String, Object> m, Class<?> expected) {
        Class<?> c = typeOf(m, expected);
        String name = c.getName();
        Object o;
        try {
            Constructor<?> k = c.getDeclaredConstructor();
            k.setAccessible(true);
            o = k.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("cannot create " + name + " (needs a no-argument constructor)", e);
        }
        for (Field f : fields(c)) {
            if (!m.containsKey(f.getName())) continue;
            try {
                f.set(o, readValue(m.get(f.getName()), f.getGenericType()));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot set field " + f, e);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("field '" + f.getName() + "' of " + c.getSimpleName() + ": " + e.getMessage(), e);
            }
        }
        return o;
    }

    /** The class an object's "@type" (or legacy "@class") names; anything unknown or unexpected is refused. */
    private static Class<?> typeOf(Map<String, Object> m, Class<?> expected) {
        Object type = m.get(TYPE_KEY);
        Class<?> c;
        if (type != null) {
            c = TypeNames.classOf(String.valueOf(type));
            if (c == null) throw new IllegalArgumentException("unknown type '" + type + "' in JSON (a newer library's file, or a layer kind not registered)");
        } else {
            String name = String.valueOf(m.get(CLASS_KEY));
            if (!name.startsWith(OWN_PACKAGE)) throw new IllegalArgumentException("JSON names class '" + name + "', which is not one of this library's");
            try {
                c = Class.forName(name, false, JsonMapper.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("unknown class '" + name + "' in JSON", e);
            }
        }
        if (!expected.isAssignableFrom(c)) throw new IllegalArgumentException("JSON type " + (type != null ? type : c.getName()) + " is not a " + expected.getName());
        return c;
    }

    private static double toDouble(Object json) {
        if (json instanceof Number) return ((Number) json).doubleValue();
        return Double.parseDouble(json.toString());
    }

    private static long toLong(Object json) {
        if (json instanceof Long || json instanceof Integer) return ((Number) json).longValue();
        double d = toDouble(json);
        if (d != Math.rint(d)) throw new IllegalArgumentException("expected an integer, got " + json);
        return (long) d;
    }

    private static Class<?> rawClass(Type t) {
        if (t instanceof Class) return (Class<?>) t;
        if (t instanceof ParameterizedType) return (Class<?>) ((ParameterizedType) t).getRawType();
        return Object.class;
    }

    private static Type typeArg(Type t, int i) {
        if (t instanceof ParameterizedType) {
            Type[] args = ((ParameterizedType) t).getActualTypeArguments();
            if (i < args.length) return args[i];
        }
        return Object.class;
    }
}
