package org.pydl4j.nd.dataset;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Iterates over DataSets that already exist (a list or any Iterable), one minibatch per element, as ND4J's
 * ExistingDataSetIterator. Resettable when built from an Iterable (a fresh iterator is taken).
 */
public class ExistingDataSetIterator implements DataSetIterator {
    private final Iterable<DataSet> iterable;
    private Iterator<DataSet> iterator;
    private final List<String> labels;
    private DataSetPreProcessor preProcessor;

    public ExistingDataSetIterator(Iterable<DataSet> iterable) { this(iterable, null); }

    public ExistingDataSetIterator(Iterable<DataSet> iterable, List<String> labels) {
        if (iterable == null) throw new IllegalArgumentException("ExistingDataSetIterator: iterable is null");
        this.iterable = iterable;
        this.iterator = iterable.iterator();
        this.labels = labels;
    }

    /** A one-pass iterator (not resettable). */
    public ExistingDataSetIterator(Iterator<DataSet> iterator) {
        if (iterator == null) throw new IllegalArgumentException("ExistingDataSetIterator: iterator is null");
        this.iterable = null;
        this.iterator = iterator;
        this.labels = null;
    }

    @Override public boolean hasNext() { return iterator.hasNext(); }

    @Override
    public DataSet next() {
        if (!iterator.hasNext()) throw new NoSuchElementException("ExistingDataSetIterator: no more data sets");
        DataSet d = iterator.next();
        if (preProcessor != null) preProcessor.preProcess(d);
        return d;
    }

    /** The existing data sets are returned as they are: num is ignored, as in ND4J. */
    @Override public DataSet next(int num) { return next(); }

    @Override public int inputColumns() { return 0; }
    @Override public int totalOutcomes() { return labels == null ? 0 : labels.size(); }
    @Override public boolean resetSupported() { return iterable != null; }
    @Override public boolean asyncSupported() { return true; }

    @Override
    public void reset() {
        if (iterable == null) throw new UnsupportedOperationException("ExistingDataSetIterator over a one-pass Iterator cannot be reset");
        iterator = iterable.iterator();
    }

    @Override public int batch() { return 0; }
    @Override public void setPreProcessor(DataSetPreProcessor p) { this.preProcessor = p; }
    @Override public DataSetPreProcessor getPreProcessor() { return preProcessor; }
    @Override public List<String> getLabels() { return labels; }
}
