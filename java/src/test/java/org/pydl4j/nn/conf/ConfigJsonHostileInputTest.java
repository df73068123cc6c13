package org.pydl4j.nn.conf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nd.schedule.ScheduleType;
import org.pydl4j.nd.schedule.StepSchedule;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.util.ModelSerializer;
import org.pydl4j.util.json.Json;
import org.pydl4j.util.json.JsonCodecs;
import org.pydl4j.util.json.JsonFieldException;
import org.pydl4j.util.serde.InvalidConfigurationException;

/**
 * A saved configuration is read against the declared fields: unknown and missing fields, values of the wrong kind,
 * non-finite numbers, absurd sizes, foreign types and deep nesting are refused with a typed exception naming the
 * field and the type; files of the formats before declared fields may lack fields added since.
 */
public class ConfigJsonHostileInputTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static ComputationGraphConfiguration conf() {
        return new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(new StepSchedule(ScheduleType.ITERATION, 0.01, 0.5, 10)))
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(6, 6, 2))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(3).build(), "in")
                .addLayer("dense", new DenseLayer.Builder().nOut(4).activation(Activation.RELU).build(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out").build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> layer(Map<String, Object> tree, String vertex) {
        Map<String, Object> v = (Map<String, Object>) ((Map<String, Object>) tree.get("vertices")).get(vertex);
        return (Map<String, Object>) v.get("layerConf");
    }

    /** The configuration's JSON after an edit of its tree. */
    @SuppressWarnings("unchecked")
    private static String edited(Consumer<Map<String, Object>> edit) {
        Map<String, Object> tree = (Map<String, Object>) Json.parse(conf().toJson());
        edit.accept(tree);
        return Json.write(tree);
    }

    private static JsonFieldException refused(String json, String... expected) {
        try {
            ComputationGraphConfiguration.fromJson(json);
            fail("accepted a configuration that should be refused for " + String.join(", ", expected));
            return null;
        } catch (JsonFieldException e) {
            for (String x : expected) assertTrue(e.getMessage() + " should name " + x, e.getMessage().contains(x));
            return e;
        }
    }

    @Test
    public void unknownFieldIsRefusedNamingFieldAndType() {
        JsonFieldException e = refused(edited(t -> layer(t, "conv").put("kernelSizes", List.of(3L, 3L))), "unknown field 'kernelSizes'", "ConvolutionLayer");
        assertTrue(e.where(), e.where().contains("vertices.conv") && e.where().contains("(Convolution)"));
    }

    @Test
    public void missingFieldIsRefusedInTodaysFormatAndDefaultedInOlderOnes() {
        String json = edited(t -> layer(t, "dense").remove("nOut"));
        refused(json, "missing field 'nOut'", "DenseLayer");
        ComputationGraphConfiguration old = ComputationGraphConfiguration.fromJson(json, 2);   // format 2 files did not declare fields
        assertEquals(0, ((DenseLayer) ((org.pydl4j.nn.conf.graph.LayerVertex) old.getVertices().get("dense")).getLayerConf()).getNOut());
    }

    @Test
    public void valuesOfTheWrongKindAreRefused() {
        refused(edited(t -> layer(t, "conv").put("nIn", "2")), "conv", "nIn", "expected an integer");
        refused(edited(t -> layer(t, "conv").put("nIn", 2.5)), "nIn", "expected an integer");
        refused(edited(t -> layer(t, "conv").put("kernelSize", "3x3")), "kernelSize", "expected an array");
        refused(edited(t -> layer(t, "conv").put("kernelSize", List.of(3L, "3"))), "kernelSize[1]", "expected an integer");
        refused(edited(t -> layer(t, "conv").put("hasBias", 1L)), "hasBias", "expected true or false");
        refused(edited(t -> layer(t, "dense").put("activation", "EVIL")), "activation", "unknown Activation value");
        refused(edited(t -> layer(t, "dense").put("layerName", List.of())), "layerName", "expected a string");
        refused(edited(t -> t.put("vertexInputs", "in")), "vertexInputs", "expected an object");
        refused(edited(t -> t.put("iterationCount", null)), "iterationCount", "must not be null");
    }

    @Test
    public void nonFiniteNumbersAreRefusedReadingAndWriting() {
        refused(edited(t -> layer(t, "dense").put("l2", "NaN")), "l2", "expected a number");
        String overflow = conf().toJson().replaceFirst("\"learningRate\": [0-9.eE-]+", "\"learningRate\": 1e999");
        refused(overflow, "learningRate", "not a finite number");
        ComputationGraphConfiguration c = conf();
        ((DenseLayer) ((org.pydl4j.nn.conf.graph.LayerVertex) c.getVertices().get("dense")).getLayerConf()).setL2(Double.NaN);
        try {
            c.toJson();
            fail("saved a NaN");
        } catch (JsonFieldException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("l2") && e.getMessage().contains("non-finite"));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> defaultUpdater(Map<String, Object> tree) {
        return (Map<String, Object>) ((Map<String, Object>) tree.get("defaultConfiguration")).get("updater");
    }

    /** Reading does not go through the constructors: their checks run after the fields are set. */
    @Test
    @SuppressWarnings("unchecked")
    public void valuesTheConstructorsRefuseAreRefused() {
        refused(edited(t -> defaultUpdater(t).put("beta1", 2.0)), "defaultConfiguration(NeuralNetConfiguration).updater(updater.Adam)", "beta1 must be in [0, 1)");
        refused(edited(t -> ((Map<String, Object>) defaultUpdater(t).get("learningRateSchedule")).put("step", 0.0)), "learningRateSchedule(schedule.Step)", "step must be > 0");
        refused(edited(t -> ((Map<String, Object>) defaultUpdater(t).get("learningRateSchedule")).put("scheduleType", null)), "scheduleType is null");
        refused(edited(t -> defaultUpdater(t).put("learningRateSchedule", Map.of("@type", "schedule.Map", "scheduleType", "ITERATION",
                "keys", List.of(0L, 5L, 3L), "values", List.of(0.1, 0.2, 0.3)))), "schedule.Map", "keys must increase");
        refused(edited(t -> defaultUpdater(t).put("learningRateSchedule", Map.of("@type", "schedule.Map", "scheduleType", "ITERATION",
                "keys", List.of(0L, 5L), "values", List.of(0.1)))), "schedule.Map", "as many values as keys");
        refused(edited(t -> defaultUpdater(t).put("learningRateSchedule", Map.of("@type", "schedule.Ramp", "scheduleType", "ITERATION",
                "baseSchedule", Map.of("@type", "schedule.Fixed", "scheduleType", "ITERATION", "value", 0.1), "numIter", 0L))), "schedule.Ramp", "numIter must be >= 1");
    }

    @Test
    public void absurdSizesAndCountsAreRefused() {
        refused(edited(t -> layer(t, "dense").put("nOut", 1L << 40)), "nOut", "out of range");
        refused(edited(t -> layer(t, "dense").put("nOut", -1L)), "nOut", "out of range");
        refused(edited(t -> t.put("epochCount", -5L)), "epochCount", "out of range");
        String many = "[" + "1,".repeat(JsonCodecs.MAX_ELEMENTS) + "1]";
        refused(conf().toJson().replaceFirst("\"kernelSize\": \\[3, 3\\]", "\"kernelSize\": " + many), "kernelSize", "more than " + JsonCodecs.MAX_ELEMENTS);
    }

    @Test
    public void foreignAndMisplacedTypesAreRefused() {
        refused(edited(t -> layer(t, "dense").put("@type", "updater.Sgd")), "is not a Layer");
        refused(edited(t -> layer(t, "dense").put("@type", "no.such.Kind")), "unknown type 'no.such.Kind'");
        refused(edited(t -> {
            layer(t, "dense").remove("@type");
            layer(t, "dense").put("@class", "java.lang.ProcessBuilder");
        }), "java.lang.ProcessBuilder", "not a saved type");
        refused(edited(t -> layer(t, "dense").remove("@type")), "names no type");
    }

    @Test
    public void deepNestingIsRefusedWithoutOverflowingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        try {
            ComputationGraphConfiguration.fromJson(deep);
            fail("accepted deep nesting");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("nested deeper than " + Json.MAX_DEPTH));
        }
    }

    /** Through a model file: the same checks, as an InvalidConfigurationException naming the file and the field. */
    @Test
    public void modelFileWithAHostileConfigurationIsRefusedNamingTheFile() throws IOException {
        ComputationGraph g = new ComputationGraph(conf());
        g.init();
        File good = tmp.newFile("good.zip"), bad = tmp.newFile("bad.zip");
        ModelSerializer.writeModel(g, good, false);
        String hostile = edited(t -> layer(t, "conv").put("dilation", List.of(1L, 1e300)));
        try (ZipFile in = new ZipFile(good); ZipOutputStream out = new ZipOutputStream(new FileOutputStream(bad))) {
            for (Enumeration<? extends ZipEntry> en = in.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(e.getName().equals("configuration.json") ? hostile.getBytes(StandardCharsets.UTF_8) : in.getInputStream(e).readAllBytes());
                out.closeEntry();
            }
        }
        try {
            ModelSerializer.restoreComputationGraph(bad, false);
            fail("loaded a hostile configuration");
        } catch (InvalidConfigurationException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith(bad.getPath()) && e.getMessage().contains("dilation[1]") && e.getMessage().contains("expected an integer"));
            assertTrue(e.getCause() instanceof JsonFieldException);
        }
        assertEquals(g.getConfiguration(), ModelSerializer.restoreComputationGraph(good, false).getConfiguration());
    }
}
