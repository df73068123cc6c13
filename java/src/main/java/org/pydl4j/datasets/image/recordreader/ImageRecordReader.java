package org.pydl4j.datasets.image.recordreader;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import org.pydl4j.datasets.image.loader.NativeImageLoader;
import org.pydl4j.datasets.io.labels.PathLabelGenerator;
import org.pydl4j.datasets.records.RecordReader;
import org.pydl4j.datasets.split.InputSplit;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;

/**
 * Reads image files as records, as DataVec's {@code org.datavec.image.recordreader.ImageRecordReader}.
 *
 * <p>Each record is {@code [image, labelIndex]}: the image a {@code [1, channels, height, width]} FLOAT array
 * (RGB, values 0..255, stretched to size by bilinear interpolation, EXIF orientation ignored; see
 * {@link NativeImageLoader}), the label the {@code Integer} index of the file's label in {@link #getLabels()}.
 * Without a label generator a record is just {@code [image]}.
 *
 * <p>Labels: {@link #initialize} collects the label of every location and sorts them by name (String order), so
 * class folders {@code daisy, dandelion, roses, ...} become classes 0, 1, 2, ... -- the same order the Python
 * side uses. A reader over a test split should use the training reader's labels if a class could be missing from
 * it: call {@link #setLabels} after {@code initialize}.
 *
 * <p>Hidden files (name starting with '.') are skipped. A file that cannot be decoded raises an
 * {@link IllegalArgumentException} naming it; with {@link #setSkipUnreadable(boolean) setSkipUnreadable(true)}
 * such files are skipped instead and listed by {@link #getSkippedFiles()} (each with the reason).
 */
public class ImageRecordReader implements RecordReader {
    private final long height;
    private final long width;
    private final long channels;
    private final PathLabelGenerator labelGenerator;
    private final NativeImageLoader loader;

    private List<URI> files = new ArrayList<>();
    private List<String> labels;
    private Map<String, Integer> labelIndex = new HashMap<>();
    private int cursor;
    private File currentFile;
    private boolean skipUnreadable;
    private final List<String> skipped = new ArrayList<>();
    private float[] ahead;          // image decoded by hasNext() in skip mode, not yet returned
    private int aheadLabel;
    private File aheadFile;

    /** A reader without labels. */
    public ImageRecordReader(long height, long width, long channels) {
        this(height, width, channels, null);
    }

    /**
     * @param height         output height in pixels
     * @param width          output width in pixels
     * @param channels       3 (RGB) or 1 (grayscale)
     * @param labelGenerator labels each file, e.g. {@code new ParentPathLabelGenerator()}; null for no labels
     */
    /** A reader whose images pass through the transform (after decoding, before resizing), as DataVec's constructor. */
    public ImageRecordReader(long height, long width, long channels, PathLabelGenerator labelGenerator,
                             org.pydl4j.datasets.image.transform.ImageTransform imageTransform) {
        this(height, width, channels, labelGenerator);
        loader.setImageTransform(imageTransform);
    }

    public ImageRecordReader(long height, long width, long channels, PathLabelGenerator labelGenerator) {
        this.loader = new NativeImageLoader(height, width, channels);
        this.height = height;
        this.width = width;
        this.channels = channels;
        this.labelGenerator = labelGenerator;
    }

    /**
     * As {@link #initialize(InputSplit)}, with every image passed through the transform after decoding and before it
     * is resized to height x width (DataVec's {@code initialize(split, imageTransform)}); null for none.
     */
    public void initialize(InputSplit split, org.pydl4j.datasets.image.transform.ImageTransform imageTransform) throws IOException {
        loader.setImageTransform(imageTransform);
        initialize(split);
    }

    /** The transform applied to each image (null: none). */
    public org.pydl4j.datasets.image.transform.ImageTransform getImageTransform() { return loader.getImageTransform(); }

    /** DataVec's signature: {@code throws IOException} (callers written for DataVec handle it). */
    @Override
    public void initialize(InputSplit split) throws IOException {
        if (split == null) throw new IllegalArgumentException("ImageRecordReader.initialize: split is null");
        List<URI> kept = new ArrayList<>();
        for (URI u : split.locations()) {
            if (!new File(u).getName().startsWith(".")) kept.add(u);
        }
        files = kept;
        if (labelGenerator != null) {
            TreeSet<String> set = new TreeSet<>();
            for (URI u : files) set.add(labelGenerator.getLabelForPath(u));
            setLabels(new ArrayList<>(set));
        } else {
            labels = null;
            labelIndex = new HashMap<>();
        }
        reset();
    }

    /** Replaces the label list (index i = class i), e.g. with the training reader's labels. */
    public void setLabels(List<String> labels) {
        if (labels == null) throw new IllegalArgumentException("ImageRecordReader.setLabels: labels is null");
        Map<String, Integer> idx = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            if (idx.put(labels.get(i), i) != null) throw new IllegalArgumentException("ImageRecordReader.setLabels: label '" + labels.get(i) + "' is listed twice");
        }
        this.labels = Collections.unmodifiableList(new ArrayList<>(labels));
        this.labelIndex = idx;
    }

    @Override
    public List<String> getLabels() { return labels; }

    public int numLabels() { return labels == null ? 0 : labels.size(); }

    public long getHeight() { return height; }
    public long getWidth() { return width; }
    public long getChannels() { return channels; }

    /** Number of locations (before any are skipped as unreadable). */
    public int numFiles() { return files.size(); }

    /** The file of the record returned last. */
    public File getCurrentFile() { return currentFile; }

    /** Skip files that cannot be decoded (recorded in {@link #getSkippedFiles()}) instead of failing. */
    public void setSkipUnreadable(boolean skip) { this.skipUnreadable = skip; }

    /** "path: reason" for each file skipped as unreadable since the reader was created (never cleared by reset). */
    public List<String> getSkippedFiles() { return Collections.unmodifiableList(skipped); }

    /**
     * Whether another record can be read. When unreadable files are skipped this decodes ahead to the next
     * readable image (kept for the following {@code next}), so it is exact.
     */
    @Override
    public boolean hasNext() {
        if (ahead != null) return true;
        if (!skipUnreadable) return cursor < files.size();
        if (cursor >= files.size()) return false;
        float[] buf = new float[(int) (channels * height * width)];
        File returnedLast = currentFile;
        try {
            aheadLabel = decodeNext(buf, 0);
        } catch (NoSuchElementException e) {
            return false;
        } finally {
            aheadFile = currentFile;
            currentFile = returnedLast;   // getCurrentFile() keeps naming the record returned last
        }
        ahead = buf;
        return true;
    }

    @Override
    public List<Object> next() {
        float[] data = new float[(int) (channels * height * width)];
        int label = nextInto(data, 0);
        INDArray img = Nd4j.create(data, 1, channels, height, width);
        List<Object> rec = new ArrayList<>(2);
        rec.add(img);
        if (labelGenerator != null) rec.add(label);
        return rec;
    }

    /**
     * Decodes the next readable image as CHW floats into {@code dst} at {@code offset} and returns its label index
     * (-1 without a label generator). Lets iterators fill a batch without a temporary array per image.
     *
     * @throws NoSuchElementException when no (readable) image is left
     */
    public int nextInto(float[] dst, int offset) {
        if (ahead != null) {
            System.arraycopy(ahead, 0, dst, offset, ahead.length);
            ahead = null;
            currentFile = aheadFile;
            return aheadLabel;
        }
        return decodeNext(dst, offset);
    }

    private int decodeNext(float[] dst, int offset) {
        while (cursor < files.size()) {
            File f = new File(files.get(cursor++));
            int label = -1;
            if (labelGenerator != null) {
                String name = labelGenerator.getLabelForPath(f.getPath());
                Integer idx = labelIndex.get(name);
                if (idx == null) {
                    throw new IllegalArgumentException("ImageRecordReader: file " + f.getAbsolutePath() + " has label '" + name
                            + "', which is not among the reader's labels " + labels);
                }
                label = idx;
            }
            try {
                loader.load(f, dst, offset);
            } catch (IllegalArgumentException e) {
                if (!skipUnreadable) throw e;
                skipped.add(f.getAbsolutePath() + ": " + e.getMessage());
                continue;
            }
            currentFile = f;
            return label;
        }
        throw new NoSuchElementException("ImageRecordReader: no more images");
    }

    @Override
    public void reset() {
        cursor = 0;
        ahead = null;
        currentFile = null;
    }

    @Override
    public boolean resetSupported() { return true; }

    @Override
    public String toString() {
        return "ImageRecordReader(" + height + "x" + width + "x" + channels + ", " + files.size() + " files, labels=" + labels + ")";
    }
}
