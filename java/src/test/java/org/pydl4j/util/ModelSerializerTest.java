package org.pydl4j.util;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.ConvolutionMode;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.BatchNormalization;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.conf.layers.SubsamplingLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.util.serde.AtomicFiles;
import org.pydl4j.util.serde.Nd4jBinary;

/** Our model zips: bit-exact round trips (params, updater state, outputs, resumed training), atomic writes, bad files. */
public class ModelSerializerTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @After
    public void resetDefaultType() { Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT); }

    static ComputationGraph smallCnn(long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(1e-2))
                .weightInit(org.pydl4j.nn.weights.WeightInit.XAVIER).activation(Activation.RELU)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(6, 6, 2))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().build(), "conv")
                .addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX, new int[]{2, 2}, new int[]{2, 2}).build(), "bn")
                .addLayer("dense", new DenseLayer.Builder().nOut(5).dropOut(0.8).build(), "pool")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    static DataSet data(long seed, int n) {
        INDArray x = Nd4j.rand(seed, new long[]{n, 2, 6, 6});
        INDArray y = Nd4j.zeros(n, 3);
        for (int i = 0; i < n; i++) y.putScalar(i, i % 3, 1.0);
        return new DataSet(x, y);
    }

    static void assertBitsEqual(String what, INDArray a, INDArray b) {
        assertEquals(what + " length", a.length(), b.length());
        assertEquals(what + " type", a.dataType(), b.dataType());
        for (int i = 0; i < a.length(); i++) {
            if (Double.doubleToRawLongBits(a.getDoubleLinear(i)) != Double.doubleToRawLongBits(b.getDoubleLinear(i))) {
                fail(what + " differs at " + i + ": " + a.getDoubleLinear(i) + " vs " + b.getDoubleLinear(i));
            }
        }
    }

    @Test
    public void roundTripIsBitExactAndTrainingResumesExactly() throws IOException {
        ComputationGraph g = smallCnn(42);
        DataSet ds = data(1, 6);
        for (int i = 0; i < 3; i++) g.fit(ds);
        assertEquals(3, g.getIterationCount());
        File f = tmp.newFile("model.zip");
        ModelSerializer.writeModel(g, f, true);

        try (ZipFile z = new ZipFile(f)) {
            for (String e : new String[]{"configuration.json", "coefficients.bin", "updaterState.bin", "pydl4j.json"}) assertNotNull(e, z.getEntry(e));
        }
        ComputationGraph r = ModelSerializer.restoreComputationGraph(f);
        assertEquals(g.getConfiguration().toJson(), r.getConfiguration().toJson());
        assertBitsEqual("params", g.params(), r.params());
        assertBitsEqual("updater state", g.getUpdater().getStateViewArray(), r.getUpdater().getStateViewArray());
        assertEquals(3, r.getIterationCount());
        assertEquals(g.getEpochCount(), r.getEpochCount());
        INDArray x = data(2, 4).getFeatures();
        assertBitsEqual("output", g.outputSingle(x), r.outputSingle(x));

        // both continue training identically (updater state, iteration count and dropout seeds restored)
        for (int i = 0; i < 2; i++) { g.fit(ds); r.fit(ds); }
        assertBitsEqual("params after resumed training", g.params(), r.params());
        assertBitsEqual("updater state after resumed training", g.getUpdater().getStateViewArray(), r.getUpdater().getStateViewArray());
    }

    @Test
    public void withoutUpdaterStateAndFromStream() throws IOException {
        ComputationGraph g = smallCnn(7);
        g.fit(data(3, 6));
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        ModelSerializer.writeModel(g, bos, false);
        ComputationGraph r = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bos.toByteArray()));
        assertBitsEqual("params", g.params(), r.params());
        INDArray state = r.getUpdater().getStateViewArray();
        for (int i = 0; i < state.length(); i++) assertEquals(0.0, state.getDoubleLinear(i), 0);

        File f = tmp.newFile("with.zip");
        ModelSerializer.writeModel(g, f.getPath(), true);
        ComputationGraph noUpd = ModelSerializer.restoreComputationGraph(f.getPath(), false);
        INDArray s2 = noUpd.getUpdater().getStateViewArray();
        for (int i = 0; i < s2.length(); i++) assertEquals(0.0, s2.getDoubleLinear(i), 0);
        assertBitsEqual("params", g.params(), noUpd.params());
    }

    @Test
    public void doubleGraphStaysDouble() throws IOException {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        ComputationGraph g = smallCnn(9);
        assertEquals(DataType.DOUBLE, g.getDataType());
        File f = tmp.newFile("d.zip");
        ModelSerializer.writeModel(g, f, true);
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        ComputationGraph r = ModelSerializer.restoreComputationGraph(f);
        assertEquals(DataType.DOUBLE, r.getDataType());
        assertBitsEqual("params", g.params(), r.params());
    }

    // ---------------------------------------------------------------- atomic writes

    private static long tempFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().contains(".tmp-")).count();
        }
    }

    @Test
    public void failedWriteLeavesOldFileIntactAndNoTempFile() throws IOException {
        ComputationGraph g = smallCnn(1);
        Path target = tmp.getRoot().toPath().resolve("model.zip");
        ModelSerializer.writeModel(g, target.toFile(), true);
        byte[] before = Files.readAllBytes(target);

        // a writer that dies half-way through a new version of the model
        ComputationGraph other = smallCnn(2);
        try {
            AtomicFiles.write(target, out -> {
                ByteArrayOutputStream full = new ByteArrayOutputStream();
                ModelSerializer.writeModel(other, full, true);
                out.write(full.toByteArray(), 0, full.size() / 2);
                throw new IOException("disk full (simulated)");
            });
            fail("expected the simulated failure");
        } catch (IOException e) {
            assertEquals("disk full (simulated)", e.getMessage());
        }
        assertArrayEquals("old model must be untouched", before, Files.readAllBytes(target));
        assertEquals("no temporary file may be left", 0, tempFiles(target.getParent()));
        assertBitsEqual("old model still loads", g.params(), ModelSerializer.restoreComputationGraph(target.toFile()).params());

        // a runtime failure inside the writer is cleaned up as well
        try {
            AtomicFiles.write(target, out -> { out.write(new byte[100]); throw new IllegalStateException("boom"); });
            fail("expected the runtime failure");
        } catch (IllegalStateException e) {
            assertEquals("boom", e.getMessage());
        }
        assertArrayEquals(before, Files.readAllBytes(target));
        assertEquals(0, tempFiles(target.getParent()));

        // a successful write replaces the file completely
        ModelSerializer.writeModel(other, target.toFile(), true);
        assertBitsEqual("new model", other.params(), ModelSerializer.restoreComputationGraph(target.toFile()).params());
        assertEquals(0, tempFiles(target.getParent()));
    }

    @Test
    public void writeIntoMissingDirectoryOrOntoDirectoryFails() throws IOException {
        ComputationGraph g = smallCnn(1);
        File missing = new File(tmp.getRoot(), "no/such/dir/model.zip");
        try {
            ModelSerializer.writeModel(g, missing, false);
            fail("expected IOException");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("does not exist"));
        }
        File dir = tmp.newFolder("adir");
        try {
            ModelSerializer.writeModel(g, dir, false);
            fail("expected IOException");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("is a directory"));
        }
        assertEquals(0, tempFiles(tmp.getRoot().toPath()));
    }

    // ---------------------------------------------------------------- bad files

    private void expectIo(File f, String... fragments) {
        try {
            ModelSerializer.restoreComputationGraph(f);
            fail("expected an IOException for " + f);
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(f.toString()));
            for (String s : fragments) assertTrue(e.getMessage() + " should mention " + s, e.getMessage().contains(s));
        }
    }

    @Test
    public void truncatedZipIsAClearError() throws IOException {
        File good = tmp.newFile("good.zip");
        ModelSerializer.writeModel(smallCnn(1), good, true);
        byte[] b = Files.readAllBytes(good.toPath());
        for (int cut : new int[]{10, b.length / 2, b.length - 30}) {
            File f = new File(tmp.getRoot(), "cut" + cut + ".zip");
            Files.write(f.toPath(), Arrays.copyOf(b, cut));
            expectIo(f, "not a valid model zip");
        }
        File text = tmp.newFile("text.zip");
        Files.write(text.toPath(), "hello".getBytes(StandardCharsets.UTF_8));
        expectIo(text, "not a valid model zip");
        expectIo(new File(tmp.getRoot(), "absent.zip"), "does not exist");
    }

    private File zipWith(String name, Map<String, byte[]> entries) throws IOException {
        File f = new File(tmp.getRoot(), name);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f.toPath()))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return f;
    }

    private Map<String, byte[]> entriesOf(File f) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(f)) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                try (InputStream in = z.getInputStream(e)) { m.put(e.getName(), in.readAllBytes()); }
            }
        }
        return m;
    }

    @Test
    public void missingConfigurationIsNamed() throws IOException {
        File good = tmp.newFile("g.zip");
        ModelSerializer.writeModel(smallCnn(1), good, true);
        Map<String, byte[]> m = entriesOf(good);
        m.remove("configuration.json");
        expectIo(zipWith("noconf.zip", m), "configuration.json");
        m.remove("pydl4j.json");
        expectIo(zipWith("noconf2.zip", m), "no configuration.json");
    }

    @Test
    public void paramsLengthNotMatchingConfigurationIsAnError() throws IOException {
        File a = tmp.newFile("a.zip");
        ModelSerializer.writeModel(smallCnn(1), a, true);
        Map<String, byte[]> m = entriesOf(a);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        Nd4jBinary.write(Nd4j.zeros(1, 17), new DataOutputStream(bos));
        m.put("coefficients.bin", bos.toByteArray());
        expectIo(zipWith("short.zip", m), "coefficients.bin", "17 elements, expected");

        // a header claiming 2^40 values is rejected before anything is allocated
        bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.writeUTF("MIXED_DATA_TYPES"); out.writeLong(8); out.writeUTF("LONG");
        for (long v : new long[]{2, 1, 1L << 40, 1L << 40, 1, 8192, 1, 'c'}) out.writeLong(v);
        out.writeUTF("MIXED_DATA_TYPES"); out.writeLong(1L << 40); out.writeUTF("FLOAT");
        m.put("coefficients.bin", bos.toByteArray());
        expectIo(zipWith("huge.zip", m), "coefficients.bin", "exceeds the limit");

        // a truncated updater state
        Map<String, byte[]> m2 = entriesOf(a);
        byte[] st = m2.get("updaterState.bin");
        m2.put("updaterState.bin", Arrays.copyOf(st, st.length - 9));
        expectIo(zipWith("badstate.zip", m2), "updaterState.bin", "truncated");
    }

    @Test
    public void invalidConfigurationIsNamed() throws IOException {
        File a = tmp.newFile("a2.zip");
        ModelSerializer.writeModel(smallCnn(1), a, true);
        Map<String, byte[]> m = entriesOf(a);
        m.put("configuration.json", "{\"vertices\": 12".getBytes(StandardCharsets.UTF_8));
        File f = zipWith("badjson.zip", m);
        try {
            ModelSerializer.restoreComputationGraph(f);
            fail("expected IllegalArgumentException");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(f.toString()) && e.getMessage().contains("configuration.json"));
        }
        Map<String, byte[]> m2 = entriesOf(a);
        m2.put("pydl4j.json", "{\"formatVersion\": 99}".getBytes(StandardCharsets.UTF_8));
        expectIo(zipWith("future.zip", m2), "newer");
    }

    @Test
    public void metadataRecordsCounts() throws IOException {
        ComputationGraph g = smallCnn(3);
        g.fit(data(1, 3));
        File f = tmp.newFile("meta.zip");
        ModelSerializer.writeModel(g, f, true);
        String meta = new String(entriesOf(f).get("pydl4j.json"), StandardCharsets.UTF_8);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) org.pydl4j.util.json.Json.parse(meta);
        assertEquals((long) ModelSerializer.FORMAT_VERSION, m.get("formatVersion"));
        assertEquals(3, ModelSerializer.FORMAT_VERSION);
        assertEquals(1L, m.get("iterationCount"));
        assertEquals("FLOAT", m.get("dataType"));
        assertEquals(g.numParams(), ((Number) m.get("numParams")).longValue());
        assertEquals(Boolean.TRUE, m.get("updaterState"));
    }
}
