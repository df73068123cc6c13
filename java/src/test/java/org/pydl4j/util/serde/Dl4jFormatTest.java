package org.pydl4j.util.serde;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.learning.config.Nesterovs;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.ConvolutionMode;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.graph.ElementWiseVertex;
import org.pydl4j.nn.conf.graph.MergeVertex;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.BatchNormalization;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.DepthwiseConvolution2D;
import org.pydl4j.nn.conf.layers.DropoutLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.conf.layers.SubsamplingLayer;
import org.pydl4j.nn.conf.layers.ZeroPaddingLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.util.ModelSerializer;

/**
 * DL4J's own model zips: export/import of a VGG-like graph, hand-written DL4J configurations in both JSON styles
 * with coefficients laid out by hand as DL4J's parameter initializers do (old and new buffer variants), Keras-import
 * specifics (TensorFlow-order flatten, LossLayer), DL4J's topological order, and clear errors.
 */
public class Dl4jFormatTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private static void assertBitsEqual(String what, INDArray a, INDArray b) {
        assertEquals(what + " length", a.length(), b.length());
        for (int i = 0; i < a.length(); i++) {
            if (Double.doubleToRawLongBits(a.getDoubleLinear(i)) != Double.doubleToRawLongBits(b.getDoubleLinear(i))) {
                fail(what + " differs at " + i + ": " + a.getDoubleLinear(i) + " vs " + b.getDoubleLinear(i));
            }
        }
    }

    private static ComputationGraph vggLike() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(12).updater(new Nesterovs(0.01, 0.9))
                .activation(Activation.RELU).convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(8, 8, 3))
                .addLayer("block1_conv1", new ConvolutionLayer.Builder(3, 3).nOut(4).build(), "input")
                .addLayer("block1_bn", new BatchNormalization.Builder().build(), "block1_conv1")
                .addLayer("block1_pad", new ZeroPaddingLayer.Builder(1, 1).build(), "block1_bn")
                .addLayer("block1_conv2", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Truncate).build(), "block1_pad")
                .addLayer("block1_dw", new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(2).build(), "block1_conv2")
                .addLayer("block1_pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX, new int[]{2, 2}, new int[]{2, 2}).build(), "block1_dw")
                .addLayer("branch_a", new ConvolutionLayer.Builder(1, 1).nOut(3).build(), "block1_pool")
                .addLayer("branch_b", new ConvolutionLayer.Builder(1, 1).nOut(3).activation(Activation.TANH).build(), "block1_pool")
                .addVertex("sum", new ElementWiseVertex(ElementWiseVertex.Op.Add), "branch_a", "branch_b")
                .addVertex("merge", new MergeVertex(), "sum", "branch_a")
                .addLayer("fc1", new DenseLayer.Builder().nOut(7).build(), "merge")
                .addLayer("drop", new DropoutLayer.Builder(0.5).build(), "fc1")
                .addLayer("predictions", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build(), "drop")
                .setOutputs("predictions")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        // non-trivial batch norm statistics
        INDArray mean = g.getLayer("block1_bn").getParam("mean"), var = g.getLayer("block1_bn").getParam("var");
        for (int i = 0; i < mean.length(); i++) { mean.putLinear(i, 0.1 * i - 0.2); var.putLinear(i, 0.5 + 0.25 * i); }
        return g;
    }

    @Test
    public void exportedVggLikeGraphReadsBackWithIdenticalOutputs() throws IOException {
        ComputationGraph g = vggLike();
        INDArray x = Nd4j.rand(5L, new long[]{2, 3, 8, 8});
        INDArray expected = g.outputSingle(x);
        for (boolean legacy : new boolean[]{false, true}) {
            File f = new File(tmp.getRoot(), "vgg_like_dl4j" + legacy + ".zip");
            Dl4jZipExporter.write(g, f.toPath(), legacy);
            try (ZipFile z = new ZipFile(f)) {
                assertNull("a DL4J zip has no pydl4j.json", z.getEntry("pydl4j.json"));
                String json = ModelZips.readText(z, "configuration.json", f.toString());
                assertTrue(json.contains("\"org.deeplearning4j.nn.conf.graph.LayerVertex\""));
                assertTrue(json.contains("\"org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor\""));
            }
            ComputationGraph r = ModelSerializer.restoreComputationGraph(f);
            for (org.pydl4j.nn.api.Layer l : g.getLayers()) {
                for (Map.Entry<String, INDArray> e : l.paramTable().entrySet()) {
                    assertBitsEqual(l.getName() + "_" + e.getKey(), e.getValue(), r.getLayer(l.getName()).getParam(e.getKey()));
                }
            }
            assertBitsEqual("output", expected, r.outputSingle(x));
        }
    }

    // ---------------------------------------------------------------- hand-written DL4J files

    /** configuration.json of conv(1->2, 2x2) -> dense(8->3) with CnnToFeedForward -> output(3->2), "@class" style (DL4J 1.0). */
    static final String NEW_STYLE = """
        {
          "backpropType" : "Standard",
          "defaultConfiguration" : { "seed" : 123, "iupdater" : { "@class" : "org.nd4j.linalg.learning.config.Nesterovs", "learningRate" : 0.1, "momentum" : 0.9 } },
          "iterationCount" : 5, "epochCount" : 1,
          "networkInputs" : [ "in" ],
          "networkOutputs" : [ "o" ],
          "vertexInputs" : { "c" : [ "in" ], "d" : [ "c" ], "o" : [ "d" ] },
          "vertices" : {
            "c" : { "@class" : "org.deeplearning4j.nn.conf.graph.LayerVertex",
              "layerConf" : { "cacheMode" : "NONE", "seed" : 123, "variables" : [ "W", "b" ],
                "layer" : { "@class" : "org.deeplearning4j.nn.conf.layers.ConvolutionLayer",
                  "activationFn" : { "@class" : "org.nd4j.linalg.activations.impl.ActivationIdentity" },
                  "biasInit" : 0.0, "convolutionMode" : "Truncate", "cudnnAlgoMode" : "PREFER_FASTEST", "dilation" : [ 1, 1 ],
                  "hasBias" : true, "idropout" : null, "kernelSize" : [ 2, 2 ], "layerName" : "c", "nin" : 1, "nout" : 2,
                  "padding" : [ 0, 0 ], "stride" : [ 1, 1 ], "weightInit" : "XAVIER" } },
              "outputVertex" : false, "preProcessor" : null },
            "d" : { "@class" : "org.deeplearning4j.nn.conf.graph.LayerVertex",
              "layerConf" : { "layer" : { "@class" : "org.deeplearning4j.nn.conf.layers.DenseLayer",
                  "activationFn" : { "@class" : "org.nd4j.linalg.activations.impl.ActivationIdentity" },
                  "hasBias" : true, "layerName" : "d", "nin" : 8, "nout" : 3 } },
              "outputVertex" : false,
              "preProcessor" : { "@class" : "org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor",
                  "inputHeight" : 2, "inputWidth" : 2, "numChannels" : 2 } },
            "o" : { "@class" : "org.deeplearning4j.nn.conf.graph.LayerVertex",
              "layerConf" : { "layer" : { "@class" : "org.deeplearning4j.nn.conf.layers.OutputLayer",
                  "activationFn" : { "@class" : "org.nd4j.linalg.activations.impl.ActivationSoftmax" },
                  "lossFn" : { "@class" : "org.nd4j.linalg.lossfunctions.impl.LossMCXENT", "softmaxClipEps" : 1.0E-10, "weights" : null },
                  "hasBias" : true, "layerName" : "o", "nin" : 3, "nout" : 2 } },
              "outputVertex" : true, "preProcessor" : null }
          }
        }
        """;

    /** The same network as DL4J 0.8/0.9 wrote it: Jackson wrapper objects and activation names as strings. */
    static final String LEGACY_STYLE = """
        {
          "backprop" : true, "pretrain" : false,
          "defaultConfiguration" : { "seed" : 123, "updater" : "NESTEROVS", "learningRate" : 0.1, "momentum" : 0.9 },
          "networkInputs" : [ "in" ],
          "networkOutputs" : [ "o" ],
          "vertexInputs" : { "c" : [ "in" ], "d" : [ "c" ], "o" : [ "d" ] },
          "vertices" : {
            "c" : { "LayerVertex" : {
              "layerConf" : { "seed" : 123, "layer" : { "convolution" : {
                  "activationFunction" : "identity", "convolutionMode" : "Truncate",
                  "kernelSize" : [ 2, 2 ], "layerName" : "c", "nin" : 1, "nout" : 2, "padding" : [ 0, 0 ], "stride" : [ 1, 1 ],
                  "updater" : "NESTEROVS", "learningRate" : 0.1, "momentum" : 0.9, "weightInit" : "XAVIER", "dropOut" : 0.0 } } },
              "outputVertex" : false, "preProcessor" : null } },
            "d" : { "LayerVertex" : {
              "layerConf" : { "layer" : { "dense" : { "activationFn" : { "Identity" : { } }, "layerName" : "d", "nin" : 8, "nout" : 3 } } },
              "outputVertex" : false,
              "preProcessor" : { "cnnToFeedForward" : { "inputHeight" : 2, "inputWidth" : 2, "numChannels" : 2 } } } },
            "o" : { "LayerVertex" : {
              "layerConf" : { "layer" : { "output" : { "activationFn" : { "Softmax" : { } },
                  "lossFn" : { "MCXENT" : { } }, "layerName" : "o", "nin" : 3, "nout" : 2 } } },
              "outputVertex" : true, "preProcessor" : null } }
          }
        }
        """;

    /** 45 distinct values: the flat DL4J parameter vector of the network above. */
    private static INDArray flat45() {
        INDArray v = Nd4j.zeros(1, 45);
        for (int i = 0; i < 45; i++) v.putLinear(i, 0.01 * (i + 1) * (i % 2 == 0 ? 1 : -1));
        return v;
    }

    private File dl4jZip(String name, String json, INDArray flat, boolean legacyBuffer) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream dos = new DataOutputStream(bos);
        if (legacyBuffer) Nd4jBinary.writeLegacy(flat, dos, "JAVACPP"); else Nd4jBinary.write(flat, dos);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("configuration.json", json.getBytes(StandardCharsets.UTF_8));
        entries.put("coefficients.bin", bos.toByteArray());
        return zip(name, entries);
    }

    private File zip(String name, Map<String, byte[]> entries) throws IOException {
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

    /** Checks every parameter against DL4J's layout: conv b then W (c order), dense W ('f' order) then b. */
    private static void checkSmallNetParams(ComputationGraph g, INDArray v) {
        INDArray cb = g.getLayer("c").getParam("b"), cw = g.getLayer("c").getParam("W");
        assertArrayEqualsLong(new long[]{2, 1, 2, 2}, cw.shape());
        for (int o = 0; o < 2; o++) assertEquals(v.getDoubleLinear(o), cb.getDoubleLinear(o), 0);
        for (int o = 0; o < 2; o++) for (int y = 0; y < 2; y++) for (int x = 0; x < 2; x++) {
            assertEquals(v.getDoubleLinear(2 + o * 4 + y * 2 + x), cw.getDouble(o, 0, y, x), 0);
        }
        INDArray dw = g.getLayer("d").getParam("W"), db = g.getLayer("d").getParam("b");
        for (int i = 0; i < 8; i++) for (int j = 0; j < 3; j++) assertEquals(v.getDoubleLinear(10 + j * 8 + i), dw.getDouble(i, j), 0);
        for (int j = 0; j < 3; j++) assertEquals(v.getDoubleLinear(34 + j), db.getDoubleLinear(j), 0);
        INDArray ow = g.getLayer("o").getParam("W"), ob = g.getLayer("o").getParam("b");
        for (int i = 0; i < 3; i++) for (int j = 0; j < 2; j++) assertEquals(v.getDoubleLinear(37 + j * 3 + i), ow.getDouble(i, j), 0);
        for (int j = 0; j < 2; j++) assertEquals(v.getDoubleLinear(43 + j), ob.getDoubleLinear(j), 0);
    }

    private static void assertArrayEqualsLong(long[] a, long[] b) { assertEquals(Arrays.toString(a), Arrays.toString(b)); }

    /** The network computed by hand in double precision from the DL4J flat vector. */
    private static double[] smallNetByHand(INDArray v, double[] img /* 3x3 */) {
        double[] conv = new double[8];   // [c][y][x], channel-major as the flatten
        for (int o = 0; o < 2; o++) for (int y = 0; y < 2; y++) for (int x = 0; x < 2; x++) {
            double s = v.getDoubleLinear(o);
            for (int ky = 0; ky < 2; ky++) for (int kx = 0; kx < 2; kx++) s += v.getDoubleLinear(2 + o * 4 + ky * 2 + kx) * img[(y + ky) * 3 + x + kx];
            conv[o * 4 + y * 2 + x] = s;
        }
        double[] d = new double[3];
        for (int j = 0; j < 3; j++) {
            double s = v.getDoubleLinear(34 + j);
            for (int i = 0; i < 8; i++) s += conv[i] * v.getDoubleLinear(10 + j * 8 + i);
            d[j] = s;
        }
        double[] z = new double[2];
        for (int j = 0; j < 2; j++) {
            double s = v.getDoubleLinear(43 + j);
            for (int i = 0; i < 3; i++) s += d[i] * v.getDoubleLinear(37 + j * 3 + i);
            z[j] = s;
        }
        double m = Math.max(z[0], z[1]), e0 = Math.exp(z[0] - m), e1 = Math.exp(z[1] - m);
        return new double[]{e0 / (e0 + e1), e1 / (e0 + e1)};
    }

    @Test
    public void handWrittenNewStyleConfigWithOldBufferVariant() throws IOException {
        INDArray v = flat45();
        File f = dl4jZip("new_style_old_buffers.zip", NEW_STYLE, v, true);
        ComputationGraph g = ModelSerializer.restoreComputationGraph(f);
        checkSmallNetParams(g, v);
        assertEquals(5, g.getIterationCount());
        assertEquals(1, g.getEpochCount());
        double[] img = {0.5, -1, 2, 0.25, 3, -0.5, 1, 1.5, -2};
        INDArray out = g.outputSingle(Nd4j.create(Arrays.copyOf(toFloats(img), 9), 1, 1, 3, 3));
        double[] want = smallNetByHand(v, img);
        assertEquals(want[0], out.getDouble(0, 0), 1e-6);
        assertEquals(want[1], out.getDouble(0, 1), 1e-6);
        assertTrue(g.getLayer("c").layerConf() instanceof ConvolutionLayer);
        assertEquals(Activation.SOFTMAX, ((OutputLayer) g.getLayer("o").layerConf()).getActivation());
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
        return f;
    }

    @Test
    public void handWrittenLegacyWrapperStyleConfig() throws IOException {
        INDArray v = flat45();
        for (boolean legacyBuffer : new boolean[]{true, false}) {
            File f = dl4jZip("legacy_style" + legacyBuffer + ".zip", LEGACY_STYLE, v, legacyBuffer);
            ComputationGraph g = ModelSerializer.restoreComputationGraph(f);
            checkSmallNetParams(g, v);
            double[] img = {1, 2, 3, 4, 5, 6, 7, 8, 9};
            INDArray out = g.outputSingle(Nd4j.create(toFloats(img), 1, 1, 3, 3));
            double[] want = smallNetByHand(v, img);
            assertEquals(want[0], out.getDouble(0, 0), 1e-6);
            assertEquals(want[1], out.getDouble(0, 1), 1e-6);
            assertEquals(Activation.IDENTITY, ((DenseLayer) g.getLayer("d").layerConf()).getActivation());
            assertEquals(new Nesterovs(0.1, 0.9), ((ConvolutionLayer) g.getLayer("c").layerConf()).getIUpdater());
        }
    }

    // ---------------------------------------------------------------- Keras import specifics

    /** Keras VGG style: conv -> PreprocessorVertex(TensorFlowCnnToFeedForward) -> dense -> dense -> LossLayer. */
    static final String KERAS_STYLE = """
        {
          "networkInputs" : [ "input_1" ],
          "networkOutputs" : [ "predictions_loss" ],
          "topologicalOrder" : [ 0, 1, 2, 3, 4, 5 ],
          "topologicalOrderStr" : [ "input_1", "block1_conv1", "flatten", "fc1", "predictions", "predictions_loss" ],
          "vertexInputs" : { "block1_conv1" : [ "input_1" ], "flatten" : [ "block1_conv1" ], "fc1" : [ "flatten" ],
                             "predictions" : [ "fc1" ], "predictions_loss" : [ "predictions" ] },
          "vertices" : {
            "block1_conv1" : { "@class" : "org.deeplearning4j.nn.conf.graph.LayerVertex", "layerConf" : { "layer" : {
                "@class" : "org.deeplearning4j.nn.conf.layers.ConvolutionLayer",
                "activationFn" : { "@class" : "org.nd4j.linalg.activations.impl.ActivationReLU" },
                "convolutionMode" : "Same", "kernelSize" : [ 1, 1 ], "stride" : [ 1, 1 ], "padding" : [ 0, 0 ], "hasBias" : true,
                "nin" : 2, "nout" : 3 } }, "preProcessor" : null },
            "flatten" : { "@class" : "org.deeplearning4j.nn.conf.graph.PreprocessorVertex",
              "preProcessor" : { "@class" : "org.deeplearning4j.nn.modelimport.keras.preprocessors.TensorFlowCnnToFeedForwardPreProcessor",
                "inputHeight" : 2, "inputWidth" : 2, "numChannels" : 3 } },
            "fc1" : { "@class" : "org.deeplearning4j.nn.conf.graph.LayerVertex", "layerConf" : { "layer" : {
                "@class" : "org.deeplearning4j.nn.conf.layers.DenseLayer",
                "activationFn" : { "@class" : "org.nd4j.linalg.activations.impl.ActivationReLU" }, "nin" : 12, "nout" : 4 } }, "preProcessor" : null },
            "predictions" : { "@class" : "org.deeplearning4j.nn.conf.graph.LayerVertex", "layerConf" : { "layer" : {
                "@class" : "org.deeplearning4j.nn.conf.layers.DenseLayer",
                "activationFn" : { "@class" : "org.nd4j.linalg.activations.impl.ActivationSoftmax" }, "nin" : 4, "nout" : 3 } }, "preProcessor" : null },
            "predictions_loss" : { "@class" : "org.deeplearning4j.nn.conf.graph.LayerVertex", "layerConf" : { "layer" : {
                "@class" : "org.deeplearning4j.nn.conf.layers.LossLayer",
                "activationFn" : { "@class" : "org.nd4j.linalg.activations.impl.ActivationIdentity" },
                "lossFn" : { "@class" : "org.nd4j.linalg.lossfunctions.impl.LossMCXENT" } } }, "preProcessor" : null }
          }
        }
        """;

    @Test
    public void kerasImportedFlattenAndLossLayer() throws IOException {
        checkKerasStyle(KERAS_STYLE, true);
        // DL4J 0.9 wrapper style names the Keras preprocessor by its simple class name
        String wrapped = KERAS_STYLE
                .replace("{ \"@class\" : \"org.deeplearning4j.nn.modelimport.keras.preprocessors.TensorFlowCnnToFeedForwardPreProcessor\",",
                        "{ \"TensorFlowCnnToFeedForwardPreProcessor\" : {")
                .replace("\"numChannels\" : 3 } },", "\"numChannels\" : 3 } } },");
        assertTrue(wrapped.contains("{ \"TensorFlowCnnToFeedForwardPreProcessor\" : {"));
        checkKerasStyle(wrapped, true);
        // Keras ReshapePreprocessor flattening [c, h, w] reshapes the NCHW activations in C order: channel-major
        checkKerasStyle(KERAS_STYLE.replace("keras.preprocessors.TensorFlowCnnToFeedForwardPreProcessor\",",
                "keras.preprocessors.ReshapePreprocessor\", \"inputShape\" : [ 3, 2, 2 ], \"targetShape\" : [ 12 ],"), false);
    }

    @Test
    public void tensorFlowFlattenInFrontOfOtherLayersIsRejected() throws IOException {
        String json = KERAS_STYLE.replace("\"org.deeplearning4j.nn.conf.layers.DenseLayer\",", "\"org.deeplearning4j.nn.conf.layers.ActivationLayer\",");
        assertTrue(json.contains("ActivationLayer"));
        expectIae(json, "vertex 'fc1'", "TensorFlow-order flatten");
    }

    private void checkKerasStyle(String json, boolean nhwc) throws IOException {
        assertTrue(json.contains(nhwc ? "TensorFlowCnnToFeedForwardPreProcessor" : "ReshapePreprocessor"));
        // layout: conv b(3) W(3*2) | fc1 W(12*4, f order, rows in h,w,c order) b(4) | predictions W(4*3) b(3)
        int n = 3 + 6 + 48 + 4 + 12 + 3;
        INDArray v = Nd4j.zeros(1, n);
        java.util.Random rnd = new java.util.Random(3);
        for (int i = 0; i < n; i++) v.putLinear(i, rnd.nextGaussian() * 0.5);
        ComputationGraph g = ModelSerializer.restoreComputationGraph(dl4jZip("keras_vgg_style" + json.hashCode() + ".zip", json, v, false));
        assertEquals(java.util.List.of("predictions"), g.getConfiguration().getNetworkOutputs());
        assertTrue(g.getLayer("predictions").layerConf() instanceof OutputLayer);

        double[] img = new double[8];   // [c=2][h=2][w=2]
        for (int i = 0; i < 8; i++) img[i] = rnd.nextGaussian();
        INDArray out = g.outputSingle(Nd4j.create(toFloats(img), 1, 2, 2, 2));

        // by hand, as DL4J computes it: conv 1x1 + relu, flatten in (h, w, c) order, dense relu, dense softmax
        double[][][] conv = new double[2][2][3];
        for (int y = 0; y < 2; y++) for (int x = 0; x < 2; x++) for (int o = 0; o < 3; o++) {
            double s = v.getDoubleLinear(o);
            for (int c = 0; c < 2; c++) s += v.getDoubleLinear(3 + o * 2 + c) * img[c * 4 + y * 2 + x];
            conv[y][x][o] = Math.max(0, s);
        }
        double[] flat = new double[12];
        for (int y = 0; y < 2; y++) for (int x = 0; x < 2; x++) for (int o = 0; o < 3; o++) {
            flat[nhwc ? (y * 2 + x) * 3 + o : o * 4 + y * 2 + x] = conv[y][x][o];
        }
        double[] h = new double[4];
        for (int j = 0; j < 4; j++) {
            double s = v.getDoubleLinear(9 + 48 + j);
            for (int i = 0; i < 12; i++) s += flat[i] * v.getDoubleLinear(9 + j * 12 + i);
            h[j] = Math.max(0, s);
        }
        double[] z = new double[3];
        double mx = -Double.MAX_VALUE;
        for (int j = 0; j < 3; j++) {
            double s = v.getDoubleLinear(61 + 12 + j);
            for (int i = 0; i < 4; i++) s += h[i] * v.getDoubleLinear(61 + j * 4 + i);
            z[j] = s;
            mx = Math.max(mx, s);
        }
        double sum = 0;
        for (int j = 0; j < 3; j++) sum += Math.exp(z[j] - mx);
        for (int j = 0; j < 3; j++) assertEquals(Math.exp(z[j] - mx) / sum, out.getDouble(0, j), 1e-5);
    }

    // ---------------------------------------------------------------- DL4J's topological order

    private static String twoBranchJson(boolean withStoredOrder) {
        String dense = "{ \"@class\" : \"org.deeplearning4j.nn.conf.graph.LayerVertex\", \"layerConf\" : { \"layer\" : { "
                + "\"@class\" : \"org.deeplearning4j.nn.conf.layers.DenseLayer\", "
                + "\"activationFn\" : { \"@class\" : \"org.nd4j.linalg.activations.impl.ActivationIdentity\" }, \"nin\" : 2, \"nout\" : 2 } } }";
        String out = "{ \"@class\" : \"org.deeplearning4j.nn.conf.graph.LayerVertex\", \"layerConf\" : { \"layer\" : { "
                + "\"@class\" : \"org.deeplearning4j.nn.conf.layers.OutputLayer\", \"lossFn\" : { \"@class\" : \"org.nd4j.linalg.lossfunctions.impl.LossMSE\" }, "
                + "\"activationFn\" : { \"@class\" : \"org.nd4j.linalg.activations.impl.ActivationIdentity\" }, \"nin\" : 4, \"nout\" : 1 } } }";
        return "{ \"networkInputs\" : [ \"in\" ], \"networkOutputs\" : [ \"o\" ], "
                + (withStoredOrder ? "\"topologicalOrderStr\" : [ \"in\", \"a\", \"b\", \"m\", \"o\" ], " : "")
                + "\"vertexInputs\" : { \"m\" : [ \"a\", \"b\" ], \"b\" : [ \"in\" ], \"a\" : [ \"in\" ], \"o\" : [ \"m\" ] }, "
                + "\"vertices\" : { \"m\" : { \"@class\" : \"org.deeplearning4j.nn.conf.graph.MergeVertex\" }, \"b\" : " + dense
                + ", \"a\" : " + dense + ", \"o\" : " + out + " } }";
    }

    @Test
    public void parameterOrderFollowsDl4jTopologicalSort() throws IOException {
        // file order m, b, a, o gives indices in=0 m=1 b=2 a=3 o=4; Kahn from "in" visits its consumers {2, 3}
        // in hash order, so DL4J lays out b's parameters before a's
        Dl4jGraph g = Dl4jConfigReader.read(twoBranchJson(false), "t");
        assertEquals(java.util.List.of("in", "b", "a", "m", "o"), g.dl4jTopologicalOrder());
        INDArray v = Nd4j.zeros(1, 6 + 6 + 5);
        for (int i = 0; i < v.length(); i++) v.putLinear(i, i + 1);
        ComputationGraph cg = ModelSerializer.restoreComputationGraph(dl4jZip("order.zip", twoBranchJson(false), v, false));
        assertEquals(1.0, cg.getLayer("b").getParam("W").getDouble(0, 0), 0);
        assertEquals(7.0, cg.getLayer("a").getParam("W").getDouble(0, 0), 0);
        // a stored order (DL4J 1.0 files) is used as is
        ComputationGraph cg2 = ModelSerializer.restoreComputationGraph(dl4jZip("order2.zip", twoBranchJson(true), v, false));
        assertEquals(1.0, cg2.getLayer("a").getParam("W").getDouble(0, 0), 0);
        assertEquals(7.0, cg2.getLayer("b").getParam("W").getDouble(0, 0), 0);
        // W is 'f' ordered: element (1, 0) is the second value
        assertEquals(2.0, cg2.getLayer("a").getParam("W").getDouble(1, 0), 0);
        assertEquals(3.0, cg2.getLayer("a").getParam("W").getDouble(0, 1), 0);
    }

    // ---------------------------------------------------------------- batch norm and depthwise layouts

    static final String BN_DW = """
        { "networkInputs" : [ "in" ], "networkOutputs" : [ "gp" ],
          "vertexInputs" : { "bn" : [ "in" ], "bn2" : [ "bn" ], "dw" : [ "bn2" ], "gp" : [ "dw" ] },
          "vertices" : {
            "bn" : { "@class" : "org.deeplearning4j.nn.conf.graph.LayerVertex", "layerConf" : { "layer" : {
                "@class" : "org.deeplearning4j.nn.conf.layers.BatchNormalization", "nin" : 2, "nout" : 2, "eps" : 1.0E-3,
                "decay" : 0.9, "lockGammaBeta" : false, "useLogStd" : true,
                "activationFn" : { "@class" : "org.nd4j.linalg.activations.impl.ActivationIdentity" } } } },
            "bn2" : { "@class" : "org.deeplearning4j.nn.conf.graph.LayerVertex", "layerConf" : { "layer" : {
                "@class" : "org.deeplearning4j.nn.conf.layers.BatchNormalization", "nin" : 2, "nout" : 2,
                "lockGammaBeta" : true, "gamma" : 2.0, "beta" : 0.5, "useLogStd" : false,
                "activationFn" : { "@class" : "org.nd4j.linalg.activations.impl.ActivationIdentity" } } } },
            "dw" : { "@class" : "org.deeplearning4j.nn.conf.graph.LayerVertex", "layerConf" : { "layer" : {
                "@class" : "org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D", "nin" : 2, "nout" : 4, "depthMultiplier" : 2,
                "kernelSize" : [ 1, 2 ], "stride" : [ 1, 1 ], "padding" : [ 0, 0 ], "convolutionMode" : "Truncate", "hasBias" : true,
                "activationFn" : { "@class" : "org.nd4j.linalg.activations.impl.ActivationIdentity" } } } },
            "gp" : { "@class" : "org.deeplearning4j.nn.conf.graph.LayerVertex", "layerConf" : { "layer" : {
                "@class" : "org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer", "poolingType" : "AVG",
                "collapseDimensions" : true, "poolingDimensions" : [ 2, 3 ] } } }
          } }
        """;

    @Test
    public void batchNormAndDepthwiseLayouts() throws IOException {
        // bn: gamma(2) beta(2) mean(2) log10std(2) | bn2 (locked): mean(2) var(2) | dw: b(4) W[kH=1,kW=2,nIn=2,dm=2]
        int n = 8 + 4 + 4 + 8;
        INDArray v = Nd4j.zeros(1, n);
        for (int i = 0; i < n; i++) v.putLinear(i, 0.1 * (i + 1));
        ComputationGraph g = ModelSerializer.restoreComputationGraph(dl4jZip("bn_dw.zip", BN_DW, v, true));
        org.pydl4j.nn.api.Layer bn = g.getLayer("bn");
        assertEquals(0.1f, bn.getParam("gamma").getFloat(0, 0), 0);
        assertEquals(0.4f, bn.getParam("beta").getFloat(0, 1), 0);
        assertEquals(0.5f, bn.getParam("mean").getFloat(0, 0), 0);
        assertEquals((float) Math.pow(10, 2 * 0.7f), bn.getParam("var").getFloat(0, 0), 1e-5f);
        assertEquals(1e-3, ((BatchNormalization) bn.layerConf()).getEps(), 0);
        org.pydl4j.nn.api.Layer bn2 = g.getLayer("bn2");
        assertEquals(2.0f, bn2.getParam("gamma").getFloat(0, 1), 0);
        assertEquals(0.5f, bn2.getParam("beta").getFloat(0, 0), 0);
        assertEquals(0.9f, bn2.getParam("mean").getFloat(0, 0), 1e-7f);
        assertEquals(1.2f, bn2.getParam("var").getFloat(0, 1), 1e-7f);
        INDArray dwW = g.getLayer("dw").getParam("W"), dwB = g.getLayer("dw").getParam("b");
        assertArrayEqualsLong(new long[]{4, 1, 1, 2}, dwW.shape());
        for (int k = 0; k < 4; k++) assertEquals((float) v.getDoubleLinear(12 + k), dwB.getFloat(0, k), 0);
        for (int c = 0; c < 2; c++) for (int m = 0; m < 2; m++) for (int x = 0; x < 2; x++) {
            assertEquals((float) v.getDoubleLinear(16 + ((x) * 2 + c) * 2 + m), dwW.getFloat(c * 2 + m, 0, 0, x), 0);
        }
        // an exported copy of the imported graph reads back identically (lockGammaBeta/log-std become plain parameters)
        File f = new File(tmp.getRoot(), "bn_dw_export.zip");
        Dl4jZipExporter.write(g, f.toPath(), false);
        ComputationGraph r = ModelSerializer.restoreComputationGraph(f);
        INDArray x = Nd4j.rand(9L, new long[]{3, 2, 3, 4});
        INDArray a = g.outputSingle(x), b = r.outputSingle(x);
        for (int i = 0; i < a.length(); i++) assertEquals(a.getDoubleLinear(i), b.getDoubleLinear(i), 1e-6 * Math.max(1, Math.abs(a.getDoubleLinear(i))));
    }

    // ---------------------------------------------------------------- errors

    private void expectIae(String json, String... fragments) throws IOException {
        File f = dl4jZip("bad" + Math.abs(json.hashCode()) + ".zip", json, Nd4j.zeros(1, 45), false);
        try {
            ModelSerializer.restoreComputationGraph(f);
            fail("expected IllegalArgumentException");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(f.toString()));
            for (String s : fragments) assertTrue(e.getMessage() + " should mention " + s, e.getMessage().contains(s));
        }
    }

    @Test
    public void unsupportedLayersAndVerticesAreNamed() throws IOException {
        expectIae(NEW_STYLE.replace("org.deeplearning4j.nn.conf.layers.DenseLayer", "org.deeplearning4j.nn.conf.layers.LSTM"),
                "vertex 'd'", "org.deeplearning4j.nn.conf.layers.LSTM");
        expectIae(NEW_STYLE.replace("\"c\" : { \"@class\" : \"org.deeplearning4j.nn.conf.graph.LayerVertex\"",
                "\"c\" : { \"@class\" : \"org.deeplearning4j.nn.conf.graph.SubsetVertex\""), "vertex 'c'", "SubsetVertex");
        expectIae(LEGACY_STYLE.replace("\"dense\"", "\"gravesLSTM\""), "vertex 'd'", "gravesLSTM");
        expectIae(NEW_STYLE.replace("ActivationSoftmax", "ActivationCube"), "vertex 'o'", "ActivationCube");
        expectIae(NEW_STYLE.replace("LossMCXENT", "LossWasserstein"), "vertex 'o'", "LossWasserstein");
        expectIae("{ \"confs\" : [] }", "MultiLayerNetwork");
        expectIae(NEW_STYLE.replace("\"padding\" : [ 0, 0 ], \"stride\"", "\"cnn2dDataFormat\" : \"NHWC\", \"padding\" : [ 0, 0 ], \"stride\""),
                "vertex 'c'", "NHWC");
    }

    @Test
    public void dl4jZipProblemsAreNamed() throws IOException {
        File shortParams = dl4jZip("short.zip", NEW_STYLE, Nd4j.zeros(1, 44), false);
        try {
            ModelSerializer.restoreComputationGraph(shortParams);
            fail("expected IOException");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(shortParams + ":coefficients.bin") && e.getMessage().contains("expected 45"));
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("configuration.json", NEW_STYLE.getBytes(StandardCharsets.UTF_8));
        File noCoef = zip("nocoef.zip", entries);
        try {
            ModelSerializer.restoreComputationGraph(noCoef);
            fail("expected IOException");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(noCoef.toString()) && e.getMessage().contains("coefficients.bin"));
        }
        byte[] good = Files.readAllBytes(dl4jZip("good.zip", NEW_STYLE, flat45(), true).toPath());
        File cut = new File(tmp.getRoot(), "cut.zip");
        Files.write(cut.toPath(), Arrays.copyOf(good, good.length - 40));
        try {
            ModelSerializer.restoreComputationGraph(cut);
            fail("expected IOException");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(cut.toString()));
        }
        assertEquals(DataType.FLOAT, ModelSerializer.restoreComputationGraph(dl4jZip("ok.zip", NEW_STYLE, flat45(), true)).getDataType());
    }
}
