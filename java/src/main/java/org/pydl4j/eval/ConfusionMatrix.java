package org.pydl4j.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts of (actual class, predicted class) pairs for a fixed number of classes, as ND4J's
 * {@code org.nd4j.evaluation.classification.ConfusionMatrix<Integer>}. Row = actual, column = predicted.
 */
public class ConfusionMatrix implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final int numClasses;
    private final long[][] counts;

    public ConfusionMatrix(int numClasses) {
        if (numClasses < 1) throw new IllegalArgumentException("ConfusionMatrix: numClasses must be >= 1, got " + numClasses);
        this.numClasses = numClasses;
        this.counts = new long[numClasses][numClasses];
    }

    /** A copy of {@code other}. */
    public ConfusionMatrix(ConfusionMatrix other) {
        this(other.numClasses);
        add(other);
    }

    public int numClasses() { return numClasses; }

    /** The class indices 0..numClasses-1. */
    public List<Integer> getClasses() {
        List<Integer> out = new ArrayList<>(numClasses);
        for (int i = 0; i < numClasses; i++) out.add(i);
        return out;
    }

    private void check(int actual, int predicted) {
        if (actual < 0 || actual >= numClasses || predicted < 0 || predicted >= numClasses) {
            throw new IllegalArgumentException("ConfusionMatrix: class pair (actual " + actual + ", predicted " + predicted
                    + ") is outside 0.." + (numClasses - 1));
        }
    }

    /** Counts one example of class {@code actual} predicted as {@code predicted}. */
    public void add(int actual, int predicted) { add(actual, predicted, 1); }

    public void add(int actual, int predicted, long count) {
        check(actual, predicted);
        if (count < 0) throw new IllegalArgumentException("ConfusionMatrix: count must be >= 0, got " + count);
        counts[actual][predicted] += count;
    }

    /** Adds all counts of {@code other} (same number of classes). */
    public void add(ConfusionMatrix other) {
        if (other.numClasses != numClasses) {
            throw new IllegalArgumentException("ConfusionMatrix: cannot add a matrix of " + other.numClasses + " classes to one of " + numClasses);
        }
        for (int i = 0; i < numClasses; i++) for (int j = 0; j < numClasses; j++) counts[i][j] += other.counts[i][j];
    }

    /** How often class {@code actual} was predicted as {@code predicted}. */
    public int getCount(int actual, int predicted) {
        check(actual, predicted);
        return (int) counts[actual][predicted];
    }

    /** Examples whose actual class is {@code actual} (row sum). */
    public int getActualTotal(int actual) {
        check(actual, 0);
        long s = 0;
        for (long c : counts[actual]) s += c;
        return (int) s;
    }

    /** Examples predicted as {@code predicted} (column sum). */
    public int getPredictedTotal(int predicted) {
        check(0, predicted);
        long s = 0;
        for (long[] row : counts) s += row[predicted];
        return (int) s;
    }

    /** All examples counted. */
    public long total() {
        long s = 0;
        for (long[] row : counts) for (long c : row) s += c;
        return s;
    }

    /** The counts as [actual][predicted] (a copy). */
    public int[][] toArray() {
        int[][] out = new int[numClasses][numClasses];
        for (int i = 0; i < numClasses; i++) for (int j = 0; j < numClasses; j++) out[i][j] = (int) counts[i][j];
        return out;
    }

    /** Rows of counts, one per actual class. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < numClasses; i++) {
            for (int j = 0; j < numClasses; j++) sb.append(j == 0 ? "" : " ").append(counts[i][j]);
            sb.append('\n');
        }
        return sb.toString();
    }
}
