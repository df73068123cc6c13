package org.pydl4j.datasets.iterator;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nd.dataset.DataSetPreProcessor;

/**
 * Minibatches of a built-in image data set held in memory as bytes (MNIST, EMNIST, CIFAR-10): examples in a fixed
 * or seeded-shuffled order (reshuffled on every reset, so epochs differ but runs repeat), features of
 * {@link #exampleShape()} per example, one-hot labels. Subclasses say how one example's bytes become floats.
 */
public abstract class InMemoryImageIterator implements DataSetIterator {
    protected final int batch;
    protected final int numExamples;
    protected final int numClasses;
    protected final int[] labels;
    private final int[] order;
    private final Random rng;
    private final boolean shuffle;
    private int cursor;
    private DataSetPreProcessor preProcessor;

    protected InMemoryImageIterator(int batch, int numExamples, int numClasses, int[] labels, boolean shuffle, long seed) {
        if (batch < 1) throw new IllegalArgumentException(getClass().getSimpleName() + ": batch size must be >= 1, got " + batch);
        if (numExamples < 1) throw new IllegalArgumentException(getClass().getSimpleName() + ": no examples");
        this.batch = batch;
        this.numExamples = numExamples;
        this.numClasses = numClasses;
        this.labels = labels;
        this.shuffle = shuffle;
        this.rng = new Random(seed);
        this.order = new int[numExamples];
        for (int i = 0; i < numExamples; i++) order[i] = i;
        if (shuffle) shuffleOrder();
    }

    private void shuffleOrder() {
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
    }

    /** Shape of one example's features (without the batch dimension). */
    protected abstract long[] exampleShape();

    /** Writes example i's features (length = product of exampleShape) into dst at offset. */
    protected abstract void features(int example, float[] dst, int offset);

    /** Total number of examples served per epoch. */
    public int totalExamples() { return numExamples; }

    @Override public boolean hasNext() { return cursor < numExamples; }

    @Override public DataSet next() { return next(batch); }

    @Override
    public DataSet next(int num) {
        if (!hasNext()) throw new NoSuchElementException(getClass().getSimpleName() + ": no more examples (call reset)");
        int n = Math.min(num, numExamples - cursor);
        long[] shape = exampleShape();
        int size = 1;
        for (long d : shape) size *= (int) d;
        float[] f = new float[n * size];
        float[] y = new float[n * numClasses];
        for (int i = 0; i < n; i++) {
            int ex = order[cursor + i];
            features(ex, f, i * size);
            y[i * numClasses + labels[ex]] = 1f;
        }
        cursor += n;
        long[] fshape = new long[shape.length + 1];
        fshape[0] = n;
        System.arraycopy(shape, 0, fshape, 1, shape.length);
        INDArray features = Nd4j.create(f, fshape);
        INDArray lab = Nd4j.create(y, n, numClasses);
        if (Nd4j.defaultFloatingPointType() != features.dataType()) {
            features = features.castTo(Nd4j.defaultFloatingPointType());
            lab = lab.castTo(Nd4j.defaultFloatingPointType());
        }
        DataSet ds = new DataSet(features, lab);
        if (preProcessor != null) preProcessor.preProcess(ds);
        return ds;
    }

    @Override
    public int inputColumns() {
        int size = 1;
        for (long d : exampleShape()) size *= (int) d;
        return size;
    }

    @Override public int totalOutcomes() { return numClasses; }
    @Override public boolean resetSupported() { return true; }
    @Override public boolean asyncSupported() { return true; }

    @Override
    public void reset() {
        cursor = 0;
        if (shuffle) shuffleOrder();
    }

    @Override public int batch() { return batch; }
    @Override public void setPreProcessor(DataSetPreProcessor p) { this.preProcessor = p; }
    @Override public DataSetPreProcessor getPreProcessor() { return preProcessor; }
    @Override public List<String> getLabels() { return null; }
}
