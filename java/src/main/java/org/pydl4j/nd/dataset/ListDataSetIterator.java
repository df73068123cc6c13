package org.pydl4j.nd.dataset;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NoSuchElementException;

/** Iterates over a list of single- or multi-example DataSets in batches, as ND4J's ListDataSetIterator. */
public class ListDataSetIterator<T extends DataSet> implements DataSetIterator {
    private final List<DataSet> examples = new ArrayList<>();
    private final int batch;
    private int cursor;
    private DataSetPreProcessor preProcessor;
    private List<String> labels;

    public ListDataSetIterator(Collection<T> coll, int batch) {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        for (DataSet d : coll) examples.addAll(d.numExamples() == 1 ? List.of(d) : d.batchBy(1));
        this.batch = batch;
    }

    public ListDataSetIterator(Collection<T> coll) { this(coll, 10); }

    @Override public boolean hasNext() { return cursor < examples.size(); }

    @Override public DataSet next() { return next(batch); }

    @Override
    public DataSet next(int num) {
        if (!hasNext()) throw new NoSuchElementException("no more examples");
        int end = Math.min(examples.size(), cursor + num);
        DataSet d = DataSet.merge(examples.subList(cursor, end));
        cursor = end;
        if (preProcessor != null) preProcessor.preProcess(d);
        return d;
    }

    @Override public int inputColumns() { return examples.isEmpty() ? 0 : (int) (examples.get(0).getFeatures().length()); }
    @Override public int totalOutcomes() { return examples.isEmpty() || examples.get(0).getLabels() == null ? 0 : (int) examples.get(0).getLabels().size(-1); }
    @Override public boolean resetSupported() { return true; }
    @Override public boolean asyncSupported() { return false; }
    @Override public void reset() { cursor = 0; }
    @Override public int batch() { return batch; }
    @Override public void setPreProcessor(DataSetPreProcessor p) { this.preProcessor = p; }
    @Override public DataSetPreProcessor getPreProcessor() { return preProcessor; }
    @Override public List<String> getLabels() { return labels; }
    public void setLabels(List<String> labels) { this.labels = labels; }
}
