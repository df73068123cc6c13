package org.pydl4j.nn.graph;

import static org.junit.Assert.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.Test;
import org.pydl4j.nn.graph.vertex.GraphVertex;
import org.pydl4j.zoo.model.EfficientNetLite;
import org.pydl4j.zoo.model.VGG16;

/** Which vertices the inference pass compiles for the zoo's feature extractors. */
public class InferenceFusionPlanTest {
    private static InferenceFusion plan(ComputationGraph g) {
        Map<String, GraphVertex> vs = new LinkedHashMap<>();
        for (GraphVertex v : g.getVertices()) vs.put(v.getVertexName(), v);
        return InferenceFusion.plan(g.getConfiguration(), g.getTopologicalOrder(), vs, new int[]{4});
    }

    @Test
    public void efficientNetLiteUpToPooledFeaturesIsOneSegment() {
        ComputationGraph g = EfficientNetLite.builder(0).resolution(64).numClasses(3).build().init();
        InferenceFusion f = plan(g);
        // everything but the input and the dense output layer: convs, batch norms, activations, adds, global pool
        assertEquals(f.toString(), g.getVertices().length - 2, f.compiledVertices());
        assertEquals(f.toString(), 1, f.segments());
    }

    @Test
    public void vggConvolutionalPartIsOneSegment() {
        ComputationGraph g = VGG16.builder().includeTop(false).inputShape(new int[]{3, 32, 32}).build().init();
        InferenceFusion f = plan(g);
        assertEquals(f.toString(), g.getVertices().length - 1, f.compiledVertices());
        assertEquals(1, f.segments());
    }

    /**
     * ONNX imports are Conv (batch norm folded) -> activation node: the activation, with its parameters, becomes the
     * convolution's post-op (one CONV item named after the activation vertex) instead of a separate pass.
     */
    @Test
    public void linearConvolutionAbsorbsTheActivationLayerAfterIt() {
        org.pydl4j.nn.conf.ComputationGraphConfiguration conf = new org.pydl4j.nn.conf.NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("in").setInputTypes(org.pydl4j.nn.conf.inputs.InputType.convolutional(8, 8, 3))
                .addLayer("c1", new org.pydl4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(4)
                        .activation(org.pydl4j.nd.activations.Activation.IDENTITY).build(), "in")
                .addLayer("hswish", new org.pydl4j.nn.conf.layers.ActivationLayer(org.pydl4j.nd.activations.Activation.HARDSWISH), "c1")
                .addLayer("c2", new org.pydl4j.nn.conf.layers.ConvolutionLayer.Builder(1, 1).nOut(4)
                        .activation(org.pydl4j.nd.activations.Activation.IDENTITY).build(), "hswish")
                .addLayer("gate", new org.pydl4j.nn.conf.layers.ActivationLayer(org.pydl4j.nd.activations.ActivationSpec.hardSigmoid(1.0 / 6, 0.5)), "c2")
                .addLayer("gap", new org.pydl4j.nn.conf.layers.GlobalPoolingLayer.Builder(org.pydl4j.nn.conf.layers.PoolingType.AVG).build(), "gate")
                .setOutputs("gap").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        InferenceFusion f = plan(g);
        assertEquals(f.toString(), "InferenceFusion[ {CONV:hswish CONV:gate GLOBAL_POOL:gap} ]", f.toString());
        assertEquals(5, f.compiledVertices());
    }

    /** Slices follow the weights: cache-sized for small networks, large where weights would be re-read per slice. */
    @Test
    public void sliceBytesFollowTheSegmentsWeights() {
        assertEquals(32L << 20, InferenceFusion.sliceBytes(0));
        assertEquals(32L << 20, InferenceFusion.sliceBytes(4L << 20));
        assertEquals(4 * (13L << 20), InferenceFusion.sliceBytes(13L << 20));   // EfficientNet-Lite0's convolutions
        assertEquals(4 * (58L << 20), InferenceFusion.sliceBytes(58L << 20));  // VGG-16's
        assertEquals(256L << 20, InferenceFusion.sliceBytes(80L << 20));
        org.pydl4j.nd.backend.ProgramSpec spec = new org.pydl4j.nd.backend.ProgramSpec(org.pydl4j.nd.DataType.FLOAT,
                java.util.List.<long[]>of(new long[]{2, 3, 8, 8}));
        int c = spec.conv(0, new long[]{4, 3, 3, 3}, true, org.pydl4j.nd.backend.ConvParams.of(3, 3, 1, 1, 1, 1),
                org.pydl4j.nd.activations.Activation.RELU);
        spec.pool(c, org.pydl4j.nd.backend.PoolingType.MAX, org.pydl4j.nd.backend.ConvParams.of(2, 2, 2, 2, 0, 0));
        assertEquals(4 * 3 * 3 * 3 * 4, spec.weightBytes());
        System.setProperty("pydl4j.inference.sliceBytes", "12345");
        try {
            assertEquals(12345, InferenceFusion.sliceBytes(58L << 20));
        } finally {
            System.clearProperty("pydl4j.inference.sliceBytes");
        }
    }
}
