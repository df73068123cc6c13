package org.pydl4j.dl4jstyle;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.pydl4j.common.resources.Downloader;
import org.pydl4j.datasets.fetchers.DatasetFetcher;
import org.pydl4j.datasets.fetchers.RemoteFile;
import org.pydl4j.datasets.iterator.impl.MnistDataSetIterator;
import org.pydl4j.nd.dataset.DataSetIterator;

/**
 * MNIST-format data for the DL4J-style programs: the four gzipped idx files MnistDataSetIterator reads (written into
 * a fresh folder with their checksums, nothing downloaded), holding {@link SyntheticData}'s learnable digits.
 */
public final class MnistFormatData {
    private MnistFormatData() {}

    /** An MnistDataSetIterator over {@code examples} train or test images, as {@code new MnistDataSetIterator(batch, train, seed)} gives. */
    public static DataSetIterator iterator(int batchSize, int examples, boolean train, long seed) throws IOException {
        File dir = Files.createTempDirectory("mnist-format-").toFile();
        Random r = new Random(seed);
        List<RemoteFile> files = new ArrayList<>();
        for (int k = 0; k < 2; k++) {   // train files, then test files
            int[] labels = new int[examples];
            ByteArrayOutputStream images = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(images);
            out.writeInt(0x803); out.writeInt(examples); out.writeInt(28); out.writeInt(28);
            for (int i = 0; i < examples; i++) {
                labels[i] = r.nextInt(10);
                for (float v : SyntheticData.image(r, labels[i], 1, 28, 28)) out.writeByte(Math.round(v * 255));
            }
            ByteArrayOutputStream labelBytes = new ByteArrayOutputStream();
            DataOutputStream lo = new DataOutputStream(labelBytes);
            lo.writeInt(0x801); lo.writeInt(examples);
            for (int l : labels) lo.writeByte(l);
            files.add(write(dir, MnistDataSetIterator.FILES.get(2 * k).fileName(), images.toByteArray()));
            files.add(write(dir, MnistDataSetIterator.FILES.get(2 * k + 1).fileName(), labelBytes.toByteArray()));
        }
        return new MnistDataSetIterator(batchSize, examples, false, train, train, seed, new DatasetFetcher("MNIST", dir), files);
    }

    private static RemoteFile write(File dir, String name, byte[] raw) throws IOException {
        File f = new File(dir, name);
        try (GZIPOutputStream gz = new GZIPOutputStream(Files.newOutputStream(f.toPath()))) {
            gz.write(raw);
        }
        f.deleteOnExit();
        dir.deleteOnExit();
        return new RemoteFile(name, "http://127.0.0.1:9/unused/" + name, Downloader.checksum("MD5", f));
    }
}
