package org.pydl4j.util.json;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The codecs configuration fields are declared with. Reading is strict: a number must be a JSON number of the
 * declared kind (finite, integral where an integer is declared, in range), enums must name a constant, arrays and
 * collections are capped at {@link #MAX_ELEMENTS}, nested objects must name a registered type of the declared base.
 */
public final class JsonCodecs {
    private JsonCodecs() {}

    /** The most elements an array, list or map in a configuration may have. */
    public static final int MAX_ELEMENTS = 1 << 20;
    /** The largest size (nIn, nOut, height, channels, ...) a configuration may declare. */
    public static final long MAX_SIZE = Integer.MAX_VALUE;

    /** A codec of immutable values: equality by equals, copies are the value itself. */
    private abstract static class Immutable<V> implements JsonCodec<V> {
        @Override public boolean same(V a, V b) { return Objects.equals(a, b); }
        @Override public int hash(V v) { return Objects.hashCode(v); }
        @Override public V copy(V v) { return v; }
    }

    private static double finite(Object json, JsonPath where) {
        if (!(json instanceof Long || json instanceof Double)) throw where.error("expected a number, got " + describe(json));
        double d = ((Number) json).doubleValue();
        if (!Double.isFinite(d)) throw where.error("not a finite number: " + d);
        return d;
    }

    private static long integral(Object json, JsonPath where, long min, long max) {
        if (!(json instanceof Long)) throw where.error("expected an integer, got " + describe(json));
        long v = (Long) json;
        if (v < min || v > max) throw where.error(v + " is out of range [" + min + ", " + max + "]");
        return v;
    }

    private static Object checkedDouble(double d) {
        if (!Double.isFinite(d)) throw new IllegalArgumentException("cannot save a non-finite number (" + d + ")");
        return d;
    }

    static String describe(Object json) {
        String s = json == null ? "null" : Json.writeCompact(json);
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** A name from a file as it reads (a string unquoted), cut short. */
    static String plain(Object json) {
        if (!(json instanceof String)) return describe(json);
        String s = (String) json;
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private static <V> V notNull(Object json, JsonPath where, Function<Object, V> read) {
        if (json == null) throw where.error("must not be null");
        return read.apply(json);
    }

    /** A finite double, not null. */
    public static final JsonCodec<Double> DOUBLE = new Immutable<>() {
        @Override public Object write(Double v) { return checkedDouble(v); }
        @Override public Double read(Object json, JsonPath where) { return notNull(json, where, j -> finite(j, where)); }
    };

    /** A finite double or null (a setting left to the network default). */
    public static final JsonCodec<Double> NULLABLE_DOUBLE = new Immutable<>() {
        @Override public Object write(Double v) { return v == null ? null : checkedDouble(v); }
        @Override public Double read(Object json, JsonPath where) { return json == null ? null : finite(json, where); }
    };

    /** An int, not null. */
    public static final JsonCodec<Integer> INT = new Immutable<>() {
        @Override public Object write(Integer v) { return (long) v; }
        @Override public Integer read(Object json, JsonPath where) { return notNull(json, where, j -> (int) integral(j, where, Integer.MIN_VALUE, Integer.MAX_VALUE)); }
    };

    /** A long, not null. */
    public static final JsonCodec<Long> LONG = new Immutable<>() {
        @Override public Object write(Long v) { return v; }
        @Override public Long read(Object json, JsonPath where) { return notNull(json, where, j -> integral(j, where, Long.MIN_VALUE, Long.MAX_VALUE)); }
    };

    /** A size (nIn, nOut, height, width, channels): 0 (not set yet) to {@link #MAX_SIZE}. */
    public static final JsonCodec<Long> SIZE = new Immutable<>() {
        @Override public Object write(Long v) { return v; }
        @Override public Long read(Object json, JsonPath where) { return notNull(json, where, j -> integral(j, where, 0, MAX_SIZE)); }
    };

    /** A non-negative int count (iterations, epochs, trials, block sizes). */
    public static final JsonCodec<Integer> COUNT = new Immutable<>() {
        @Override public Object write(Integer v) { return (long) v; }
        @Override public Integer read(Object json, JsonPath where) { return notNull(json, where, j -> (int) integral(j, where, 0, Integer.MAX_VALUE)); }
    };

    public static final JsonCodec<Boolean> BOOLEAN = new Immutable<>() {
        @Override public Object write(Boolean v) { return v; }
        @Override public Boolean read(Object json, JsonPath where) {
            if (!(json instanceof Boolean)) throw where.error("expected true or false, got " + describe(json));
            return (Boolean) json;
        }
    };

    /** A string or null. */
    public static final JsonCodec<String> STRING = new Immutable<>() {
        @Override public Object write(String v) { return v; }
        @Override public String read(Object json, JsonPath where) {
            if (json != null && !(json instanceof String)) throw where.error("expected a string, got " + describe(json));
            return (String) json;
        }
    };

    /** A codec of a declared Java type (an enum, a nested configuration's base class), so tools can ask which. */
    public interface Typed<V> extends JsonCodec<V> {
        Class<?> valueClass();
    }

    /** A codec of a collection (list or map) of elements of one codec. */
    public interface Elements<V> extends JsonCodec<V> {
        JsonCodec<?> element();
    }

    /** A constant of an enum (by name) or null. */
    public static <E extends Enum<E>> JsonCodec<E> enumOf(Class<E> type) {
        abstract class EnumCodec extends Immutable<E> implements Typed<E> {
            @Override public Class<?> valueClass() { return type; }
        }
        return new EnumCodec() {
            @Override public Object write(E v) { return v == null ? null : v.name(); }
            @Override public E read(Object json, JsonPath where) {
                if (json == null) return null;
                if (!(json instanceof String)) throw where.error("expected a " + type.getSimpleName() + " name, got " + describe(json));
                try {
                    return Enum.valueOf(type, (String) json);
                } catch (IllegalArgumentException e) {
                    throw where.error("unknown " + type.getSimpleName() + " value '" + plain(json) + "'");
                }
            }
        };
    }

    private static List<?> list(Object json, JsonPath where) {
        if (!(json instanceof List)) throw where.error("expected an array, got " + describe(json));
        List<?> l = (List<?>) json;
        if (l.size() > MAX_ELEMENTS) throw where.error(l.size() + " elements, more than " + MAX_ELEMENTS);
        return l;
    }

    /** An int array or null. */
    public static final JsonCodec<int[]> INT_ARRAY = new JsonCodec<>() {
        @Override public Object write(int[] v) {
            if (v == null) return null;
            List<Object> l = new ArrayList<>(v.length);
            for (int x : v) l.add((long) x);
            return l;
        }
        @Override public int[] read(Object json, JsonPath where) {
            if (json == null) return null;
            List<?> l = list(json, where);
            int[] a = new int[l.size()];
            for (int i = 0; i < a.length; i++) a[i] = (int) integral(l.get(i), where.index(i), Integer.MIN_VALUE, Integer.MAX_VALUE);
            return a;
        }
        @Override public boolean same(int[] a, int[] b) { return Arrays.equals(a, b); }
        @Override public int hash(int[] v) { return Arrays.hashCode(v); }
        @Override public int[] copy(int[] v) { return v == null ? null : v.clone(); }
    };

    /** An array of finite doubles or null. */
    public static final JsonCodec<double[]> DOUBLE_ARRAY = new JsonCodec<>() {
        @Override public Object write(double[] v) {
            if (v == null) return null;
            List<Object> l = new ArrayList<>(v.length);
            for (double x : v) l.add(checkedDouble(x));
            return l;
        }
        @Override public double[] read(Object json, JsonPath where) {
            if (json == null) return null;
            List<?> l = list(json, where);
            double[] a = new double[l.size()];
            for (int i = 0; i < a.length; i++) a[i] = finite(l.get(i), where.index(i));
            return a;
        }
        @Override public boolean same(double[] a, double[] b) { return Arrays.equals(a, b); }
        @Override public int hash(double[] v) { return Arrays.hashCode(v); }
        @Override public double[] copy(double[] v) { return v == null ? null : v.clone(); }
    };

    /** A list (or null) of elements of one codec; read back as an ArrayList. */
    public static <E> JsonCodec<List<E>> listOf(JsonCodec<E> element) {
        return new Elements<>() {
            @Override public JsonCodec<?> element() { return element; }
            @Override public Object write(List<E> v) {
                if (v == null) return null;
                List<Object> l = new ArrayList<>(v.size());
                for (E e : v) l.add(element.write(e));
                return l;
            }
            @Override public List<E> read(Object json, JsonPath where) {
                if (json == null) return null;
                List<?> l = list(json, where);
                List<E> out = new ArrayList<>(l.size());
                for (int i = 0; i < l.size(); i++) out.add(element.read(l.get(i), where.index(i)));
                return out;
            }
            @Override public boolean same(List<E> a, List<E> b) {
                if (a == b) return true;
                if (a == null || b == null || a.size() != b.size()) return false;
                for (int i = 0; i < a.size(); i++) if (!element.same(a.get(i), b.get(i))) return false;
                return true;
            }
            @Override public int hash(List<E> v) {
                if (v == null) return 0;
                int h = 1;
                for (E e : v) h = 31 * h + element.hash(e);
                return h;
            }
            @Override public List<E> copy(List<E> v) {
                if (v == null) return null;
                List<E> out = new ArrayList<>(v.size());
                for (E e : v) out.add(element.copy(e));
                return out;
            }
        };
    }

    /** A map (or null) from strings to elements of one codec, in order; read back as a LinkedHashMap. */
    public static <E> JsonCodec<LinkedHashMap<String, E>> mapOf(JsonCodec<E> element) {
        return new Elements<>() {
            @Override public JsonCodec<?> element() { return element; }
            @Override public Object write(LinkedHashMap<String, E> v) {
                if (v == null) return null;
                Map<String, Object> m = new LinkedHashMap<>();
                for (Map.Entry<String, E> e : v.entrySet()) m.put(e.getKey(), element.write(e.getValue()));
                return m;
            }
            @Override @SuppressWarnings("unchecked") public LinkedHashMap<String, E> read(Object json, JsonPath where) {
                if (json == null) return null;
                if (!(json instanceof Map)) throw where.error("expected an object, got " + describe(json));
                Map<String, Object> m = (Map<String, Object>) json;
                if (m.size() > MAX_ELEMENTS) throw where.error(m.size() + " entries, more than " + MAX_ELEMENTS);
                LinkedHashMap<String, E> out = new LinkedHashMap<>();
                for (Map.Entry<String, Object> e : m.entrySet()) out.put(e.getKey(), element.read(e.getValue(), where.field(e.getKey())));
                return out;
            }
            @Override public boolean same(LinkedHashMap<String, E> a, LinkedHashMap<String, E> b) {
                if (a == b) return true;
                if (a == null || b == null || a.size() != b.size()) return false;
                var ia = a.entrySet().iterator();
                var ib = b.entrySet().iterator();
                while (ia.hasNext()) {   // in order: the order of vertices is part of a configuration
                    Map.Entry<String, E> x = ia.next(), y = ib.next();
                    if (!x.getKey().equals(y.getKey()) || !element.same(x.getValue(), y.getValue())) return false;
                }
                return true;
            }
            @Override public int hash(LinkedHashMap<String, E> v) {
                if (v == null) return 0;
                int h = 1;
                for (Map.Entry<String, E> e : v.entrySet()) h = 31 * h + (e.getKey().hashCode() ^ element.hash(e.getValue()));
                return h;
            }
            @Override public LinkedHashMap<String, E> copy(LinkedHashMap<String, E> v) {
                if (v == null) return null;
                LinkedHashMap<String, E> out = new LinkedHashMap<>();
                for (Map.Entry<String, E> e : v.entrySet()) out.put(e.getKey(), element.copy(e.getValue()));
                return out;
            }
        };
    }

    private static final Set<String> TYPE_KEYS = Set.of(JsonMapper.TYPE_KEY, JsonMapper.CLASS_KEY);

    /**
     * A nested configuration object (or null) of any registered type assignable to base: written as its saved type
     * name ({@code "@type"}) and its declared fields; read from "@type" or, in format-1 files, "@class" naming a
     * registered class.
     */
    public static <B> JsonCodec<B> object(Class<B> base) {
        return new Typed<>() {
            @Override public Class<?> valueClass() { return base; }
            @Override @SuppressWarnings({"unchecked", "rawtypes"}) public Object write(B v) {
                if (v == null) return null;
                String name = TypeNames.nameOf(v.getClass());
                JsonType t = JsonType.ofExactly(v.getClass());
                if (name == null || t == null) throw new IllegalArgumentException(v.getClass().getName() + " has no saved type name (TypeNames.register) and cannot be saved");
                Map<String, Object> m = new LinkedHashMap<>();
                m.put(JsonMapper.TYPE_KEY, name);
                m.putAll(t.write(v));
                return m;
            }
            @Override @SuppressWarnings("unchecked") public B read(Object json, JsonPath where) {
                if (json == null) return null;
                if (!(json instanceof Map)) throw where.error("expected an object, got " + describe(json));
                Map<String, Object> m = (Map<String, Object>) json;
                JsonType<?> t = TypeNames.typeIn(m, where);
                if (!base.isAssignableFrom(t.javaClass())) throw where.error("type " + TypeNames.nameOf(t.javaClass()) + " is not a " + base.getSimpleName());
                return base.cast(t.read(m, where.typed(TypeNames.nameOf(t.javaClass())), TYPE_KEYS));
            }
            @Override public boolean same(B a, B b) { return JsonType.valueEquals(a, b); }
            @Override public int hash(B v) { return JsonType.valueHash(v); }
            @Override public B copy(B v) { return JsonType.valueCopy(v); }
        };
    }
}
