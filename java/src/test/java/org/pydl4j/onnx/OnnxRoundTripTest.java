package org.pydl4j.onnx;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.multilayer.MultiLayerNetwork;
import org.pydl4j.zoo.model.MobileNetV2;

/** Export then import in Java alone: same outputs, same vertex names; an unsupported op is a typed error. */
public class OnnxRoundTripTest {
    @Test
    public void mobileNetV2ExportsAndImportsWithTheSameOutputs() throws Exception {
        ComputationGraph net = MobileNetV2.builder().inputShape(new int[]{3, 40, 38}).numClasses(6).build().init();
        OnnxModel model = OnnxReader.decode(OnnxWriter.encode(OnnxExporter.toModel(net, Map.of("k", "v"))), "m.onnx");
        assertEquals(OnnxExporter.OPSET, model.opset());
        ComputationGraph back = OnnxImporter.importGraph(model, "m.onnx");
        assertTrue(back.getConfiguration().getVertices().containsKey("block_3_depthwise"));
        INDArray x = Nd4j.rand(2, 3, 40, 38);
        float[] a = net.outputSingle(x).toFloatVector(), b = back.outputSingle(x).toFloatVector();
        assertEquals(a.length, b.length);
        for (int i = 0; i < a.length; i++) assertEquals("output " + i, a[i], b[i], 1e-5);
    }

    @Test
    public void multiLayerNetworkExportsAsItsGraph() throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(5).name("hidden").activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 1)).build());
        net.init();
        java.nio.file.Path file = java.nio.file.Files.createTempFile("mln", ".onnx");
        try {
            OnnxExporter.export(net, file);
            ComputationGraph back = OnnxImporter.importGraph(file.toFile());
            INDArray x = Nd4j.rand(4, 1, 6, 6);
            float[] a = net.output(x).toFloatVector(), b = back.outputSingle(x).toFloatVector();
            for (int i = 0; i < a.length; i++) assertEquals("output " + i, a[i], b[i], 1e-5);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    public void unsupportedOpNamesNodeOpAndOpset() {
        OnnxNode erf = new OnnxNode("the_erf", "Erf", "", List.of("x"), List.of("y"), Map.of());
        OnnxGraph g = new OnnxGraph("g", List.of(erf), Map.of(), List.of(OnnxValueInfo.batched("x", 3, 4, 4)),
                List.of(OnnxValueInfo.batched("y", 3, 4, 4)));
        try {
            OnnxImporter.importGraph(new OnnxModel(8, Map.of("", 13L), "t", "1", g, Map.of()), "erf.onnx");
            fail("imported");
        } catch (UnsupportedOnnxOpException e) {
            assertArrayEquals(new Object[]{"the_erf", "Erf", 13L, "erf.onnx"}, new Object[]{e.node(), e.opType(), e.opset(), e.file()});
        } catch (OnnxFormatException e) {
            fail("untyped: " + e);
        }
    }
}
