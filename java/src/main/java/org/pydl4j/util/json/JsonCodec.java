package org.pydl4j.util.json;

/**
 * How one kind of configuration value (a number, an enum, an array, a nested configuration object) is written to a
 * JSON tree, read back from one (refusing what does not fit, naming where), compared, hashed and deep-copied. Each
 * declared field of a {@link JsonType} has one; the built-in ones are in {@link JsonCodecs}.
 *
 * @param <V> the Java type of the value
 */
public interface JsonCodec<V> {
    /** The JSON tree of a value ({@link Json}'s value classes). */
    Object write(V value);

    /** The value of a JSON tree; anything that does not fit is a {@link JsonFieldException} naming where. */
    V read(Object json, JsonPath where);

    /** Value equality (arrays by content, nested objects field by field). */
    boolean same(V a, V b);

    int hash(V value);

    /** A copy that shares nothing mutable with the value. */
    V copy(V value);
}
