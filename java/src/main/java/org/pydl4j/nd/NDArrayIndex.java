package org.pydl4j.nd;

/** Index factories as in ND4J: {@code arr.get(NDArrayIndex.interval(0, 10), NDArrayIndex.all())}. */
public final class NDArrayIndex {
    private NDArrayIndex() {}

    public static INDArrayIndex point(long i) { return new Point(i); }

    /** Half-open [from, to). */
    public static INDArrayIndex interval(long from, long to) { return new Interval(from, to); }

    public static INDArrayIndex all() { return All.INSTANCE; }

    static final class Point implements INDArrayIndex {
        final long index;
        Point(long index) { this.index = index; }
        @Override public String toString() { return "point(" + index + ")"; }
    }

    static final class Interval implements INDArrayIndex {
        final long from, to;
        Interval(long from, long to) { this.from = from; this.to = to; }
        @Override public String toString() { return "interval(" + from + ", " + to + ")"; }
    }

    static final class All implements INDArrayIndex {
        static final All INSTANCE = new All();
        @Override public String toString() { return "all()"; }
    }
}
