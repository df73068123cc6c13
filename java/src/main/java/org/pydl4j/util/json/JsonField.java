package org.pydl4j.util.json;

import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One declared field of a configuration type: its JSON key (fixed here, independent of the Java field's name), its
 * codec, and how to get and set it. Optional fields (added after files were already written) may be absent in a
 * file: the object then keeps the value its no-argument constructor gave.
 *
 * @param <T> the declaring type
 * @param <V> the value type
 */
public record JsonField<T, V>(String key, JsonCodec<V> codec, Function<? super T, V> getter, BiConsumer<? super T, V> setter, boolean optional) {
    public JsonField {
        if (key == null || !key.matches("[A-Za-z][A-Za-z0-9_]*")) throw new IllegalArgumentException("JSON field key must be an identifier, got '" + key + "'");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(getter, "getter");
        Objects.requireNonNull(setter, "setter");
    }

    Object write(T o) { return codec.write(getter.apply(o)); }

    void read(T o, Object json, JsonPath where) { setter.accept(o, codec.read(json, where)); }

    boolean same(T a, T b) { return codec.same(getter.apply(a), getter.apply(b)); }

    int hash(T o) { return codec.hash(getter.apply(o)); }

    void copy(T from, T to) { setter.accept(to, codec.copy(getter.apply(from))); }
}
