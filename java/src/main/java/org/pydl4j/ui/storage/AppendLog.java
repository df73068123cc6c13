package org.pydl4j.ui.storage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An append-only list whose readers take no lock: a training thread appends (writers serialise among themselves)
 * while HTTP threads read, and a slow reader can never make an append wait. Elements live in fixed chunks that
 * never move; the chunk directory is replaced (never changed in place) when it grows, and {@code size} is
 * published last, so a reader that sees a size also sees every element below it.
 */
final class AppendLog<T> {
    private static final int CHUNK_BITS = 10, CHUNK = 1 << CHUNK_BITS;

    private volatile Object[][] chunks = new Object[4][];
    private volatile int size;

    synchronized void add(T value) {
        int n = size;
        if (n == Integer.MAX_VALUE) throw new IllegalStateException("AppendLog is full");
        int c = n >>> CHUNK_BITS;
        Object[][] dir = chunks;
        if (c == dir.length) {
            Object[][] grown = new Object[dir.length * 2][];
            System.arraycopy(dir, 0, grown, 0, dir.length);
            dir = grown;
        }
        if (dir[c] == null) dir[c] = new Object[CHUNK];
        dir[c][n & (CHUNK - 1)] = value;
        chunks = dir;
        size = n + 1;      // publishes the element (volatile write after the plain ones)
    }

    int size() { return size; }

    @SuppressWarnings("unchecked")
    T get(int index) {
        int n = size;
        if (index < 0 || index >= n) throw new IndexOutOfBoundsException("index " + index + ", size " + n);
        return (T) chunks[index >>> CHUNK_BITS][index & (CHUNK - 1)];
    }

    /** Up to {@code max} elements from {@code from} (an empty list past the end). */
    List<T> range(int from, int max) {
        int n = size;
        if (from < 0) throw new IndexOutOfBoundsException("from " + from);
        if (from >= n || max <= 0) return Collections.emptyList();
        int to = (int) Math.min(n, (long) from + max);
        List<T> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) out.add(get(i));
        return out;
    }
}
