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
    public void gradientNormalizationAndL1AreRead() throws IOException {
        String json = MLN_STYLE.replace("\"hasBias\" : true, \"layerName\" : \"layer1\"",
                "\"hasBias\" : true, \"layerName\" : \"layer1\", \"gradientNormalization\" : \"ClipL2PerLayer\", \"gradientNormalizationThreshold\" : 2.5, "
                + "\"regularization\" : [ { \"@class\" : \"org.nd4j.linalg.learning.regularization.L1Regularization\", "
                + "\"l1\" : { \"@class\" : \"org.nd4j.linalg.schedule.FixedSchedule\", \"value\" : 0.003 } } ]");
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(zip("gn.zip", json, flat45()));
        org.pydl4j.nn.conf.layers.DenseLayer d = (org.pydl4j.nn.conf.layers.DenseLayer) net.getLayer(1).conf().getLayer();
        assertEquals(org.pydl4j.nn.conf.GradientNormalization.ClipL2PerLayer, d.getGradientNormalization());
        assertEquals(2.5, d.getGradientNormalizationThreshold(), 0);
        assertEquals(0.003, d.getL1(), 0);
        File out = new File(tmp.getRoot(), "gn-exported.zip");
        Dl4jMultiLayerFormat.write(net, out.toPath(), false);
        org.pydl4j.nn.conf.layers.DenseLayer back = (org.pydl4j.nn.conf.layers.DenseLayer) ModelSerializer.restoreMultiLayerNetwork(out).getLayer(1).conf().getLayer();
        assertEquals(org.pydl4j.nn.conf.GradientNormalization.ClipL2PerLayer, back.getGradientNormalization());
        assertEquals(0.003, back.getL1(), 0);
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

    /** A stack of every layer added for DL4J programs, with random parameters. */
    private static MultiLayerNetwork newLayersStack() {
        org.pydl4j.nn.conf.MultiLayerConfiguration conf = new org.pydl4j.nn.conf.NeuralNetConfiguration.Builder().seed(11).list()
                .layer(new org.pydl4j.nn.conf.layers.SeparableConvolution2D.Builder(2, 2).depthMultiplier(2).nOut(3).build())
                .layer(new org.pydl4j.nn.conf.layers.LocalResponseNormalization.Builder().k(1).n(3).alpha(0.1).beta(0.5).build())
                .layer(new org.pydl4j.nn.conf.layers.Deconvolution2D.Builder(new int[]{2, 2}, new int[]{2, 2}).nOut(2).build())
                .layer(new org.pydl4j.nn.conf.layers.Upsampling2D.Builder(2).build())
                .layer(new org.pydl4j.nn.conf.layers.convolutional.Cropping2D(1, 1, 1, 1))
                .layer(new org.pydl4j.nn.conf.layers.SpaceToDepthLayer.Builder(2).build())
                .layer(new org.pydl4j.nn.conf.layers.Pooling2D.Builder(org.pydl4j.nn.conf.layers.SubsamplingLayer.PoolingType.AVG,
                        new int[]{2, 2}, new int[]{1, 1}).build())
                .layer(new org.pydl4j.nn.conf.layers.OutputLayer.Builder().nOut(2).activation(org.pydl4j.nd.activations.Activation.SOFTMAX).build())
                .setInputType(org.pydl4j.nn.conf.inputs.InputType.convolutional(5, 5, 2))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.setParams(Nd4j.rand(new long[]{1, net.numParams()}));
        return net;
    }

    @Test
    public void newLayersRoundTripThroughBothFormats() throws IOException {
        MultiLayerNetwork net = newLayersStack();
        INDArray x = Nd4j.rand(new long[]{2, 2, 5, 5});
        INDArray expected = net.output(x);
        File dl4j = new File(tmp.getRoot(), "dl4j-new-layers.zip");
        Dl4jMultiLayerFormat.write(net, dl4j.toPath(), false);
        try (ZipFile z = new ZipFile(dl4j)) {
            String json = ModelZips.readText(z, "configuration.json", "exported");
            for (String c : new String[]{"SeparableConvolution2D", "LocalResponseNormalization", "Deconvolution2D", "Upsampling2D",
                    "convolutional.Cropping2D", "SpaceToDepthLayer", "Pooling2D"}) {
                assertTrue(c, json.contains("\"org.deeplearning4j.nn.conf.layers." + c + "\""));
            }
        }
        MultiLayerNetwork fromDl4j = ModelSerializer.restoreMultiLayerNetwork(dl4j);
        assertTrue(fromDl4j.getLayer(6).conf().getLayer() instanceof org.pydl4j.nn.conf.layers.Pooling2D);
        assertTrue("DL4J zip: same outputs", expected.equalsWithEps(fromDl4j.output(x), 1e-6));
        File ours = new File(tmp.getRoot(), "ours-new-layers.zip");
        net.save(ours, true);
        assertTrue("model zip: same outputs", expected.equalsWithEps(MultiLayerNetwork.load(ours, true).output(x), 1e-6));
        File graphZip = new File(tmp.getRoot(), "graph-new-layers.zip");
        Dl4jZipExporter.write(net.toComputationGraph(), graphZip.toPath(), false);
        assertTrue("DL4J graph zip: same outputs", expected.equalsWithEps(ModelSerializer.restoreComputationGraph(graphZip).outputSingle(x), 1e-6));
    }
}
