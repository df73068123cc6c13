package org.pydl4j.datasets.datavec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import org.pydl4j.datasets.image.recordreader.ImageRecordReader;
import org.pydl4j.datasets.records.RecordReader;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nd.dataset.DataSetPreProcessor;

/**
 * Turns records into mini-batch {@link DataSet}s, as DL4J's
 * {@code org.deeplearning4j.datasets.datavec.RecordReaderDataSetIterator} (classification form).
 *
 * <p>For an {@link ImageRecordReader} the features are {@code [batch, channels, height, width]} FLOAT and the
 * labels one-hot {@code [batch, numPossibleLabels]} FLOAT; the label sits at record index 1, so
 * {@code labelIndex} must be 1 ({@code -1} reads features only, with null labels). For other readers each record
 * must hold exactly one {@code INDArray} feature value (dimension 0 of size 1, stacked along it) besides the
 * {@code Integer} class index at {@code labelIndex}.
 *
 * <p>The last batch holds whatever is left (it may be smaller than {@code batchSize}). When the reader knows its
 * labels, their number must equal {@code numPossibleLabels} (checked at the first batch). The pre-processor, if
 * set, is applied to every batch returned.
 */
public class RecordReaderDataSetIterator implements DataSetIterator {
    private final RecordReader recordReader;
    private final int batchSize;
    private final int labelIndex;
    private final int numPossibleLabels;
    private DataSetPreProcessor preProcessor;
    private boolean checkedLabels;
    private long[] lastFeatureShape;

    /**
     * @param recordReader      an initialized reader
     * @param batchSize         examples per batch (>= 1)
     * @param labelIndex        index of the class index within a record (1 for {@link ImageRecordReader}); -1 for none
     * @param numPossibleLabels number of classes (width of the one-hot labels)
     */
    public RecordReaderDataSetIterator(RecordReader recordReader, int batchSize, int labelIndex, int numPossibleLabels) {
        if (recordReader == null) throw new IllegalArgumentException("RecordReaderDataSetIterator: record reader is null");
        if (batchSize < 1) throw new IllegalArgumentException("RecordReaderDataSetIterator: batchSize must be >= 1, got " + batchSize);
        if (labelIndex >= 0 && numPossibleLabels < 1) {
            throw new IllegalArgumentException("RecordReaderDataSetIterator: numPossibleLabels must be >= 1 with labelIndex " + labelIndex + ", got " + numPossibleLabels);
        }
        if (recordReader instanceof ImageRecordReader && labelIndex >= 0) {
            ImageRecordReader irr = (ImageRecordReader) recordReader;
            if (labelIndex != 1) {
                throw new IllegalArgumentException("RecordReaderDataSetIterator: an ImageRecordReader record is [image, label], so labelIndex must be 1 (or -1 for no labels), got " + labelIndex);
            }
            if (irr.getLabels() == null) {
                throw new IllegalArgumentException("RecordReaderDataSetIterator: labelIndex is 1 but the ImageRecordReader has no label generator");
            }
        }
        this.recordReader = recordReader;
        this.batchSize = batchSize;
        this.labelIndex = labelIndex;
        this.numPossibleLabels = numPossibleLabels;
    }

    /** A features-only iterator (labels null). */
    public RecordReaderDataSetIterator(RecordReader recordReader, int batchSize) {
        this(recordReader, batchSize, -1, -1);
    }

    public RecordReader getRecordReader() { return recordReader; }

    @Override
    public boolean hasNext() { return recordReader.hasNext(); }

    @Override
    public DataSet next() { return next(batchSize); }

    @Override
    public DataSet next(int num) {
        if (num < 1) throw new IllegalArgumentException("RecordReaderDataSetIterator.next: num must be >= 1, got " + num);
        if (!hasNext()) throw new NoSuchElementException("RecordReaderDataSetIterator: no more examples");
        checkLabels();
        DataSet ds = recordReader instanceof ImageRecordReader ? nextImages((ImageRecordReader) recordReader, num) : nextGeneric(num);
        lastFeatureShape = ds.getFeatures().shape();
        if (preProcessor != null) preProcessor.preProcess(ds);
        return ds;
    }

    private void checkLabels() {
        if (checkedLabels || labelIndex < 0) return;
        List<String> labels = recordReader.getLabels();
        if (labels != null && labels.size() != numPossibleLabels) {
            throw new IllegalArgumentException("RecordReaderDataSetIterator: numPossibleLabels is " + numPossibleLabels
                    + " but the record reader has " + labels.size() + " labels " + labels);
        }
        checkedLabels = true;
    }

    private DataSet nextImages(ImageRecordReader r, int num) {
        int per = (int) (r.getChannels() * r.getHeight() * r.getWidth());
        float[] buf = new float[Math.multiplyExact(per, num)];
        int[] classes = new int[num];
        int n = 0;
        while (n < num && r.hasNext()) {
            classes[n] = r.nextInto(buf, n * per);
            n++;
        }
        if (n == 0) throw new NoSuchElementException("RecordReaderDataSetIterator: no more examples");
        INDArray features = Nd4j.create(n == num ? buf : Arrays.copyOf(buf, n * per), n, r.getChannels(), r.getHeight(), r.getWidth());
        return new DataSet(features, labelIndex < 0 ? null : oneHot(classes, n));
    }

    private DataSet nextGeneric(int num) {
        List<INDArray> feats = new ArrayList<>();
        int[] classes = new int[num];
        int n = 0;
        while (n < num && recordReader.hasNext()) {
            List<Object> rec = recordReader.next();
            INDArray f = null;
            for (int i = 0; i < rec.size(); i++) {
                if (i == labelIndex) {
                    Object l = rec.get(i);
                    if (!(l instanceof Number)) {
                        throw new IllegalArgumentException("RecordReaderDataSetIterator: record value at labelIndex " + labelIndex + " is " + l + ", not a class index");
                    }
                    classes[n] = ((Number) l).intValue();
                } else if (rec.get(i) instanceof INDArray) {
                    if (f != null) throw new IllegalArgumentException("RecordReaderDataSetIterator: a record holds more than one feature array");
                    f = (INDArray) rec.get(i);
                } else {
                    throw new IllegalArgumentException("RecordReaderDataSetIterator: record value " + i + " (" + rec.get(i) + ") is neither the label nor an INDArray");
                }
            }
            if (labelIndex >= rec.size()) {
                throw new IllegalArgumentException("RecordReaderDataSetIterator: labelIndex " + labelIndex + " but the record has " + rec.size() + " values");
            }
            if (f == null) throw new IllegalArgumentException("RecordReaderDataSetIterator: a record has no feature array");
            if (f.rank() == 0 || f.size(0) != 1) {
                long[] s = new long[f.rank() + 1];
                s[0] = 1;
                System.arraycopy(f.shape(), 0, s, 1, f.rank());
                f = f.reshape(s);
            }
            feats.add(f);
            n++;
        }
        if (n == 0) throw new NoSuchElementException("RecordReaderDataSetIterator: no more examples");
        return new DataSet(Nd4j.concat(0, feats.toArray(new INDArray[0])), labelIndex < 0 ? null : oneHot(classes, n));
    }

    private INDArray oneHot(int[] classes, int n) {
        float[] oh = new float[n * numPossibleLabels];
        for (int i = 0; i < n; i++) {
            int c = classes[i];
            if (c < 0 || c >= numPossibleLabels) {
                throw new IllegalArgumentException("RecordReaderDataSetIterator: class index " + c + " is outside 0.." + (numPossibleLabels - 1)
                        + " (numPossibleLabels " + numPossibleLabels + ")");
            }
            oh[i * numPossibleLabels + c] = 1f;
        }
        return Nd4j.create(oh, n, numPossibleLabels);
    }

    /** Values per example: channels*height*width for images; for other readers known after the first batch (0 before). */
    @Override
    public int inputColumns() {
        if (recordReader instanceof ImageRecordReader) {
            ImageRecordReader r = (ImageRecordReader) recordReader;
            return (int) (r.getChannels() * r.getHeight() * r.getWidth());
        }
        if (lastFeatureShape == null) return 0;
        long n = 1;
        for (int i = 1; i < lastFeatureShape.length; i++) n *= lastFeatureShape[i];
        return (int) n;
    }

    @Override public int totalOutcomes() { return labelIndex < 0 ? 0 : numPossibleLabels; }
    @Override public boolean resetSupported() { return recordReader.resetSupported(); }
    @Override public boolean asyncSupported() { return false; }

    @Override
    public void reset() {
        if (!recordReader.resetSupported()) throw new UnsupportedOperationException("RecordReaderDataSetIterator: the record reader cannot reset");
        recordReader.reset();
    }

    @Override public int batch() { return batchSize; }
    @Override public void setPreProcessor(DataSetPreProcessor preProcessor) { this.preProcessor = preProcessor; }
    @Override public DataSetPreProcessor getPreProcessor() { return preProcessor; }

    /** The reader's labels (class i = label i). */
    @Override public List<String> getLabels() { return recordReader.getLabels(); }
}
