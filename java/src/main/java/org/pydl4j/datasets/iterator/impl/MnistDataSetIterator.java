package org.pydl4j.datasets.iterator.impl;

import java.io.File;
import java.io.IOException;
import java.util.List;
import org.pydl4j.datasets.fetchers.DatasetFetcher;
import org.pydl4j.datasets.fetchers.IdxFile;
import org.pydl4j.datasets.fetchers.RemoteFile;
import org.pydl4j.datasets.iterator.InMemoryImageIterator;

/**
 * MNIST handwritten digits, as DL4J's MnistDataSetIterator: features {@code [batch, 784]} with pixels scaled to
 * [0, 1] (or, binarized, 1 where the pixel value is above 30 and 0 elsewhere), one-hot labels {@code [batch, 10]};
 * 60,000 training and 10,000 test images. The four idx files are read from the cache ({@code ~/.pydl4j/data/MNIST})
 * and downloaded there on first use (checksums pinned; see {@link #FILES}).
 */
public class MnistDataSetIterator extends InMemoryImageIterator {
    public static final int NUM_EXAMPLES = 60_000, NUM_EXAMPLES_TEST = 10_000;
    /** Pixels above this value are 1 when binarizing (as DL4J). */
    public static final int BINARIZE_THRESHOLD = 30;

    /** LeCun's original address (plain http; the pinned checksums make that safe), then a widely used mirror. */
    private static final List<String> MIRRORS = List.of("http://yann.lecun.com/exdb/mnist/", "https://ossci-datasets.s3.amazonaws.com/mnist/");

    private static RemoteFile file(String name, String md5) {
        return new RemoteFile(name, MIRRORS.stream().map(m -> m + name).toList(), md5);
    }

    /** Training images, training labels, test images, test labels (MD5 of the published gzip files). */
    public static final List<RemoteFile> FILES = List.of(
            file("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
            file("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
            file("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
            file("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"));

    private final byte[] pixels;
    private final int side;
    private final boolean binarize;

    /** Training or test set, shuffled with the seed. */
    public MnistDataSetIterator(int batch, boolean train, int seed) throws IOException {
        this(batch, train ? NUM_EXAMPLES : NUM_EXAMPLES_TEST, false, train, true, seed);
    }

    /** The first numExamples training images, in file order. */
    public MnistDataSetIterator(int batch, int numExamples) throws IOException { this(batch, numExamples, false); }

    public MnistDataSetIterator(int batch, int numExamples, boolean binarize) throws IOException {
        this(batch, numExamples, binarize, true, false, 0);
    }

    public MnistDataSetIterator(int batchSize, int numExamples, boolean binarize, boolean train, boolean shuffle, long rngSeed) throws IOException {
        this(batchSize, numExamples, binarize, train, shuffle, rngSeed, DatasetFetcher.defaultFor("MNIST"), FILES);
    }

    /** As above with the files taken from the given fetcher and file list (mirrors, tests). */
    public MnistDataSetIterator(int batchSize, int numExamples, boolean binarize, boolean train, boolean shuffle, long rngSeed,
                                DatasetFetcher fetcher, List<RemoteFile> files) throws IOException {
        this(read(fetcher.file(files.get(train ? 0 : 2)), fetcher.file(files.get(train ? 1 : 3)), numExamples, 10, 0), batchSize, binarize, shuffle, rngSeed);
    }

    /** Images and labels read together. */
    protected record Loaded(IdxFile.Images images, int[] labels, int numClasses) {}

    /** Reads the first numExamples images and labels; labels minus labelOffset must be below numClasses. */
    protected static Loaded read(File fi, File fl, int numExamples, int numClasses, int labelOffset) throws IOException {
        if (numExamples < 1) throw new IllegalArgumentException("numExamples must be >= 1, got " + numExamples);
        IdxFile.Images img = IdxFile.readImages(fi, numExamples);
        if (img.rows() != img.cols()) throw new IOException(fi + ": images are " + img.rows() + "x" + img.cols() + ", expected square");
        int[] lab = IdxFile.readLabels(fl, numExamples, numClasses, labelOffset);
        if (lab.length != img.count()) throw new IOException(fi + " holds " + img.count() + " images but " + fl + " " + lab.length + " labels");
        return new Loaded(img, lab, numClasses);
    }

    protected MnistDataSetIterator(Loaded l, int batch, boolean binarize, boolean shuffle, long seed) {
        super(batch, l.images().count(), l.numClasses(), l.labels(), shuffle, seed);
        this.pixels = l.images().pixels();
        this.side = l.images().rows();
        this.binarize = binarize;
    }

    @Override
    protected long[] exampleShape() { return new long[]{(long) side * side}; }

    @Override
    protected void features(int example, float[] dst, int offset) {
        int n = side * side, base = example * n;
        for (int i = 0; i < n; i++) {
            int v = pixels[base + i] & 0xff;
            dst[offset + i] = binarize ? (v > BINARIZE_THRESHOLD ? 1f : 0f) : v / 255f;
        }
    }
}
