package org.pydl4j.reliability;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Map;
import org.junit.Test;
import org.pydl4j.eval.Evaluation;
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
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.conf.layers.SubsamplingLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.transferlearning.TransferLearning;
import org.pydl4j.nn.weights.WeightInit;
import org.pydl4j.zoo.ParamTables;
import org.pydl4j.zoo.Zoo;

/**
 * API misuse gives a clear exception naming the vertex, shape or source -- never a native crash or a silent wrong
 * result: unknown vertex names in the transfer builder, nIn/nOut mismatches, wrong input shapes to output() and
 * fit(), wrong label widths at fit and evaluation, weights of another architecture.
 */
public class ApiMisuseTest {

    static ComputationGraph cnn() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-2))
                .weightInit(WeightInit.XAVIER).activation(Activation.RELU)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(8, 8, 3))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same).build(), "in")
                .addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX, new int[]{2, 2}, new int[]{2, 2}).build(), "conv")
                .addLayer("dense", new DenseLayer.Builder().nOut(6).build(), "pool")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /** Runs r, expects an IllegalArgumentException or IllegalStateException whose message holds every word given. */
    static String expectClear(Runnable r, String... words) {
        try {
            r.run();
        } catch (IllegalArgumentException | IllegalStateException e) {
            String m = String.valueOf(e.getMessage());
            for (String w : words) assertTrue("message lacks '" + w + "': " + m, m.contains(w));
            return m;
        }
        fail("no exception; expected one naming " + String.join(", ", words));
        return null;
    }

    static INDArray labels(int n, int classes) {
        INDArray y = Nd4j.zeros(n, classes);
        for (int i = 0; i < n; i++) y.putScalar(i, i % classes, 1.0);
        return y;
    }

    @Test
    public void unknownVertexNamesInTheTransferBuilderAreNamed() {
        ComputationGraph g = cnn();
        expectClear(() -> new TransferLearning.GraphBuilder(g).setFeatureExtractor("no_such_vertex"), "no_such_vertex");
        expectClear(() -> new TransferLearning.GraphBuilder(g).nOutReplace("ghost", 5, WeightInit.XAVIER), "ghost");
        expectClear(() -> new TransferLearning.GraphBuilder(g).removeVertexKeepConnections("phantom"), "phantom");
        expectClear(() -> new TransferLearning.GraphBuilder(g).removeVertexAndConnections("out")
                .addLayer("new_out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(6).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "not_a_layer")
                .setOutputs("new_out").build(), "not_a_layer");
    }

    @Test
    public void nInNOutMismatchIsNamed() {
        ComputationGraph g = cnn();
        expectClear(() -> new TransferLearning.GraphBuilder(g).removeVertexAndConnections("out")
                .addLayer("head", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(7).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("head").build(), "head");
        expectClear(() -> new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .setInputTypes(InputType.feedForward(5))
                .addLayer("d1", new DenseLayer.Builder().nIn(5).nOut(4).build(), "in")
                .addLayer("d2", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(9).nOut(2).build(), "d1")
                .setOutputs("d2").build(), "d2");
    }

    @Test
    public void wrongInputShapesToOutputAndFitAreNamed() {
        ComputationGraph g = cnn();
        INDArray ok = Nd4j.rand(1, new long[]{2, 3, 8, 8});
        assertEquals(3, g.outputSingle(ok).size(1));
        expectClear(() -> g.outputSingle(Nd4j.rand(1, new long[]{2, 3, 8})), "[2, 3, 8]");            // rank 3
        expectClear(() -> g.outputSingle(Nd4j.rand(1, new long[]{2, 5, 8, 8})), "[2, 5, 8, 8]");      // channels
        expectClear(() -> g.outputSingle(Nd4j.rand(1, new long[]{2, 3, 9, 9})), "[2, 3, 9, 9]");      // spatial size
        expectClear(() -> g.outputSingle(Nd4j.rand(1, new long[]{2, 3, 1, 1})), "[2, 3, 1, 1]");
        expectClear(() -> g.fit(new DataSet(Nd4j.rand(1, new long[]{2, 5, 8, 8}), labels(2, 3))), "[2, 5, 8, 8]");
        expectClear(() -> g.fit(new DataSet(Nd4j.rand(1, new long[]{2, 3, 8, 8}), labels(3, 3))), "3");  // batch sizes
    }

    @Test
    public void wrongNumberOfClassesAtFitAndEvaluationIsNamed() {
        ComputationGraph g = cnn();
        INDArray x = Nd4j.rand(1, new long[]{4, 3, 8, 8});
        expectClear(() -> g.fit(new DataSet(x, labels(4, 5))), "[4, 5]");
        Evaluation e = new Evaluation(3);
        expectClear(() -> e.eval(labels(4, 5), g.outputSingle(x)), "5");
        Evaluation e2 = new Evaluation(4);
        expectClear(() -> e2.eval(labels(4, 3), g.outputSingle(x)), "4");
    }

    /**
     * NaN or infinite input is refused at inference as at training, naming the input and the first bad position
     * (ReLU and max pooling would otherwise turn an all-NaN image into a plausible uniform softmax).
     */
    @Test
    public void nanOrInfiniteInputIsRefusedNamingInputAndPosition() {
        ComputationGraph g = cnn();
        INDArray x = Nd4j.valueArrayOf(new long[]{2, 3, 8, 8}, Double.NaN);
        expectClear(() -> g.outputSingle(x), "output", "'in'", "NaN", "[0, 0, 0, 0]");
        INDArray y = Nd4j.rand(4, new long[]{2, 3, 8, 8});
        y.putScalar(new long[]{1, 2, 5, 3}, Double.POSITIVE_INFINITY);
        expectClear(() -> g.output(y), "output", "'in'", "Infinity", "[1, 2, 5, 3]");
        y.putScalar(new long[]{1, 2, 5, 3}, 0.5);
        INDArray p = g.outputSingle(y);
        assertEquals(1.0, p.getRow(0).sumNumber().doubleValue(), 1e-5);
        expectClear(() -> g.fit(new DataSet(x, labels(2, 3))), "fit", "'in'", "NaN", "[0, 0, 0, 0]");
    }

    @Test
    public void weightsOfAnotherArchitectureAreRejectedNamingSourceAndVertices() {
        ComputationGraph vgg = Zoo.model("vgg16_notop").init();
        ComputationGraph eff = Zoo.model("efficientnet-lite0", 10).init();
        Map<String, INDArray> effParams = ParamTables.extract(eff);
        INDArray before = vgg.params();
        String m = expectClear(() -> ParamTables.apply(vgg, effParams, "efficientnet-lite0.safetensors"),
                "efficientnet-lite0.safetensors", "missing", "unexpected", "block1_conv1_W");
        assertTrue(m.length() < 200_000);
        assertEquals("nothing may be copied when the tables do not fit", before, vgg.params());
        // same names, wrong shape: a VGG table applied to a VGG with another head size
        ComputationGraph small = Zoo.model("efficientnet-lite0", 5).init();
        expectClear(() -> ParamTables.apply(small, effParams, "lite0-10-classes"), "lite0-10-classes", "mis-shaped");
    }
}
