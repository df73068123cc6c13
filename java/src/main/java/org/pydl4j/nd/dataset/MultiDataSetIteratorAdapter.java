package org.pydl4j.nd.dataset;

/** Presents a DataSetIterator as a MultiDataSetIterator (one input, one output), as ND4J's MultiDataSetIteratorAdapter. */
public class MultiDataSetIteratorAdapter implements MultiDataSetIterator {
    private final DataSetIterator iter;
    private MultiDataSetPreProcessor preProcessor;

    public MultiDataSetIteratorAdapter(DataSetIterator iter) {
        if (iter == null) throw new IllegalArgumentException("MultiDataSetIteratorAdapter: iterator is null");
        this.iter = iter;
    }

    private MultiDataSet wrap(DataSet d) {
        MultiDataSet m = new MultiDataSet(d.getFeatures(), d.getLabels());
        if (preProcessor != null) preProcessor.preProcess(m);
        return m;
    }

    @Override public MultiDataSet next(int num) { return wrap(iter.next(num)); }
    @Override public MultiDataSet next() { return wrap(iter.next()); }
    @Override public boolean hasNext() { return iter.hasNext(); }
    @Override public void setPreProcessor(MultiDataSetPreProcessor p) { this.preProcessor = p; }
    @Override public MultiDataSetPreProcessor getPreProcessor() { return preProcessor; }
    @Override public boolean resetSupported() { return iter.resetSupported(); }
    @Override public boolean asyncSupported() { return iter.asyncSupported(); }
    @Override public void reset() { iter.reset(); }
}
