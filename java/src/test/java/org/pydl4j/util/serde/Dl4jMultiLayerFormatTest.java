package org.pydl4j.util.serde;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.multilayer.MultiLayerNetwork;
import org.pydl4j.util.ModelSerializer;
import org.pydl4j.util.json.Json;

/**
 * DL4J's MultiLayerNetwork zip: the network of {@link Dl4jFormatTest#NEW_STYLE} written as DL4J writes a stack
 * ("confs" + "inputPreProcessors" by index) must import to the same parameters and outputs as the graph import
 * (whose layouts Dl4jFormatTest checks value by value); export writes DL4J's stack JSON and reads back exactly.
 */
public class Dl4jMultiLayerFormatTest {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    static final String MLN_STYLE = """
        {
          "backpropType" : "Standard", "cacheMode" : "NONE", "dataType" : "FLOAT",
          "epochCount" : 1, "iterationCount" : 5,
          "confs" : [ {
              "cacheMode" : "NONE", "seed" : 123, "variables" : [ "W", "b" ], "optimizationAlgo" : "STOCHASTIC_GRADIENT_DESCENT",
              "layer" : { "@class" : "org.deeplearning4j.nn.conf.layers.ConvolutionLayer",
                "activationFn" : { "@class" : "org.nd4j.linalg.activations.impl.ActivationIdentity" },
                "iupdater" : { "@class" : "org.nd4j.linalg.learning.config.Nesterovs", "learningRate" : 0.1, "momentum" : 0.9 },
                "biasInit" : 0.0, "convolutionMode" : "Truncate", "cudnnAlgoMode" : "PREFER_FASTEST", "dilation" : [ 1, 1 ],
                "hasBias" : true, "idropout" : null, "kernelSize" : [ 2, 2 ], "layerName" : "layer0", "nin" : 1, "nout" : 2,
                "padding" : [ 0, 0 ], "stride" : [ 1, 1 ], "weightInit" : "XAVIER" } },
            { "seed" : 123, "variables" : [ "W", "b" ],
              "layer" : { "@class" : "org.deeplearning4j.nn.conf.layers.DenseLayer",
                "activationFn" : { "@class" : "org.nd4j.linalg.activations.impl.ActivationIdentity" },
                "hasBias" : true, "layerName" : "layer1", "nin" : 8, "nout" : 3 } },
            { "seed" : 123, "variables" : [ "W", "b" ],
              "layer" : { "@class" : "org.deeplearning4j.nn.conf.layers.OutputLayer",
                "activationFn" : { "@class" : "org.nd4j.linalg.activations.impl.ActivationSoftmax" },
                "lossFn" : { "@class" : "org.nd4j.linalg.lossfunctions.impl.LossMCXENT", "softmaxClipEps" : 1.0E-10, "weights" : null },
                "hasBias" : true, "layerName" : "layer2", "nin" : 3, "nout" : 2 } } ],
          "inferenceWorkspaceMode" : "ENABLED",
          "inputPreProcessors" : { "1" : { "@class" : "org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor",
              "inputHeight" : 2, "inputWidth" : 2, "numChannels" : 2 } },
          "tbpttBackLength" : 20, "tbpttFwdLength" : 20, "trainingWorkspaceMode" : "ENABLED", "validateOutputLayerConfig" : true
        }
        """;

    private File zip(String name, String json, INDArray flat) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        Nd4jBinary.write(flat, new DataOutputStream(bos));
        File f = new File(tmp.getRoot(), name);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f.toPath()))) {
            z.putNextEntry(new ZipEntry("configuration.json"));
            z.write(json.getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("coefficients.bin"));
            z.write(bos.toByteArray());
            z.closeEntry();
        }
        return f;
    }

    private static INDArray flat45() {
        INDArray v = Nd4j.zeros(1, 45);
        for (int i = 0; i < 45; i++) v.putLinear(i, 0.01 * (i + 1) * (i % 3 == 0 ? -1 : 1));
        return v;
    }

    @Test
    public void importsDl4jStackLikeTheGraphImport() throws IOException {
        INDArray flat = flat45();
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(zip("mln.zip", MLN_STYLE, flat));
        ComputationGraph g = ModelSerializer.restoreComputationGraph(zip("cg.zip", Dl4jFormatTest.NEW_STYLE, flat));
        assertEquals(3, net.getnLayers());
        assertEquals(5, net.getIterationCount());
        assertEquals(1, net.getEpochCount());
        assertEquals(g.numParams(), net.numParams());
        assertTrue(net.getLayerWiseConfigurations().getInputPreProcess(1) != null);
        String[] cg = {"c", "d", "o"};
        for (int i = 0; i < 3; i++) {
            for (Map.Entry<String, INDArray> e : g.getLayer(cg[i]).paramTable().entrySet()) {
                assertTrue("layer " + i + " " + e.getKey(), e.getValue().equals(net.getParam(i + "_" + e.getKey())));
            }
        }
        INDArray x = Nd4j.rand(new long[]{4, 1, 3, 3});
        assertTrue(g.outputSingle(x).equals(net.output(x)));
    }

    @Test
    public void exportWritesDl4jStackJsonAndReadsBack() throws IOException {
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(zip("mln.zip", MLN_STYLE, flat45()));
        File out = new File(tmp.getRoot(), "exported.zip");
        Dl4jMultiLayerFormat.write(net, out.toPath(), false);
        try (ZipFile z = new ZipFile(out)) {
            Object root = Json.parse(ModelZips.readText(z, "configuration.json", "exported"));
            assertTrue(root instanceof Map && ((Map<?, ?>) root).get("confs") instanceof java.util.List);
            assertEquals(3, ((java.util.List<?>) ((Map<?, ?>) root).get("confs")).size());
            assertTrue(((Map<?, ?>) ((Map<?, ?>) root).get("inputPreProcessors")).containsKey("1"));
        }
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(out);
        assertTrue(net.params().equals(back.params()));
        INDArray x = Nd4j.rand(new long[]{2, 1, 3, 3});
        assertTrue(net.output(x).equals(back.output(x)));
    }

    @Test
    public void wrongKindIsAClearError() throws IOException {
        File cg = zip("cg.zip", Dl4jFormatTest.NEW_STYLE, flat45());
        try {
            ModelSerializer.restoreMultiLayerNetwork(cg);
            fail("a graph zip restored as a stack");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("restoreComputationGraph"));
        }
        File bad = zip("bad.zip", MLN_STYLE.replace("\"1\" : {", "\"7\" : {"), flat45());
        try {
            ModelSerializer.restoreMultiLayerNetwork(bad);
            fail("a preprocessor for a missing layer accepted");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("inputPreProcessors") && e.getMessage().contains("bad.zip"));
        }
    }
}
