package org.pydl4j.common.primitives;

import java.util.Objects;

/** Two values, as ND4J's {@code org.nd4j.common.primitives.Pair} (first/second, also key/value and left/right). */
public class Pair<K, V> {
    private K key;
    private V value;

    public Pair() {}

    public Pair(K key, V value) { this.key = key; this.value = value; }

    public static <T, E> Pair<T, E> of(T key, E value) { return new Pair<>(key, value); }

    public static <T, E> Pair<T, E> makePair(T key, E value) { return new Pair<>(key, value); }

    public static <T, E> Pair<T, E> create(T key, E value) { return new Pair<>(key, value); }

    public static <T, E> Pair<T, E> pairOf(T key, E value) { return new Pair<>(key, value); }

    public K getKey() { return key; }
    public V getValue() { return value; }
    public K getFirst() { return key; }
    public V getSecond() { return value; }
    public K getLeft() { return key; }
    public V getRight() { return value; }
    public void setKey(K k) { this.key = k; }
    public void setValue(V v) { this.value = v; }
    public void setFirst(K k) { this.key = k; }
    public void setSecond(V v) { this.value = v; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pair && Objects.equals(key, ((Pair<?, ?>) o).key) && Objects.equals(value, ((Pair<?, ?>) o).value);
    }

    @Override public int hashCode() { return Objects.hash(key, value); }

    @Override public String toString() { return "Pair{key=" + key + ", value=" + value + "}"; }
}
