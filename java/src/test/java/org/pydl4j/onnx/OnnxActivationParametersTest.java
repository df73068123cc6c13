package org.pydl4j.onnx;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.util.List;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.ActivationLayer;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.GlobalPoolingLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.conf.layers.PoolingType;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.util.ModelSerializer;
import org.pydl4j.util.serde.Dl4jZipExporter;

/**
 * LeakyRelu's alpha and HardSigmoid's alpha/beta end to end: our layer configuration, the saved format, the DL4J
 * format (where DL4J has the activation), ONNX export (the attributes written) and import (read back), the fused
 * inference path against the layer-by-layer one; non-finite values refused in every format.
 */
public class OnnxActivationParametersTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static final ActivationSpec LEAKY = ActivationSpec.leakyRelu(0.3), HARD = ActivationSpec.hardSigmoid(1.0 / 6, 0.5);

    private static ComputationGraph net(ActivationSpec convAct, ActivationSpec standalone) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(9, 9, 3))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(8).activation(convAct).build(), "in")
                .addLayer("act", new ActivationLayer.Builder().activation(standalone).build(), "conv")
                .addLayer("conv2", new ConvolutionLayer.Builder(1, 1).nOut(6).activation(Activation.IDENTITY).build(), "act")
                .addLayer("act2", new ActivationLayer(ActivationSpec.leakyRelu(-0.2)), "conv2")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "act2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4).activation(Activation.SOFTMAX).build(), "gap")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    private static void assertClose(String what, INDArray want, INDArray got) {
        float[] a = want.toFloatVector(), b = got.toFloatVector();
        assertEquals(what, a.length, b.length);
        for (int i = 0; i < a.length; i++) assertEquals(what + " " + i, a[i], b[i], 1e-5);
    }

    @Test
    public void parametersChangeTheOutputAndSurviveTheSavedFormat() throws Exception {
        ComputationGraph g = net(LEAKY, HARD), plain = net(ActivationSpec.of(Activation.LEAKYRELU), ActivationSpec.of(Activation.HARDSIGMOID));
        plain.setParams(g.params());
        INDArray x = Nd4j.rand(7L, new long[]{2, 3, 9, 9}).subi(0.5).muli(8);
        INDArray y = g.outputSingle(x);
        assertTrue("the parameters are applied", Math.abs(y.getDouble(0) - plain.outputSingle(x).getDouble(0)) > 1e-6);
        System.setProperty("pydl4j.inference.fuse", "false");
        try {
            assertClose("fused vs layer by layer", g.outputSingle(x), y);
        } finally {
            System.clearProperty("pydl4j.inference.fuse");
        }
        File zip = tmp.newFile("m.zip");
        ModelSerializer.writeModel(g, zip, false);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(zip);
        assertEquals(HARD, ((ActivationLayer) back.getLayer("act").conf().getLayer()).getActivationSpec());
        assertEquals(LEAKY, ((ConvolutionLayer) back.getLayer("conv").conf().getLayer()).getActivationSpec());
        assertClose("saved and restored", y, back.outputSingle(x));
    }

    @Test
    public void onnxWritesAndReadsTheAttributes() throws Exception {
        ComputationGraph g = net(LEAKY, HARD);
        OnnxModel model = OnnxReader.decode(OnnxWriter.encode(OnnxExporter.toModel(g, Map.of())), "p.onnx");
        Map<String, OnnxNode> byOp = new java.util.HashMap<>();
        for (OnnxNode n : model.graph().nodes()) byOp.putIfAbsent(n.opType() + ":" + n.name(), n);
        OnnxNode hs = model.graph().nodes().stream().filter(n -> n.opType().equals("HardSigmoid")).findFirst().orElseThrow();
        assertEquals(1f / 6, hs.floatAttr("alpha", 0), 0f);
        assertEquals(0.5f, hs.floatAttr("beta", 0), 0f);
        List<Float> slopes = model.graph().nodes().stream().filter(n -> n.opType().equals("LeakyRelu")).map(n -> n.floatAttr("alpha", 0)).toList();
        assertEquals(List.of(0.3f, -0.2f), slopes);

        ComputationGraph back = OnnxImporter.importGraph(model, "p.onnx");
        List<ActivationSpec> specs = new java.util.ArrayList<>();
        for (org.pydl4j.nn.api.Layer l : back.getLayers()) {
            if (l.conf().getLayer() instanceof ActivationLayer) specs.add(((ActivationLayer) l.conf().getLayer()).getActivationSpec());
        }
        assertTrue(specs.toString(), specs.contains(ActivationSpec.leakyRelu(0.3f)) && specs.contains(ActivationSpec.leakyRelu(-0.2f))
                && specs.contains(ActivationSpec.hardSigmoid(1f / 6, 0.5)));
        INDArray x = Nd4j.rand(8L, new long[]{3, 3, 9, 9}).subi(0.5).muli(8);
        assertClose("onnx round trip", g.outputSingle(x), back.outputSingle(x));
    }

    @Test
    public void onnxNonFiniteAttributesAreAFormatError() {
        for (Map.Entry<String, Map<String, OnnxAttribute>> c : Map.of(
                "LeakyRelu", Map.of("alpha", OnnxAttribute.ofFloat("alpha", Float.NaN)),
                "HardSigmoid", Map.of("alpha", OnnxAttribute.ofFloat("alpha", 0.2f), "beta", OnnxAttribute.ofFloat("beta", Float.POSITIVE_INFINITY))).entrySet()) {
            OnnxNode n = new OnnxNode("bad", c.getKey(), "", List.of("x"), List.of("y"), c.getValue());
            OnnxGraph graph = new OnnxGraph("g", List.of(n), Map.of(), List.of(OnnxValueInfo.batched("x", 3, 4, 4)),
                    List.of(OnnxValueInfo.batched("y", 3, 4, 4)));
            try {
                OnnxImporter.importGraph(new OnnxModel(8, Map.of("", 17L), "t", "1", graph, Map.of()), "bad.onnx");
                fail(c.getKey() + " imported");
            } catch (OnnxFormatException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("not finite") && e.getMessage().contains("bad.onnx"));
            }
        }
        // Gemm's alpha scales the (finite) initializer into infinity; batch norm with an infinite epsilon
        OnnxNode gemm = new OnnxNode("fc", "Gemm", "", List.of("x", "w"), List.of("y"),
                Map.of("alpha", OnnxAttribute.ofFloat("alpha", Float.MAX_VALUE)));
        OnnxTensor w = new OnnxTensor("w", OnnxTensor.FLOAT, new long[]{4, 2}, new float[]{1, 2, 3, 4, 5, 6, 7, 8}, null);
        OnnxNode bn = new OnnxNode("bn", "BatchNormalization", "", List.of("x", "s", "b", "m", "v"), List.of("y"),
                Map.of("epsilon", OnnxAttribute.ofFloat("epsilon", Float.POSITIVE_INFINITY)));
        Map<String, OnnxTensor> bnInit = new java.util.HashMap<>();
        for (String k : List.of("s", "b", "m", "v")) bnInit.put(k, new OnnxTensor(k, OnnxTensor.FLOAT, new long[]{3}, new float[]{1, 1, 1}, null));
        OnnxGraph[] graphs = {
            new OnnxGraph("g", List.of(gemm), Map.of("w", w), List.of(OnnxValueInfo.batched("x", 4)), List.of(OnnxValueInfo.batched("y", 2))),
            new OnnxGraph("g", List.of(bn), bnInit, List.of(OnnxValueInfo.batched("x", 3, 4, 4)), List.of(OnnxValueInfo.batched("y", 3, 4, 4)))};
        for (OnnxGraph graph : graphs) {
            try {
                OnnxImporter.importGraph(new OnnxModel(8, Map.of("", 17L), "t", "1", graph, Map.of()), "attr.onnx");
                fail(graph.nodes().get(0).opType() + " imported");
            } catch (OnnxFormatException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("attr.onnx") && (e.getMessage().contains("Infinity")));
            }
        }
    }

    @Test
    public void savedFormatRefusesNonFiniteOrMisplacedParameters() {
        String json = net(LEAKY, HARD).getConfiguration().toJson();
        assertTrue(json, json.contains("\"activationAlpha\""));
        String[] hostile = {
            json.replaceFirst("\"activationAlpha\" ?: ?0\\.3", "\"activationAlpha\": \"NaN\""),
            json.replaceFirst("\"activationBeta\" ?: ?null", "\"activationBeta\": 2.0"),   // beta on the leaky conv
        };
        for (String h : hostile) {
            assertTrue("the test edits the JSON", !h.equals(json));
            try {
                ComputationGraphConfiguration.fromJson(h).validate();
                fail("accepted: " + h);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("layer 'conv'"));
            }
        }
        try {
            ActivationSpec.leakyRelu(1e300);
            fail("a slope beyond float32 accepted");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("finite"));
        }
    }

    @Test
    public void dl4jFormatKeepsTheSlopeAndRefusesWhatDl4jLacks() throws Exception {
        ComputationGraph g = net(LEAKY, ActivationSpec.of(Activation.SWISH));
        File f = tmp.newFile("dl4j.zip");
        Dl4jZipExporter.write(g, f.toPath(), false);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(f);
        assertEquals(LEAKY, ((ConvolutionLayer) back.getLayer("conv").conf().getLayer()).getActivationSpec());
        assertEquals(ActivationSpec.of(Activation.SWISH), ((ActivationLayer) back.getLayer("act").conf().getLayer()).getActivationSpec());
        INDArray x = Nd4j.rand(9L, new long[]{2, 3, 9, 9});
        assertClose("dl4j round trip", g.outputSingle(x), back.outputSingle(x));
        for (ActivationSpec none : new ActivationSpec[]{HARD, ActivationSpec.of(Activation.HARDSWISH)}) {
            try {
                Dl4jZipExporter.write(net(LEAKY, none), tmp.newFile().toPath(), false);
                fail(none + " exported to DL4J");
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("no DL4J form"));
            }
        }
    }
}
