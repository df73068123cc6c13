package org.pydl4j.datasets.iterator.impl;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.pydl4j.common.util.ArchiveUtils;
import org.pydl4j.datasets.fetchers.DataSetType;
import org.pydl4j.datasets.fetchers.DatasetFetcher;
import org.pydl4j.datasets.fetchers.RemoteFile;
import org.pydl4j.datasets.image.data.ImageWritable;
import org.pydl4j.datasets.image.loader.NativeImageLoader;
import org.pydl4j.datasets.image.transform.ImageTransform;
import org.pydl4j.datasets.iterator.InMemoryImageIterator;

/**
 * CIFAR-10, as DL4J's Cifar10DataSetIterator: features {@code [batch, 3, height, width]} RGB with values 0..255
 * (32x32 unless other dimensions are asked for: bilinear resize), one-hot labels over the 10 classes of
 * {@link #getLabels()}; TRAIN is the 50,000 images of data_batch_1..5 (shuffled with the seed), TEST the 10,000 of
 * test_batch. The binary archive ({@code cifar-10-binary.tar.gz}, checksum pinned) is downloaded once into
 * {@code ~/.pydl4j/data/CIFAR10} and extracted there. Each record is one label byte then 1024 red, 1024 green and
 * 1024 blue bytes; a file's size must be a whole number of records. An optional {@link ImageTransform} is applied
 * to every image (with its own generator, as in DataVec) before resizing.
 */
public class Cifar10DataSetIterator extends InMemoryImageIterator {
    public static final int SIDE = 32, RECORD = 1 + 3 * SIDE * SIDE, RECORDS_PER_FILE = 10_000;
    public static final List<String> LABELS = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
    public static final RemoteFile ARCHIVE = new RemoteFile("cifar-10-binary.tar.gz", "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
            "c32a1d4ab5d03f1284b67883e8d87530");
    static final String FOLDER = "cifar-10-batches-bin";

    private final byte[] records;
    private final int height, width;
    private final ImageTransform transform;
    private final NativeImageLoader loader;

    public Cifar10DataSetIterator(int batchSize) { this(batchSize, DataSetType.TRAIN); }

    public Cifar10DataSetIterator(int batchSize, DataSetType set) { this(batchSize, null, set, null, 123); }

    /** imgDim is {height, width} (null: 32x32). */
    public Cifar10DataSetIterator(int batchSize, int[] imgDim, DataSetType set) { this(batchSize, imgDim, set, null, 123); }

    public Cifar10DataSetIterator(int batchSize, int[] imgDim, DataSetType set, ImageTransform imageTransform, long rngSeed) {
        this(batchSize, Integer.MAX_VALUE, imgDim, set, imageTransform, rngSeed);
    }

    /** At most numExamples images of the set. */
    public Cifar10DataSetIterator(int batchSize, int numExamples, int[] imgDim, DataSetType set, ImageTransform imageTransform, long rngSeed) {
        this(batchSize, numExamples, imgDim, set, imageTransform, rngSeed, DatasetFetcher.defaultFor("CIFAR10"), ARCHIVE);
    }

    /**
     * As above with the archive taken from the given fetcher and address (mirrors, tests). As DL4J's constructors,
     * declares no checked exception: a missing or corrupt file is an {@link UncheckedIOException} whose cause (a
     * {@link org.pydl4j.datasets.fetchers.DatasetUnavailableException} when offline) names the file.
     */
    public Cifar10DataSetIterator(int batchSize, int numExamples, int[] imgDim, DataSetType set, ImageTransform imageTransform, long rngSeed,
                                  DatasetFetcher fetcher, RemoteFile archive) {
        this(readUnchecked(fetcher, archive, set, numExamples), batchSize, imgDim == null ? new int[]{SIDE, SIDE} : imgDim, set, imageTransform, rngSeed);
    }

    private static byte[] readUnchecked(DatasetFetcher fetcher, RemoteFile archive, DataSetType set, int numExamples) {
        try {
            return read(fetcher, archive, set, numExamples);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private Cifar10DataSetIterator(byte[] records, int batch, int[] imgDim, DataSetType set, ImageTransform transform, long seed) {
        super(batch, records.length / RECORD, LABELS.size(), labelsOf(records), set == DataSetType.TRAIN, seed);
        if (imgDim == null || imgDim.length != 2 || imgDim[0] < 1 || imgDim[1] < 1 || imgDim[0] > 4096 || imgDim[1] > 4096) {
            throw new IllegalArgumentException("Cifar10DataSetIterator: imgDim must be {height, width} within 1..4096");
        }
        this.records = records;
        this.height = imgDim[0];
        this.width = imgDim[1];
        this.transform = transform;
        this.loader = new NativeImageLoader(height, width, 3);
    }

    private static int[] labelsOf(byte[] records) {
        int n = records.length / RECORD;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = records[i * RECORD] & 0xff;
        return out;
    }

    private static List<String> files(DataSetType set) {
        switch (set) {
            case TRAIN: return List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
            case TEST: return List.of("test_batch.bin");
            default: throw new IllegalArgumentException("Cifar10DataSetIterator: CIFAR-10 has TRAIN and TEST sets, not " + set);
        }
    }

    /** The records of the set (at most numExamples), every label checked. */
    private static byte[] read(DatasetFetcher fetcher, RemoteFile archive, DataSetType set, int numExamples) throws IOException {
        if (numExamples < 1) throw new IllegalArgumentException("numExamples must be >= 1, got " + numExamples);
        List<File> parts = new ArrayList<>();
        for (String name : files(set)) {
            File f = fetcher.resolve(FOLDER + "/" + name).toFile();
            if (!f.isFile()) {
                File tgz = fetcher.file(archive);
                ArchiveUtils.unzipFileTo(tgz.getPath(), fetcher.getDirectory().getPath());
                if (!f.isFile()) throw new IOException(tgz + ": the archive has no " + FOLDER + "/" + name);
            }
            long len = f.length();
            if (len % RECORD != 0 || len / RECORD > RECORDS_PER_FILE || len == 0) {
                throw new IOException(f + ": " + len + " bytes is not 1.." + RECORDS_PER_FILE + " CIFAR-10 records of " + RECORD + " bytes");
            }
            parts.add(f);
        }
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        long want = (long) Math.min(numExamples, RECORDS_PER_FILE * parts.size()) * RECORD;
        for (File f : parts) {
            if (all.size() >= want) break;
            try (InputStream in = Files.newInputStream(f.toPath())) {
                byte[] b = in.readNBytes((int) Math.min(f.length(), want - all.size()));
                for (int r = 0; r < b.length; r += RECORD) {
                    int label = b[r] & 0xff;
                    if (label >= LABELS.size()) throw new IOException(f + ": record " + (r / RECORD) + " has label " + label + " (classes 0..9)");
                }
                all.write(b);
            }
        }
        return all.toByteArray();
    }

    @Override
    protected long[] exampleShape() { return new long[]{3, height, width}; }

    @Override
    protected void features(int example, float[] dst, int offset) {
        int base = example * RECORD + 1, plane = SIDE * SIDE;
        if (transform == null && height == SIDE && width == SIDE) {
            for (int i = 0; i < 3 * plane; i++) dst[offset + i] = records[base + i] & 0xff;
            return;
        }
        float[][] planes = new float[3][plane];
        for (int c = 0; c < 3; c++) for (int i = 0; i < plane; i++) planes[c][i] = records[base + c * plane + i] & 0xff;
        ImageWritable img = ImageWritable.fromPlanes(planes, SIDE, SIDE);
        if (transform != null) img = transform.transform(img);   // the transform's own generator, as DataVec
        loader.convert(img.getImage(), dst, offset);
    }

    @Override
    public List<String> getLabels() { return LABELS; }
}
