package org.pydl4j.nd.dataset;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Iterates over minibatches saved earlier with {@link DataSet#save(File)} as {@code dataset-0.bin},
 * {@code dataset-1.bin}, ... in one folder (the pattern is configurable), as ND4J's
 * ExistingMiniBatchDataSetIterator. The batches are the consecutive files from index 0 present when the iterator
 * is made. File names are checked to stay inside the folder.
 */
public class ExistingMiniBatchDataSetIterator implements DataSetIterator {
    public static final String DEFAULT_PATTERN = "dataset-%d.bin";

    private final File rootDir;
    private final String pattern;
    private final int totalBatches;
    private int currIdx;
    private DataSetPreProcessor preProcessor;

    public ExistingMiniBatchDataSetIterator(File rootDir) { this(rootDir, DEFAULT_PATTERN); }

    /** @param pattern a {@link String#format} pattern with one integer, e.g. {@code "train-%d.bin"} */
    public ExistingMiniBatchDataSetIterator(File rootDir, String pattern) {
        if (rootDir == null || !rootDir.isDirectory()) throw new IllegalArgumentException("ExistingMiniBatchDataSetIterator: " + rootDir + " is not a directory");
        this.rootDir = rootDir;
        this.pattern = pattern;
        int n = 0;
        while (file(n).isFile()) n++;
        this.totalBatches = n;
    }

    private File file(int i) {
        String name = String.format(pattern, i);
        if (name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".")) {
            throw new IllegalArgumentException("ExistingMiniBatchDataSetIterator: pattern '" + pattern + "' gives '" + name + "', which is not a plain file name");
        }
        return new File(rootDir, name);
    }

    /** Number of saved minibatches found. */
    public int totalBatches() { return totalBatches; }

    @Override public boolean hasNext() { return currIdx < totalBatches; }

    @Override
    public DataSet next() {
        if (!hasNext()) throw new NoSuchElementException("ExistingMiniBatchDataSetIterator: no more batches in " + rootDir);
        DataSet d = new DataSet();
        d.load(file(currIdx++));
        if (preProcessor != null) preProcessor.preProcess(d);
        return d;
    }

    /** Saved batches cannot be re-split: num is ignored, as in ND4J. */
    @Override public DataSet next(int num) { return next(); }

    @Override
    public int inputColumns() {
        return totalBatches == 0 ? 0 : (int) (peek().getFeatures().length() / peek().getFeatures().size(0));
    }

    @Override
    public int totalOutcomes() {
        DataSet d = totalBatches == 0 ? null : peek();
        return d == null || d.getLabels() == null ? 0 : (int) d.getLabels().size(-1);
    }

    private DataSet peek() {
        DataSet d = new DataSet();
        d.load(file(0));
        return d;
    }

    @Override public boolean resetSupported() { return true; }
    @Override public boolean asyncSupported() { return true; }
    @Override public void reset() { currIdx = 0; }
    @Override public int batch() { return totalBatches == 0 ? 0 : peek().numExamples(); }
    @Override public void setPreProcessor(DataSetPreProcessor p) { this.preProcessor = p; }
    @Override public DataSetPreProcessor getPreProcessor() { return preProcessor; }
    @Override public List<String> getLabels() { return null; }

    /** Saves every batch of the iterator as pattern-numbered files in rootDir (a helper for preparing such folders). */
    public static int saveAll(DataSetIterator iterator, File rootDir, String pattern) throws IOException {
        if (!rootDir.isDirectory() && !rootDir.mkdirs()) throw new IOException(rootDir + ": cannot create the folder");
        int i = 0;
        while (iterator.hasNext()) iterator.next().save(new File(rootDir, String.format(pattern, i++)));
        return i;
    }
}
