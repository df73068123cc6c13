package org.pydl4j.common;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pydl4j.common.primitives.Pair;
import org.pydl4j.common.resources.Downloader;
import org.pydl4j.common.util.ArchiveUtils;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.MemoryScope;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.concurrency.AffinityManager;
import org.pydl4j.nd.dataset.AsyncDataSetIterator;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nd.dataset.ExistingMiniBatchDataSetIterator;
import org.pydl4j.nd.dataset.ListDataSetIterator;
import org.pydl4j.nd.dataset.MultiDataSet;
import org.pydl4j.nd.dataset.MultiDataSetIterator;
import org.pydl4j.nd.dataset.MultiDataSetIteratorAdapter;
import org.pydl4j.nd.dataset.MultiDataSetPreProcessor;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.graph.MergeVertex;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.weights.WeightInit;

/** ND4J's data utilities: DataSet save/load, saved minibatches, async prefetch, MultiDataSet, archives, downloads. */
public class DataUtilitiesTest {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    @BeforeClass
    public static void setUp() { Nd4j.setBackend("reference"); }

    @AfterClass
    public static void tearDown() { Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT); }

    private static List<DataSet> batches(int n, int batch, long seed) {
        INDArray x = Nd4j.rand(seed, n, 4);
        INDArray y = Nd4j.zeros(n, 3);
        for (int i = 0; i < n; i++) y.putScalar(i, i % 3, 1);
        return new DataSet(x, y).batchBy(batch);
    }

    @Test
    public void dataSetSaveAndLoad() throws IOException {
        DataSet ds = batches(6, 6, 1).get(0);
        File f = tmp.newFile("ds.bin");
        ds.save(f);
        DataSet back = new DataSet();
        back.load(f);
        assertEquals(ds.getFeatures(), back.getFeatures());
        assertEquals(ds.getLabels(), back.getLabels());
        // truncated and hostile files are errors naming the file
        byte[] bytes = Files.readAllBytes(f.toPath());
        Files.write(f.toPath(), java.util.Arrays.copyOf(bytes, bytes.length - 10));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> new DataSet().load(f));
        assertTrue(e.getMessage(), e.getMessage().contains(f.toString()));
        Files.write(f.toPath(), new byte[]{(byte) 0xff});
        assertThrows(UncheckedIOException.class, () -> new DataSet().load(f));
        Files.write(f.toPath(), new byte[]{32});   // Java-serialized metadata: never read
        e = assertThrows(UncheckedIOException.class, () -> new DataSet().load(f));
        assertTrue(e.getMessage(), e.getMessage().contains("metadata"));
    }

    @Test
    public void existingMiniBatchesReadBackInOrder() throws IOException {
        File dir = tmp.newFolder("batches");
        List<DataSet> original = batches(10, 4, 2);
        int saved = ExistingMiniBatchDataSetIterator.saveAll(new ListDataSetIterator<>(original, 4), dir, ExistingMiniBatchDataSetIterator.DEFAULT_PATTERN);
        assertEquals(3, saved);
        assertTrue(new File(dir, "dataset-2.bin").isFile());
        DataSetIterator it = new ExistingMiniBatchDataSetIterator(dir);
        for (int round = 0; round < 2; round++) {
            int i = 0;
            while (it.hasNext()) assertEquals(original.get(i++).getFeatures(), it.next().getFeatures());
            assertEquals(3, i);
            it.reset();
        }
        assertThrows(IllegalArgumentException.class, () -> new ExistingMiniBatchDataSetIterator(dir, "../x-%d.bin"));
        // DataSets already in memory
        org.pydl4j.nd.dataset.ExistingDataSetIterator existing = new org.pydl4j.nd.dataset.ExistingDataSetIterator(original);
        int n = 0;
        while (existing.hasNext()) assertEquals(original.get(n++).getFeatures(), existing.next().getFeatures());
        existing.reset();
        assertTrue(existing.hasNext());
        assertEquals(3, n);
    }

    /**
     * Batches made on the prefetch thread survive the consumer's training steps (each a MemoryScope that closes what
     * it allocated) and forced garbage collections: values are intact and arrays not closed.
     */
    @Test
    public void asyncPrefetchSurvivesTrainingScopesAndGc() {
        List<DataSet> data = batches(64, 8, 3);
        List<DataSet> expected = new ArrayList<>();
        for (DataSet d : data) expected.add(new DataSet(d.getFeatures().dup(), d.getLabels().dup()));
        ComputationGraph net = smallNet();
        AsyncDataSetIterator async = new AsyncDataSetIterator(new ListDataSetIterator<>(data, 8), 3);
        for (int epoch = 0; epoch < 2; epoch++) {
            int i = 0;
            while (async.hasNext()) {
                DataSet d = async.next();
                try (MemoryScope scope = MemoryScope.open()) {
                    net.fit(d);
                    INDArray tmpArr = d.getFeatures().mul(2);   // allocated in the consumer's scope: closed with it
                    assertFalse(tmpArr.isClosed());
                }
                System.gc();
                assertFalse("prefetched features were closed by the consumer's scope", d.getFeatures().isClosed());
                assertTrue(expected.get(i).getFeatures().equalsWithEps(d.getFeatures(), 0));
                assertTrue(expected.get(i).getLabels().equalsWithEps(d.getLabels(), 0));
                i++;
            }
            assertEquals(8, i);
            async.reset();
        }
        // fit over the async iterator directly (the usual DL4J way)
        net.fit(async, 2);
        assertEquals(2 * 8 + 16, net.getIterationCount());
        async.shutdown();
        // a failure on the prefetch thread reaches the consumer
        DataSetIterator failing = new ListDataSetIterator<>(data, 8) {
            @Override public DataSet next() { throw new IllegalStateException("disk gone"); }
        };
        AsyncDataSetIterator bad = new AsyncDataSetIterator(failing);
        IllegalStateException ex = assertThrows(IllegalStateException.class, bad::hasNext);
        assertTrue(ex.getMessage(), ex.getMessage().contains("disk gone"));
        bad.shutdown();
    }

    private static ComputationGraph smallNet() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).updater(new Adam(0.01))
                .weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in")
                .addLayer("h", new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.RELU).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3).activation(Activation.SOFTMAX).build(), "h")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /** A two-input graph trained from a MultiDataSetIterator, as DL4J's multi-input examples do. */
    @Test
    public void computationGraphFitsAMultiDataSetIterator() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(0.05))
                .weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("a", "b")
                .addLayer("da", new DenseLayer.Builder().nIn(2).nOut(4).activation(Activation.TANH).build(), "a")
                .addLayer("db", new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).build(), "b")
                .addVertex("merge", new MergeVertex(), "da", "db")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(2).activation(Activation.SOFTMAX).build(), "merge")
                .setOutputs("out").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        INDArray a = Nd4j.randn(5L, new long[]{32, 2}), b = Nd4j.randn(6L, new long[]{32, 3});
        INDArray y = Nd4j.zeros(32, 2);
        for (int i = 0; i < 32; i++) y.putScalar(i, a.getDouble(i, 0) + b.getDouble(i, 2) > 0 ? 1 : 0, 1);
        List<MultiDataSet> list = new ArrayList<>();
        for (int i = 0; i < 32; i += 8) {
            org.pydl4j.nd.INDArrayIndex r = org.pydl4j.nd.NDArrayIndex.interval(i, i + 8);
            list.add(new MultiDataSet(new INDArray[]{a.get(r), b.get(r)}, new INDArray[]{y.get(r)}));
        }
        int[] preprocessed = {0};
        MultiDataSetIterator iter = new MultiDataSetIterator() {
            int cursor;
            MultiDataSetPreProcessor pp;
            @Override public MultiDataSet next(int num) { return next(); }
            @Override public MultiDataSet next() { MultiDataSet m = list.get(cursor++); if (pp != null) pp.preProcess(m); return m; }
            @Override public boolean hasNext() { return cursor < list.size(); }
            @Override public void setPreProcessor(MultiDataSetPreProcessor p) { pp = p; }
            @Override public MultiDataSetPreProcessor getPreProcessor() { return pp; }
            @Override public boolean resetSupported() { return true; }
            @Override public boolean asyncSupported() { return false; }
            @Override public void reset() { cursor = 0; }
        };
        iter.setPreProcessor(m -> preprocessed[0]++);
        double before = net.score(new INDArray[]{a, b}, new INDArray[]{y}, false);
        org.pydl4j.nd.dataset.AsyncMultiDataSetIterator async = new org.pydl4j.nd.dataset.AsyncMultiDataSetIterator(iter, 2);
        net.fit(async, 30);
        async.shutdown();
        assertEquals(30, net.getEpochCount());
        // 4 batches x 30 epochs pre-processed (plus any the prefetch thread read ahead before the first reset)
        assertTrue(String.valueOf(preprocessed[0]), preprocessed[0] >= 120 && preprocessed[0] <= 124);
        double after = net.score(new INDArray[]{a, b}, new INDArray[]{y}, false);
        assertTrue(before + " -> " + after, after < 0.5 * before);
        assertThrows(IllegalArgumentException.class, () -> new MultiDataSet(new INDArray[]{a, Nd4j.zeros(3, 3)}, new INDArray[]{y}));
        // a DataSetIterator through the adapter
        ComputationGraph single = smallNet();
        single.fit(new MultiDataSetIteratorAdapter(new ListDataSetIterator<>(batches(16, 8, 4), 8)));
        assertEquals(2, single.getIterationCount());
    }

    @Test
    public void pairArgMaxAndAffinity() {
        Pair<String, Integer> p = Pair.of("a", 1);
        assertEquals("a", p.getFirst());
        assertEquals(Integer.valueOf(1), p.getSecond());
        assertEquals(p, new Pair<>("a", 1));
        assertEquals(p.getKey(), Pair.makePair("a", 2).getLeft());
        INDArray m = Nd4j.create(new float[]{1, 5, 2, 7, 0, 3}, 2, 3);
        INDArray am = Nd4j.argMax(m, 1);
        assertEquals(1, am.getDouble(0), 0);
        assertEquals(0, am.getDouble(1), 0);
        assertEquals(3, Nd4j.argMax(m).getDouble(0), 0);
        AffinityManager aff = Nd4j.getAffinityManager();
        assertEquals(Integer.valueOf(0), aff.getDeviceForCurrentThread());
        assertEquals(1, aff.getNumberOfDevices());
        aff.attachThreadToDevice(Thread.currentThread(), 0);
        assertEquals(m, aff.replicateToDevice(0, m));
        aff.tagLocation(m, AffinityManager.Location.HOST);
        assertThrows(IllegalArgumentException.class, () -> aff.attachThreadToDevice(Thread.currentThread(), 3));
    }

    // ---------------------------------------------------------------- archives

    /** A tar entry as written by tar(1): ustar header with checksum, content padded to 512 bytes. */
    static void tarEntry(OutputStream out, String name, char type, byte[] content, String link) throws IOException {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", content.length));
        put(h, 136, "00000000000");
        h[156] = (byte) type;
        if (link != null) put(h, 157, link);
        put(h, 257, "ustar");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) h[i] = ' ';
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        out.write(h);
        out.write(content);
        out.write(new byte[(512 - content.length % 512) % 512]);
    }

    private static void put(byte[] h, int off, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, b.length);
    }

    /** A .tar.gz of (name, type, content[, link]) entries, for other tests. */
    public static byte[] tarGzForTests(Object[][] entries) throws IOException { return tarGz(entries); }

    static byte[] tarGz(Object[][] entries) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            for (Object[] e : entries) tarEntry(gz, (String) e[0], (Character) e[1], (byte[]) e[2], e.length > 3 ? (String) e[3] : null);
            gz.write(new byte[1024]);
        }
        return bos.toByteArray();
    }

    @Test
    public void archivesExtractSafely() throws IOException {
        File dir = tmp.newFolder("arch");
        File tgz = new File(dir, "a.tar.gz");
        Files.write(tgz.toPath(), tarGz(new Object[][]{{"top/", '5', new byte[0]}, {"top/x.txt", '0', "hello".getBytes()},
                {"top/sub/y.bin", '0', new byte[700]}}));
        File out = new File(dir, "out");
        ArchiveUtils.unzipFileTo(tgz.getPath(), out.getPath());
        assertEquals("hello", new String(Files.readAllBytes(new File(out, "top/x.txt").toPath())));
        assertEquals(700, new File(out, "top/sub/y.bin").length());
        assertEquals(List.of("top/", "top/x.txt", "top/sub/y.bin"), ArchiveUtils.tarListFiles(tgz));

        File zip = new File(dir, "b.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip.toPath()))) {
            z.putNextEntry(new ZipEntry("d/e.txt"));
            z.write("zip!".getBytes());
            z.closeEntry();
        }
        ArchiveUtils.unzipFileTo(zip.getPath(), out.getPath());
        assertEquals("zip!", new String(Files.readAllBytes(new File(out, "d/e.txt").toPath())));
        ArchiveUtils.zipExtractSingleFile(zip, new File(dir, "single.txt"), "d/e.txt");
        assertEquals(4, new File(dir, "single.txt").length());

        // traversal, absolute names and links are refused; nothing lands outside
        for (Object[][] evil : new Object[][][]{{{"../escape.txt", '0', "x".getBytes()}}, {{"/tmp/abs.txt", '0', "x".getBytes()}},
                {{"link", '2', new byte[0], "/etc/passwd"}}, {{"hard", '1', new byte[0], "top/x.txt"}}, {{"dev", '3', new byte[0]}}}) {
            File e = new File(dir, "evil.tar.gz");
            Files.write(e.toPath(), tarGz(evil));
            IOException ex = assertThrows(IOException.class, () -> ArchiveUtils.unzipFileTo(e.getPath(), new File(dir, "evilout").getPath()));
            assertTrue(ex.getMessage(), ex.getMessage().contains("refused") || ex.getMessage().contains("not extracted"));
        }
        assertFalse(new File(dir, "escape.txt").exists());
        File zipSlip = new File(dir, "slip.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zipSlip.toPath()))) {
            z.putNextEntry(new ZipEntry("a/../../slip.txt"));
            z.write(1);
            z.closeEntry();
        }
        assertThrows(IOException.class, () -> ArchiveUtils.unzipFileTo(zipSlip.getPath(), new File(dir, "slipout").getPath()));
        assertFalse(new File(dir, "slip.txt").exists());
        // corrupt tar header
        byte[] bad = tarGz(new Object[][]{{"ok.txt", '0', "x".getBytes()}});
        File badF = new File(dir, "bad.tgz");
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) { gz.write(new byte[]{'n', 'o', 't', 'a', 't', 'a', 'r'}); gz.write(new byte[600]); }
        Files.write(badF.toPath(), bos.toByteArray());
        assertThrows(IOException.class, () -> ArchiveUtils.unzipFileTo(badF.getPath(), new File(dir, "badout").getPath()));
        assertTrue(bad.length > 0);
    }

    // ---------------------------------------------------------------- downloads

    @Test
    public void downloaderVerifiesRetriesAndReplacesAtomically() throws Exception {
        byte[] body = "some dataset bytes".getBytes();
        File part = tmp.newFile("probe");
        Files.write(part.toPath(), body);
        String md5 = Downloader.checksum("MD5", part), sha = Downloader.checksum("SHA-256", part);
        try (LoopbackServer server = new LoopbackServer().serve("/d/file.bin", body)) {
            File target = new File(tmp.getRoot(), "cache/file.bin");
            server.failNext.set(2);   // two failures, then success: within 3 tries
            Downloader.download("test file", new URL(server.url("/d/file.bin")), target, md5, 3);
            assertEquals(new String(body), new String(Files.readAllBytes(target.toPath())));
            int hits = server.requests.get();
            Downloader.download("test file", new URL(server.url("/d/file.bin")), target, sha, 3);
            assertEquals("a verified file is not downloaded again", hits, server.requests.get());
            assertTrue(Downloader.checkMD5OfFile(md5, target));

            File other = new File(tmp.getRoot(), "cache/other.bin");
            IOException e = assertThrows(IOException.class, () -> Downloader.download("other", new URL(server.url("/d/file.bin")), other, "0".repeat(32), 2));
            assertTrue(e.getMessage(), e.getMessage().contains("checksum mismatch") && e.getMessage().contains("other"));
            assertFalse("a bad download leaves nothing behind", other.exists());
            String[] leftovers = new File(tmp.getRoot(), "cache").list((d, n) -> n.contains(".part-"));
            assertEquals(0, leftovers.length);
            assertThrows(IOException.class, () -> Downloader.download("x", new URL("ftp://127.0.0.1/x"), other, md5, 1));
        }
    }
}
