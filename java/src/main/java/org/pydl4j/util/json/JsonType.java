package org.pydl4j.util.json;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The declared fields of one configuration class, written once and used for everything: saving (JSON keys in
 * declaration order, superclass fields first), reading back (unknown and missing fields are errors naming the field
 * and the type; values are checked by their codec), and value semantics (field-wise equals and hashCode, clone as a
 * deep copy). A class declares its type as a static constant, extending its superclass's declaration:
 * <pre>
 * static final JsonType&lt;Sgd&gt; JSON = BaseLearningRateConfig.JSON.extend(Sgd.class, Sgd::new).build();
 * </pre>
 * Building a concrete type (one with a factory) makes it the declaration of that exact class ({@link #of(Class)});
 * its saved type name is declared with it ({@link Builder#named}, registered in {@link TypeNames}), except for
 * layers, whose LayerKind names them. No reflection: renaming a Java field cannot change a
 * file, and a field not declared here is neither saved nor compared (a test checks every saved class declares all
 * its fields).
 *
 * @param <T> the declared class
 */
public final class JsonType<T> {
    private static final Map<Class<?>, JsonType<?>> BY_CLASS = new ConcurrentHashMap<>();

    private final Class<T> type;
    private final Supplier<T> factory;
    private final List<JsonField<? super T, ?>> fields;
    private final List<Consumer<? super T>> checks;

    private JsonType(Class<T> type, Supplier<T> factory, List<JsonField<? super T, ?>> fields, List<Consumer<? super T>> checks) {
        this.type = type;
        this.factory = factory;
        this.fields = Collections.unmodifiableList(new ArrayList<>(fields));
        this.checks = Collections.unmodifiableList(new ArrayList<>(checks));
    }

    /** Starts the declaration of a concrete class (made with factory, then its fields set). */
    public static <T> Builder<T> declare(Class<T> type, Supplier<T> factory) { return new Builder<>(type, Objects.requireNonNull(factory, "factory"), List.of(), List.of()); }

    /** Starts the declaration of an abstract class: its fields, for subclasses to extend. */
    public static <T> Builder<T> declareAbstract(Class<T> type) { return new Builder<>(type, null, List.of(), List.of()); }

    /** A concrete subclass's declaration: this type's fields first, then the ones added. */
    public <S extends T> Builder<S> extend(Class<S> sub, Supplier<S> factory) { return new Builder<S>(sub, Objects.requireNonNull(factory, "factory"), fields, checks); }

    /** An abstract subclass's declaration. */
    public <S extends T> Builder<S> extendAbstract(Class<S> sub) { return new Builder<S>(sub, null, fields, checks); }

    /** The declaration of exactly this class, or null when it has none (its class not loaded yet counts as none). */
    @SuppressWarnings("unchecked")
    public static <C> JsonType<C> ofExactly(Class<C> c) { return (JsonType<C>) BY_CLASS.get(c); }

    /** The declaration of a class or, for a subclass that declares nothing of its own, of its nearest declared superclass. */
    @SuppressWarnings("unchecked")
    public static <C> JsonType<? super C> of(Class<C> c) {
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            JsonType<?> t = BY_CLASS.get(k);
            if (t != null) return (JsonType<? super C>) t;
        }
        throw new IllegalStateException(c.getName() + " declares no JSON fields (a static JsonType built with JsonType.declare/extend)");
    }

    public Class<T> javaClass() { return type; }

    /** A new object with the values of the class's no-argument constructor (unchecked: see {@link Builder#check}). */
    public T create() {
        if (factory == null) throw new IllegalStateException(type.getName() + " is abstract");
        return factory.get();
    }

    public boolean isAbstract() { return factory == null; }

    /** The declared fields, superclass fields first. */
    public List<JsonField<? super T, ?>> fields() { return fields; }

    // ---------------------------------------------------------------- the uses

    /** The fields of o as a JSON object, in declaration order (no type member: see {@link JsonCodecs#object}). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Map<String, Object> write(T o) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (JsonField f : fields) {
            try {
                m.put(f.key(), f.write(o));
            } catch (JsonFieldException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new JsonFieldException(type.getSimpleName() + "." + f.key(), e.getMessage());
            }
        }
        return m;
    }

    /**
     * A new object from a JSON object's fields. Every key must be a declared field (or one of ignoredKeys), every
     * declared field must be present unless optional or the file is of a legacy format; where names the object in
     * errors.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public T read(Map<String, Object> m, JsonPath where, Set<String> ignoredKeys) {
        if (factory == null) throw where.error(type.getSimpleName() + " is abstract and cannot be read");
        Set<String> known = new HashSet<>(ignoredKeys);
        for (JsonField<? super T, ?> f : fields) known.add(f.key());
        for (String k : m.keySet()) {
            if (!known.contains(k)) throw where.error("unknown field '" + k + "' (" + type.getSimpleName() + " has " + keys() + ")");
        }
        T o = factory.get();
        for (JsonField f : fields) {
            if (m.containsKey(f.key())) {
                f.read(o, m.get(f.key()), where.field(f.key()));
            } else if (!f.optional() && !where.legacy()) {
                throw where.error("missing field '" + f.key() + "' of " + type.getSimpleName());
            }
        }
        for (Consumer<? super T> c : checks) {
            try {
                c.accept(o);
            } catch (JsonFieldException e) {
                throw e;
            } catch (RuntimeException e) {   // what the class's constructor would have refused
                throw where.error(String.valueOf(e.getMessage()));
            }
        }
        return o;
    }

    /** Field-wise equality (a and b of this type). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public boolean same(T a, T b) {
        for (JsonField f : fields) if (!f.same(a, b)) return false;
        return true;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public int hash(T o) {
        int h = type.getName().hashCode();
        for (JsonField f : fields) h = 31 * h + f.hash(o);
        return h;
    }

    /** A deep copy: a new object with every declared field copied (what is not declared keeps the constructor's value). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public T copy(T o) {
        if (factory == null) throw new IllegalStateException(type.getName() + " is abstract and cannot be copied");
        T c = factory.get();
        for (JsonField f : fields) f.copy(o, c);
        return c;
    }

    private List<String> keys() {
        List<String> k = new ArrayList<>();
        for (JsonField<? super T, ?> f : fields) k.add(f.key());
        return k;
    }

    // ---------------------------------------------------------------- value semantics of any declared object

    /** Same class and every declared field the same. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static boolean valueEquals(Object a, Object b) {
        if (a == b) return true;
        if (a == null || b == null || a.getClass() != b.getClass()) return false;
        return ((JsonType) of(a.getClass())).same(a, b);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static int valueHash(Object o) { return o == null ? 0 : ((JsonType) of(o.getClass())).hash(o); }

    /** A deep copy of a declared object, of the same class (a subclass without a declaration of its own is an error). */
    @SuppressWarnings("unchecked")
    public static <C> C valueCopy(C o) {
        if (o == null) return null;
        JsonType<C> t = (JsonType<C>) ofExactly(o.getClass());
        if (t == null) throw new IllegalStateException(o.getClass().getName() + " declares no JSON fields of its own and cannot be copied as itself");
        return t.copy(o);
    }

    /** The declared fields of a declared object as a JSON object (no type member), for formats that name types their own way. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Map<String, Object> fieldsOf(Object o) { return ((JsonType) of(o.getClass())).write(o); }

    /** "SimpleName{field: value, ...}" on one line. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static String valueString(Object o) {
        if (o == null) return "null";
        return o.getClass().getSimpleName() + Json.writeCompact(((JsonType) of(o.getClass())).write(o));
    }

    // ---------------------------------------------------------------- declaring

    /** Collects the fields of a declaration. */
    public static final class Builder<T> {
        private final Class<T> type;
        private final Supplier<T> factory;
        private final List<JsonField<? super T, ?>> fields = new ArrayList<>();
        private final List<Consumer<? super T>> checks = new ArrayList<>();
        private String name;

        private Builder(Class<T> type, Supplier<T> factory, List<? extends JsonField<? super T, ?>> inherited,
                        List<? extends Consumer<? super T>> inheritedChecks) {
            this.type = Objects.requireNonNull(type, "type");
            this.factory = factory;
            fields.addAll(inherited);
            checks.addAll(inheritedChecks);
        }

        /**
         * A check run on every object read, after its fields are set (reading does not go through the class's
         * constructors): it throws what the constructor would for values that fit their codecs but not each other.
         */
        public Builder<T> check(Consumer<? super T> check) {
            checks.add(Objects.requireNonNull(check, "check"));
            return this;
        }

        /**
         * The stable name the type is saved under ({@code "@type"}), registered in {@link TypeNames} when the class is
         * loaded. Layer kinds leave it out: their LayerKind carries the name.
         */
        public Builder<T> named(String name) {
            if (factory == null) throw new IllegalArgumentException(type.getName() + " is abstract: only concrete types have saved names");
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** A required field: a file without it is refused. */
        public <V> Builder<T> field(String key, JsonCodec<V> codec, Function<? super T, V> get, BiConsumer<? super T, V> set) {
            return add(new JsonField<>(key, codec, get, set, false));
        }

        /** A field added after files were written without it: when absent, the constructor's value stays. */
        public <V> Builder<T> optionalField(String key, JsonCodec<V> codec, Function<? super T, V> get, BiConsumer<? super T, V> set) {
            return add(new JsonField<>(key, codec, get, set, true));
        }

        private Builder<T> add(JsonField<? super T, ?> f) {
            for (JsonField<? super T, ?> g : fields) {
                if (g.key().equals(f.key())) throw new IllegalArgumentException(type.getName() + " declares JSON field '" + f.key() + "' twice");
            }
            fields.add(f);
            return this;
        }

        /** The declaration; a concrete one becomes the declaration of its class (and its name's, when named). */
        public JsonType<T> build() {
            JsonType<T> t = new JsonType<>(type, factory, fields, checks);
            if (factory != null) {
                JsonType<?> had = BY_CLASS.putIfAbsent(type, t);
                if (had != null) throw new IllegalStateException(type.getName() + " is declared twice");
            }
            if (name != null) TypeNames.register(name, t);
            return t;
        }
    }
}
