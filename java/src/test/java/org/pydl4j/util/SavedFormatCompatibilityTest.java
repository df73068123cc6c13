package org.pydl4j.util;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.util.json.Json;

/**
 * Model files written by earlier versions keep loading and predicting identically. The fixtures under
 * {@code fixtures/format-v1} were written by the code before the configuration format got stable type names
 * ({@code "@class"} Java class names, every private field): a graph with convolution, batch norm, activation,
 * depthwise convolution, residual add, max pooling, zero padding, global pooling, dense with dropout, dropout and
 * output (Adam state), and a transfer graph of it (FrozenLayer vertices, Nesterovs state). Each comes with the
 * input and the outputs that code computed on the reference backend. {@code fixtures/format-v2/kinds.zip} was
 * written by format 2 (stable type names, fields found by reflection): upsampling, cropping, separable convolution,
 * local response normalization, space-to-depth, deconvolution, distributions, l1 and weight decay, gradient
 * normalization, step and map schedules (saved under Java class names then), a class-weighted loss.
 */
public class SavedFormatCompatibilityTest {
    private static String before;

    @BeforeClass
    public static void reference() {
        before = Nd4j.getBackend().name();
        Nd4j.setBackend("reference");
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    @AfterClass
    public static void restore() { Nd4j.setBackend(before); }

    /** A fixture: a name under fixtures/format-v1, or a path under fixtures. */
    private static InputStream fixture(String resource) {
        return SavedFormatCompatibilityTest.class.getResourceAsStream("/fixtures/" + (resource.contains("/") ? resource : "format-v1/" + resource));
    }

    private static List<float[]> numbers(String resource) throws IOException {
        List<float[]> rows = new ArrayList<>();
        try (InputStream in = fixture(resource)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] parts = line.trim().split(" +");
                float[] row = new float[parts.length];
                for (int i = 0; i < parts.length; i++) row[i] = Float.parseFloat(parts[i]);
                rows.add(row);
            }
        }
        return rows;
    }

    private static ComputationGraph load(String resource) throws IOException {
        Path tmp = Files.createTempFile("format-v1-", ".zip");
        try (InputStream in = fixture(resource)) {
            Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return ModelSerializer.restoreComputationGraph(tmp.toFile(), true);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static INDArray input() throws IOException {
        return Nd4j.create(numbers("expected.txt").get(0), 5, 3, 8, 8);
    }

    private static void check(String zip, float[] expected) throws IOException {
        ComputationGraph g = load(zip);
        INDArray out = g.outputSingle(input());
        assertArrayEquals(zip + " predicts as when it was written", expected, out.toFloatVector(), 1e-6f);
        // resumes training from the saved updater state, and saves and loads again (in today's format) unchanged
        INDArray y = Nd4j.zeros(DataType.FLOAT, 5, out.size(1));
        for (int i = 0; i < 5; i++) y.putScalar(i, i % out.size(1), 1.0);
        g.fit(new DataSet(input(), y));
        File again = File.createTempFile("format-now-", ".zip");
        try {
            ModelSerializer.writeModel(g, again, true);
            ComputationGraph back = ModelSerializer.restoreComputationGraph(again, true);
            assertEquals(zip + " configuration survives a save in today's format", g.getConfiguration(), back.getConfiguration());
            assertArrayEquals(g.outputSingle(input()).toFloatVector(), back.outputSingle(input()).toFloatVector(), 0f);
            assertArrayEquals(g.getUpdater().getStateViewArray().toFloatVector(), back.getUpdater().getStateViewArray().toFloatVector(), 0f);
        } finally {
            assertTrue(again.delete());
        }
    }

    @Test
    public void graphWrittenByFormatV1LoadsAndPredictsIdentically() throws IOException {
        check("model.zip", numbers("expected.txt").get(1));
    }

    @Test
    public void transferGraphWrittenByFormatV1LoadsAndPredictsIdentically() throws IOException {
        check("transfer.zip", numbers("transfer-expected.txt").get(0));
    }

    @Test
    public void graphWrittenByFormatV2LoadsAndPredictsIdentically() throws IOException {
        check("format-v2/kinds.zip", numbers("format-v2/kinds-expected.txt").get(0));
    }

    /**
     * A format-2 configuration reads back to exactly the text it was written as, except that the types format 2
     * saved under Java class names (schedules, loss functions) now have stable names and fields added since are
     * written with their defaults: this pins today's format (format 3) byte for byte, so a renamed Java field or
     * class cannot change it unnoticed.
     */
    @Test
    public void formatV2ConfigurationIsWrittenAgainByteForByteWithTypeNames() throws IOException {
        String v2;
        Path tmp = Files.createTempFile("format-v2-", ".zip");
        try (InputStream in = fixture("format-v2/kinds.zip")) {
            Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(tmp.toFile())) {
                v2 = new String(z.getInputStream(z.getEntry("configuration.json")).readAllBytes(), StandardCharsets.UTF_8);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        assertTrue(v2, v2.contains("\"@class\": \"org.pydl4j.nd.schedule.StepSchedule\""));
        String v3 = v2.replace("\"@class\": \"org.pydl4j.nd.schedule.StepSchedule\"", "\"@type\": \"schedule.Step\"")
                .replace("\"@class\": \"org.pydl4j.nd.schedule.MapSchedule\"", "\"@type\": \"schedule.Map\"")
                .replace("\"@class\": \"org.pydl4j.nd.lossfunctions.impl.LossMCXENT\"", "\"@type\": \"loss.MCXENT\"");
        assertFalse(v3, v3.contains("@class"));
        assertEquals("the file is our writer's text", v3, Json.write(Json.parse(v3)));
        v3 = Json.write(withFieldsAddedSinceFormat2(Json.parse(v3)));
        assertEquals(v3, load("format-v2/kinds.zip").getConfiguration().toJson());
        assertEquals(v3, org.pydl4j.nn.conf.ComputationGraphConfiguration.fromJson(v3).toJson());
    }

    /** Adds the fields added since format 2 with their defaults, in their places (each later addition goes here). */
    @SuppressWarnings("unchecked")
    private static Object withFieldsAddedSinceFormat2(Object json) {
        if (json instanceof java.util.List) {
            java.util.List<Object> out = new ArrayList<>();
            for (Object x : (java.util.List<Object>) json) out.add(withFieldsAddedSinceFormat2(x));
            return out;
        }
        if (!(json instanceof java.util.Map)) return json;
        java.util.Map<String, Object> m = (java.util.Map<String, Object>) json, out = new java.util.LinkedHashMap<>();
        boolean layer = org.pydl4j.nn.conf.layers.LayerKinds.named(String.valueOf(m.get("@type"))) != null;
        for (java.util.Map.Entry<String, Object> e : m.entrySet()) {
            out.put(e.getKey(), withFieldsAddedSinceFormat2(e.getValue()));
            if (layer && e.getKey().equals("activation")) {   // activation parameters (ActivationSpec)
                out.put("activationAlpha", null);
                out.put("activationBeta", null);
            }
        }
        return out;
    }
}
