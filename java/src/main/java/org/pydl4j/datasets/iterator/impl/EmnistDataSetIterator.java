package org.pydl4j.datasets.iterator.impl;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.pydl4j.common.util.ArchiveUtils;
import org.pydl4j.datasets.fetchers.DatasetFetcher;
import org.pydl4j.datasets.fetchers.RemoteFile;

/**
 * EMNIST handwritten characters, as DL4J's EmnistDataSetIterator: the same layout as MNIST ({@code [batch, 784]}
 * features in [0, 1] or binarized, one-hot labels) for one of the {@link Set}s. The NIST archive
 * ({@code gzip.zip}, about 560 MB, checksum pinned) is downloaded once into {@code ~/.pydl4j/data/EMNIST} and the
 * set's idx files extracted from it. Images are served as stored in the files (EMNIST stores them transposed
 * relative to MNIST). LETTERS labels 1..26 in the files become classes 0..25.
 */
public class EmnistDataSetIterator extends MnistDataSetIterator {
    public enum Set { COMPLETE, MERGE, BALANCED, LETTERS, DIGITS, MNIST }

    public static final RemoteFile ARCHIVE = new RemoteFile("gzip.zip", "https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip", "58c8d27c78d21e728a6bc7b3cc06412e");

    private final Set dataSet;

    public EmnistDataSetIterator(Set dataSet, int batch, boolean train) throws IOException { this(dataSet, batch, train, System.currentTimeMillis()); }

    public EmnistDataSetIterator(Set dataSet, int batch, boolean train, long seed) throws IOException {
        this(dataSet, batch, false, train, true, seed);
    }

    public EmnistDataSetIterator(Set dataSet, int batchSize, boolean binarize, boolean train, boolean shuffle, long rngSeed) throws IOException {
        this(dataSet, batchSize, train ? numExamplesTrain(dataSet) : numExamplesTest(dataSet), binarize, train, shuffle, rngSeed);
    }

    public EmnistDataSetIterator(Set dataSet, int batch, int numExamples, boolean binarize, boolean train, boolean shuffle, long rngSeed) throws IOException {
        this(dataSet, batch, numExamples, binarize, train, shuffle, rngSeed, DatasetFetcher.defaultFor("EMNIST"), ARCHIVE);
    }

    /** As above with the archive taken from the given fetcher and address (mirrors, tests). */
    public EmnistDataSetIterator(Set dataSet, int batch, int numExamples, boolean binarize, boolean train, boolean shuffle, long rngSeed,
                                 DatasetFetcher fetcher, RemoteFile archive) throws IOException {
        super(loadSet(dataSet, train, numExamples, fetcher, archive), batch, binarize, shuffle, rngSeed);
        this.dataSet = dataSet;
    }

    private static Loaded loadSet(Set set, boolean train, int numExamples, DatasetFetcher fetcher, RemoteFile archive) throws IOException {
        String prefix = "emnist-" + fileName(set) + "-" + (train ? "train" : "test");
        File images = extracted(fetcher, archive, prefix + "-images-idx3-ubyte.gz");
        File labels = extracted(fetcher, archive, prefix + "-labels-idx1-ubyte.gz");
        return read(images, labels, numExamples, numLabels(set), set == Set.LETTERS ? 1 : 0);
    }

    /** The idx file, extracted from the archive into the cache on first use. */
    private static File extracted(DatasetFetcher fetcher, RemoteFile archive, String name) throws IOException {
        File out = fetcher.resolve(name).toFile();
        if (out.isFile()) return out;
        File zip = fetcher.file(archive);
        ArchiveUtils.zipExtractSingleFile(zip, out, "gzip/" + name);
        return out;
    }

    private static String fileName(Set set) {
        switch (set) {
            case COMPLETE: return "byclass";
            case MERGE: return "bymerge";
            default: return set.name().toLowerCase();
        }
    }

    public Set getDataSet() { return dataSet; }

    public static int numLabels(Set set) {
        switch (set) {
            case COMPLETE: return 62;
            case MERGE: case BALANCED: return 47;
            case LETTERS: return 26;
            default: return 10;
        }
    }

    public static int numExamplesTrain(Set set) {
        switch (set) {
            case COMPLETE: case MERGE: return 697_932;
            case BALANCED: return 112_800;
            case LETTERS: return 124_800;
            case DIGITS: return 240_000;
            default: return 60_000;
        }
    }

    public static int numExamplesTest(Set set) {
        switch (set) {
            case COMPLETE: case MERGE: return 116_323;
            case BALANCED: return 18_800;
            case LETTERS: return 20_800;
            case DIGITS: return 40_000;
            default: return 10_000;
        }
    }

    /** Whether every class has the same number of examples (BALANCED, LETTERS, DIGITS, MNIST). */
    public static boolean isBalanced(Set set) { return set != Set.COMPLETE && set != Set.MERGE; }

    /** The characters of the classes, in class order. */
    public static char[] getLabelsArray(Set set) {
        String digits = "0123456789", upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        switch (set) {
            case COMPLETE: return (digits + upper + "abcdefghijklmnopqrstuvwxyz").toCharArray();
            case MERGE: case BALANCED: return (digits + upper + "abdefghnqrt").toCharArray();
            case LETTERS: return upper.toCharArray();
            default: return digits.toCharArray();
        }
    }

    public static List<String> getLabels(Set set) {
        List<String> out = new ArrayList<>();
        for (char c : getLabelsArray(set)) out.add(String.valueOf(c));
        return out;
    }

    @Override
    public List<String> getLabels() { return getLabels(dataSet); }
}
