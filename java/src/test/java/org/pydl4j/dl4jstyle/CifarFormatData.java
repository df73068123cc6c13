package org.pydl4j.dl4jstyle;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.pydl4j.common.DataUtilitiesTest;
import org.pydl4j.common.resources.Downloader;
import org.pydl4j.datasets.fetchers.DataSetType;
import org.pydl4j.datasets.fetchers.DatasetFetcher;
import org.pydl4j.datasets.fetchers.RemoteFile;
import org.pydl4j.datasets.iterator.impl.Cifar10DataSetIterator;
import org.pydl4j.nd.dataset.DataSetIterator;

/**
 * CIFAR-10-format data for the DL4J-style programs: the binary archive Cifar10DataSetIterator reads
 * ({@code cifar-10-binary.tar.gz}: label byte + 3072 pixel bytes per record), written into a fresh folder with its
 * checksum (nothing downloaded), holding {@link SyntheticData}'s learnable colour images.
 */
public final class CifarFormatData {
    private CifarFormatData() {}

    /** A Cifar10DataSetIterator over {@code perBatchFile * 5} train images or {@code perBatchFile} test images. */
    public static DataSetIterator iterator(int batchSize, int perBatchFile, DataSetType set, long seed) throws IOException {
        Random r = new Random(seed);
        List<Object[]> entries = new ArrayList<>();
        for (int k = 1; k <= 5; k++) entries.add(new Object[]{"cifar-10-batches-bin/data_batch_" + k + ".bin", '0', records(r, perBatchFile)});
        entries.add(new Object[]{"cifar-10-batches-bin/test_batch.bin", '0', records(r, perBatchFile)});
        File dir = Files.createTempDirectory("cifar-format-").toFile();
        File archive = new File(dir, Cifar10DataSetIterator.ARCHIVE.fileName());
        Files.write(archive.toPath(), DataUtilitiesTest.tarGzForTests(entries.toArray(new Object[0][])));
        archive.deleteOnExit();
        dir.deleteOnExit();
        RemoteFile remote = new RemoteFile(archive.getName(), "http://127.0.0.1:9/unused/" + archive.getName(), Downloader.checksum("MD5", archive));
        return new Cifar10DataSetIterator(batchSize, Integer.MAX_VALUE, new int[]{32, 32}, set, null, seed, new DatasetFetcher("CIFAR10", dir), remote);
    }

    /** n CIFAR records: the label byte, then the red, green and blue 32x32 planes. */
    private static byte[] records(Random r, int n) {
        byte[] out = new byte[n * 3073];
        for (int i = 0; i < n; i++) {
            int label = r.nextInt(10);
            out[i * 3073] = (byte) label;
            float[] img = SyntheticData.image(r, label, 3, 32, 32);
            for (int k = 0; k < img.length; k++) out[i * 3073 + 1 + k] = (byte) Math.round(img[k] * 255);
        }
        return out;
    }
}
