package org.pydl4j.datasets.iterator;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pydl4j.common.LoopbackServer;
import org.pydl4j.common.resources.Downloader;
import org.pydl4j.datasets.fetchers.DataSetType;
import org.pydl4j.datasets.fetchers.DatasetFetcher;
import org.pydl4j.datasets.fetchers.DatasetUnavailableException;
import org.pydl4j.datasets.fetchers.RemoteFile;
import org.pydl4j.datasets.image.transform.FlipImageTransform;
import org.pydl4j.datasets.iterator.impl.Cifar10DataSetIterator;
import org.pydl4j.datasets.iterator.impl.EmnistDataSetIterator;
import org.pydl4j.datasets.iterator.impl.MnistDataSetIterator;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.zoo.PretrainedCache;

/**
 * MNIST, EMNIST and CIFAR-10 iterators on small files this test writes in the real formats (idx gzip, the NIST zip,
 * the CIFAR binary tar.gz), served from a loopback HTTP server or placed in the cache; hostile headers refused.
 */
public class BuiltInDatasetsTest {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    @BeforeClass
    public static void setUp() { Nd4j.setBackend("reference"); }

    @AfterClass
    public static void tearDown() { Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT); }

    /** Pixel (r, c) of example i: a bright 4x4 block whose place encodes the label, plus a per-example value. */
    static int pixel(int i, int label, int r, int c) {
        int br = 4 + 6 * (label / 4), bc = 2 + 6 * (label % 4);
        if (r >= br && r < br + 4 && c >= bc && c < bc + 4) return 200 + (i % 50);
        return (r * 28 + c + i) % 20;
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) { gz.write(b); }
        return bos.toByteArray();
    }

    static byte[] idxImages(int n, int[] labels, int declaredCount, int rows, int cols) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.writeInt(0x803); out.writeInt(declaredCount); out.writeInt(rows); out.writeInt(cols);
        for (int i = 0; i < n; i++) for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) out.writeByte(pixel(i, labels[i], r, c));
        return gzip(bos.toByteArray());
    }

    static byte[] idxLabels(int[] labels, int offset) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.writeInt(0x801); out.writeInt(labels.length);
        for (int l : labels) out.writeByte(l + offset);
        return gzip(bos.toByteArray());
    }

    static int[] labels(int n) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) l[i] = (i * 7 + 3) % 10;
        return l;
    }

    private String md5(byte[] b) throws IOException {
        File f = tmp.newFile();
        Files.write(f.toPath(), b);
        return Downloader.checksum("MD5", f);
    }

    /** Serves MNIST-format files (train n, test 20) and returns the matching RemoteFile list. */
    private List<RemoteFile> serveMnist(LoopbackServer server, int n) throws IOException {
        int[] tr = labels(n), te = labels(20);
        byte[][] bodies = {idxImages(n, tr, n, 28, 28), idxLabels(tr, 0), idxImages(20, te, 20, 28, 28), idxLabels(te, 0)};
        List<RemoteFile> files = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            String name = MnistDataSetIterator.FILES.get(k).fileName();
            server.serve("/mnist/" + name, bodies[k]);
            files.add(new RemoteFile(name, server.url("/mnist/" + name), md5(bodies[k])));
        }
        return files;
    }

    @Test
    public void defaultsAreTheCanonicalFilesUnderTheUsersCache() throws IOException {
        assertEquals(List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
                MnistDataSetIterator.FILES.stream().map(RemoteFile::fileName).toList());
        assertTrue(MnistDataSetIterator.FILES.get(0).urls().get(0).startsWith("http://yann.lecun.com/exdb/mnist/"));
        assertTrue(Cifar10DataSetIterator.ARCHIVE.urls().get(0).endsWith("/cifar-10-binary.tar.gz"));
        assertEquals(PretrainedCache.home().resolve("data").resolve("MNIST").toFile(), DatasetFetcher.defaultFor("MNIST").getDirectory());
        File moved = new File(tmp.getRoot(), "dl4j-home");
        org.pydl4j.common.resources.DL4JResources.setBaseDirectory(moved);
        try {
            assertEquals(new File(moved, "data/CIFAR10"), DatasetFetcher.defaultFor("CIFAR10").getDirectory());
        } finally {
            org.pydl4j.common.resources.DL4JResources.resetBaseDirectoryLocation();
        }
    }

    @Test
    public void mnistDownloadsOnceThenServesShuffledBatches() throws Exception {
        try (LoopbackServer server = new LoopbackServer()) {
            List<RemoteFile> files = serveMnist(server, 50);
            DatasetFetcher fetcher = new DatasetFetcher("MNIST", tmp.newFolder("cache", "MNIST"));
            DataSetIterator it = new MnistDataSetIterator(16, 50, false, true, true, 42, fetcher, files);
            int hits = server.requests.get();
            assertEquals(2, hits);   // the two training files
            List<Integer> seen = new ArrayList<>();
            int[] sizes = new int[4];
            int b = 0;
            while (it.hasNext()) {
                DataSet ds = it.next();
                assertEquals(784, ds.getFeatures().size(1));
                assertEquals(10, ds.getLabels().size(1));
                sizes[b++] = (int) ds.getFeatures().size(0);
                for (int r = 0; r < ds.numExamples(); r++) {
                    int label = (int) Nd4j.argMax(ds.getLabels().getRow(r)).getDouble(0);
                    seen.add(label);
                    int br = 4 + 6 * (label / 4), bc = 2 + 6 * (label % 4);
                    assertTrue("label " + label + " block is bright", ds.getFeatures().getDouble(r, br * 28 + bc) >= 200 / 255.0 - 1e-6);
                }
            }
            assertArrayEquals(new int[]{16, 16, 16, 2}, sizes);
            List<Integer> want = new ArrayList<>();
            for (int l : labels(50)) want.add(l);
            java.util.Collections.sort(want);
            java.util.Collections.sort(seen);
            assertEquals("every example once per epoch", want, seen);
            // same seed, same order; another seed, another order; reset reshuffles
            List<Double> a = firstColumn(new MnistDataSetIterator(50, 50, false, true, true, 42, fetcher, files));
            List<Double> a2 = firstColumn(new MnistDataSetIterator(50, 50, false, true, true, 42, fetcher, files));
            List<Double> other = firstColumn(new MnistDataSetIterator(50, 50, false, true, true, 7, fetcher, files));
            assertEquals(a, a2);
            assertNotEquals(a, other);
            assertEquals(new HashSet<>(a), new HashSet<>(other));
            assertEquals("files were cached: no new requests", hits, server.requests.get());
            // binarized: 1 above 30, else 0
            DataSet bin = new MnistDataSetIterator(50, 50, true, true, false, 0, fetcher, files).next();
            Set<Double> values = new HashSet<>();
            for (int i = 0; i < bin.getFeatures().length(); i++) values.add(bin.getFeatures().getDoubleLinear(i));
            assertEquals(Set.of(0.0, 1.0), values);
            assertEquals(1.0, bin.getFeatures().getDouble(0, (4 + 6 * (labels(1)[0] / 4)) * 28 + 2 + 6 * (labels(1)[0] % 4)), 0);
            // test split
            DataSetIterator test = new MnistDataSetIterator(100, 20, false, false, false, 0, fetcher, files);
            assertEquals(20, test.next().numExamples());
        }
    }

    private static List<Double> firstColumn(DataSetIterator it) {
        List<Double> out = new ArrayList<>();
        INDArray f = it.next().getFeatures();
        for (int r = 0; r < f.size(0); r++) out.add(f.getDouble(r, 0) + 10 * Nd4j.argMax(f.getRow(r)).getDouble(0));
        return out;
    }

    @Test
    public void filesPlacedInTheCacheNeedNoNetworkAndOfflineErrorsSayWhereToPlaceThem() throws Exception {
        File dir = tmp.newFolder("placed");
        List<RemoteFile> served;
        try (LoopbackServer server = new LoopbackServer()) {
            served = serveMnist(server, 30);
        }
        // the server is gone: files placed by hand (right checksums) are used as they are
        DatasetFetcher fetcher = new DatasetFetcher("MNIST", dir);
        IOException e = assertThrows(DatasetUnavailableException.class, () -> new MnistDataSetIterator(10, 30, false, true, false, 0, fetcher, served));
        File expected = new File(dir, "train-images-idx3-ubyte.gz");
        assertTrue(e.getMessage(), e.getMessage().contains("place it at " + expected) && e.getMessage().contains(served.get(0).checksum()));
        int[] tr = labels(30);
        Files.write(expected.toPath(), idxImages(30, tr, 30, 28, 28));
        Files.write(new File(dir, "train-labels-idx1-ubyte.gz").toPath(), idxLabels(tr, 0));
        assertEquals(10, new MnistDataSetIterator(10, 30, false, true, false, 0, fetcher, served).next().numExamples());
    }

    private DatasetFetcher placed(String name, byte[] images, byte[] labels) throws IOException {
        File dir = tmp.newFolder();
        Files.write(new File(dir, "train-images-idx3-ubyte.gz").toPath(), images);
        Files.write(new File(dir, "train-labels-idx1-ubyte.gz").toPath(), labels);
        return new DatasetFetcher(name, dir);
    }

    private List<RemoteFile> filesFor(DatasetFetcher f) throws IOException {
        List<RemoteFile> out = new ArrayList<>();
        for (String n : new String[]{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
            File file = new File(f.getDirectory(), n);
            out.add(new RemoteFile(n, "http://127.0.0.1:9/none", file.isFile() ? Downloader.checksum("MD5", file) : "0".repeat(32)));
        }
        return out;
    }

    @Test
    public void hostileIdxHeadersAreRefusedBeforeAllocating() throws Exception {
        int[] l = labels(5);
        String[][] cases = {{"huge count", "declares"}, {"huge side", "declares images"}, {"truncated", "truncated"}, {"bad label", "label"}, {"bad magic", "not an idx"}};
        for (String[] c : cases) {
            byte[] images, labelsBytes = idxLabels(l, 0);
            switch (c[0]) {
                case "huge count": images = idxImages(5, l, Integer.MAX_VALUE, 28, 28); break;
                case "huge side": images = idxImages(0, l, 5, 100000, 100000); break;
                case "truncated": images = idxImages(5, l, 9, 28, 28); break;
                case "bad label": images = idxImages(5, l, 5, 28, 28); labelsBytes = idxLabels(new int[]{1, 2, 30, 4, 5}, 0); break;
                default: images = gzip(new byte[]{1, 2, 3, 4, 0, 0, 0, 5, 0, 0, 0, 28, 0, 0, 0, 28});
            }
            DatasetFetcher f = placed("MNIST", images, labelsBytes);
            IOException e = assertThrows(c[0], IOException.class, () -> new MnistDataSetIterator(5, 1000, false, true, false, 0, f, filesFor(f)));
            assertTrue(c[0] + ": " + e.getMessage(), e.getMessage().contains(c[1]) && e.getMessage().contains(f.getDirectory().toString()));
        }
    }

    @Test
    public void emnistLettersFromTheNistArchive() throws Exception {
        int n = 26;
        int[] l = new int[n];
        for (int i = 0; i < n; i++) l[i] = i % 10;   // pattern class (image) ...
        int[] letters = new int[n];
        for (int i = 0; i < n; i++) letters[i] = i;   // ... and the letter label 0..25 (1..26 in the file)
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            z.putNextEntry(new ZipEntry("gzip/emnist-letters-train-images-idx3-ubyte.gz"));
            z.write(idxImages(n, l, n, 28, 28));
            z.putNextEntry(new ZipEntry("gzip/emnist-letters-train-labels-idx1-ubyte.gz"));
            z.write(idxLabels(letters, 1));
            z.closeEntry();
        }
        try (LoopbackServer server = new LoopbackServer().serve("/emnist/gzip.zip", zip.toByteArray())) {
            RemoteFile archive = new RemoteFile("gzip.zip", server.url("/emnist/gzip.zip"), md5(zip.toByteArray()));
            DatasetFetcher fetcher = new DatasetFetcher("EMNIST", tmp.newFolder("EMNIST"));
            EmnistDataSetIterator it = new EmnistDataSetIterator(EmnistDataSetIterator.Set.LETTERS, 8, n, false, true, false, 1, fetcher, archive);
            assertEquals(26, it.totalOutcomes());
            DataSet first = it.next();
            assertEquals(26, first.getLabels().size(1));
            for (int r = 0; r < 8; r++) assertEquals(r, Nd4j.argMax(first.getLabels().getRow(r)).getDouble(0), 0);
            assertEquals("A", it.getLabels().get(0));
            assertEquals(47, EmnistDataSetIterator.numLabels(EmnistDataSetIterator.Set.BALANCED));
            assertEquals('t', EmnistDataSetIterator.getLabelsArray(EmnistDataSetIterator.Set.MERGE)[46]);
            assertTrue(EmnistDataSetIterator.isBalanced(EmnistDataSetIterator.Set.DIGITS));
        }
    }

    static byte[] cifarRecords(int n, int labelBase) {
        byte[] b = new byte[n * Cifar10DataSetIterator.RECORD];
        for (int i = 0; i < n; i++) {
            int o = i * Cifar10DataSetIterator.RECORD;
            b[o] = (byte) ((labelBase + i) % 10);
            for (int c = 0; c < 3; c++) for (int p = 0; p < 1024; p++) b[o + 1 + c * 1024 + p] = (byte) ((p % 32) * 8 + c * 3 + i);
        }
        return b;
    }

    @Test
    public void cifar10FromTheBinaryArchive() throws Exception {
        List<Object[]> entries = new ArrayList<>();
        entries.add(new Object[]{"cifar-10-batches-bin/", '5', new byte[0]});
        for (int k = 1; k <= 5; k++) entries.add(new Object[]{"cifar-10-batches-bin/data_batch_" + k + ".bin", '0', cifarRecords(3, k)});
        entries.add(new Object[]{"cifar-10-batches-bin/test_batch.bin", '0', cifarRecords(4, 0)});
        byte[] tgz = org.pydl4j.common.DataUtilitiesTest.tarGzForTests(entries.toArray(new Object[0][]));
        try (LoopbackServer server = new LoopbackServer().serve("/c/cifar-10-binary.tar.gz", tgz)) {
            RemoteFile archive = new RemoteFile("cifar-10-binary.tar.gz", server.url("/c/cifar-10-binary.tar.gz"), md5(tgz));
            DatasetFetcher fetcher = new DatasetFetcher("CIFAR10", tmp.newFolder("CIFAR10"));
            Cifar10DataSetIterator test = new Cifar10DataSetIterator(10, 100, new int[]{32, 32}, DataSetType.TEST, null, 1, fetcher, archive);
            DataSet d = test.next();
            assertArrayEquals(new long[]{4, 3, 32, 32}, d.getFeatures().shape());
            assertEquals(3 * 8 + 2 * 3 + 1, d.getFeatures().getDouble(1, 2, 0, 3), 0);   // example 1, blue, x = 3
            assertEquals(1, Nd4j.argMax(d.getLabels().getRow(1)).getDouble(0), 0);
            assertEquals("automobile", test.getLabels().get(1));
            Cifar10DataSetIterator train = new Cifar10DataSetIterator(5, 100, new int[]{32, 32}, DataSetType.TRAIN, null, 1, fetcher, archive);
            int total = 0;
            while (train.hasNext()) total += train.next().numExamples();
            assertEquals(15, total);
            // resized and mirrored (FlipImageTransform(1): around the y-axis)
            Cifar10DataSetIterator flipped = new Cifar10DataSetIterator(10, 100, new int[]{32, 32}, DataSetType.TEST, new FlipImageTransform(1), 1, fetcher, archive);
            INDArray fl = flipped.next().getFeatures();
            assertEquals(d.getFeatures().getDouble(0, 0, 5, 31 - 3), fl.getDouble(0, 0, 5, 3), 0);
            Cifar10DataSetIterator small = new Cifar10DataSetIterator(10, 100, new int[]{16, 16}, DataSetType.TEST, null, 1, fetcher, archive);
            assertArrayEquals(new long[]{4, 3, 16, 16}, small.next().getFeatures().shape());
            assertArrayEquals(new long[]{4, 3, 32, 32}, new Cifar10DataSetIterator(10, 100, null, DataSetType.TEST, null, 1, fetcher, archive).next().getFeatures().shape());
            assertThrows(IllegalArgumentException.class, () -> new Cifar10DataSetIterator(10, 100, new int[]{32, 32}, DataSetType.VALIDATION, null, 1, fetcher, archive));
            // a file that is not whole records is refused, naming it
            File bad = fetcher.resolve("cifar-10-batches-bin/test_batch.bin").toFile();
            Files.write(bad.toPath(), new byte[Cifar10DataSetIterator.RECORD + 5]);
            java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, () -> new Cifar10DataSetIterator(10, 100, new int[]{32, 32}, DataSetType.TEST, null, 1, fetcher, archive));
            assertTrue(e.getMessage(), e.getMessage().contains("test_batch.bin"));
        }
    }
}
