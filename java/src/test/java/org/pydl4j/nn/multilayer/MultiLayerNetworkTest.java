package org.pydl4j.nn.multilayer;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.io.IOException;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.MultiLayerConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.transferlearning.TransferLearning;
import org.pydl4j.util.ModelSerializer;

/** MultiLayerNetwork semantics beyond the example programs: naming, preprocessors, misuse, file kinds. */
public class MultiLayerNetworkTest {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    private static MultiLayerConfiguration lenetLike() {
        return new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(2).build())
                .layer(new DenseLayer.Builder().nOut(5).name("hidden").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(6, 6, 1))
                .build();
    }

    /** A listener counting the iterations it is told of, and on which model. */
    private static final class Counting implements org.pydl4j.nn.listeners.TrainingListener {
        int iterations;
        Object model;
        @Override public void iterationDone(org.pydl4j.nn.api.Model m, int iteration, int epoch) { iterations++; model = m; }
    }

    /** The graph underneath carries a listener only while the network has one: with none it trains fused. */
    @Test
    public void theGraphHasAListenerOnlyWhileTheNetworkHasOne() {
        MultiLayerNetwork net = new MultiLayerNetwork(lenetLike());
        net.init();
        ComputationGraph graph = net.asComputationGraph();
        assertTrue("no listener: the graph keeps its fused training path", graph.getListeners().isEmpty());
        org.pydl4j.nd.dataset.DataSet ds = new org.pydl4j.nd.dataset.DataSet(Nd4j.rand(new long[]{4, 36}), Nd4j.zeros(4, 3));
        Counting mine = new Counting(), onGraph = new Counting();
        graph.addListeners(onGraph);   // put on the graph directly: survives the network's listener changes
        net.addListeners(mine);
        assertEquals(2, graph.getListeners().size());
        net.fit(ds);
        assertEquals(1, mine.iterations);
        assertTrue("told with the network as the model", mine.model == net);
        assertEquals(1, onGraph.iterations);
        net.setListeners();
        assertEquals(List.of(onGraph), graph.getListeners());
        net.fit(ds);
        assertEquals(1, mine.iterations);
        net.setListeners(List.of(mine));
        net.fit(ds);
        assertEquals(2, mine.iterations);
        assertEquals(3, onGraph.iterations);
    }

    @Test
    public void inputTypeGivesPreprocessorsNInAndIndexNames() {
        MultiLayerConfiguration conf = lenetLike();
        assertTrue(conf.getInputPreProcess(0) instanceof FeedForwardToCnnPreProcessor);
        assertTrue(conf.getInputPreProcess(1) != null);   // CNN -> dense flattening
        assertEquals(32, ((DenseLayer) conf.getConf(1).getLayer()).getNIn());   // 2 x 4 x 4
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        assertEquals(List.of("0", "hidden", "2"), net.getLayerNames());
        assertTrue(net.paramTable().containsKey("1_W"));
        assertEquals(3, net.getLayers().length);
        assertEquals(net.numParams(), net.params().length());
        INDArray out = net.output(Nd4j.rand(new long[]{4, 36}));
        assertEquals(4, out.rows());
        assertEquals(3, out.columns());
        List<INDArray> ff = net.feedForward(Nd4j.rand(new long[]{2, 36}));
        assertEquals("input + 3 layers", 4, ff.size());
        List<org.pydl4j.nd.dataset.DataSet> batches = List.of(new org.pydl4j.nd.dataset.DataSet(Nd4j.rand(new long[]{5, 36}), Nd4j.zeros(5, 3)));
        INDArray all = net.output(new org.pydl4j.nd.dataset.ListDataSetIterator<>(batches, 2));
        assertEquals("three batches stacked", 5, all.rows());
        ComputationGraph copy = net.toComputationGraph();
        copy.getLayer("hidden").getParam("W").assign(0);
        assertTrue("toComputationGraph is a copy", net.getParam("1_W").sumNumber().doubleValue() != 0);
    }

    @Test
    public void misuseIsAClearError() {
        try {
            new NeuralNetConfiguration.Builder().list().layer(0, new DenseLayer.Builder().nIn(2).nOut(2).build())
                    .layer(2, new OutputLayer.Builder().nIn(2).nOut(2).build()).build();
            fail("a gap in the layer indices accepted");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("layer 1 is not set"));
        }
        MultiLayerNetwork net = new MultiLayerNetwork(lenetLike());
        try {
            net.output(Nd4j.rand(new long[]{1, 36}));
            fail("output before init");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("init()"));
        }
        net.init();
        try {
            net.getLayer(3);
            fail("layer 3 of 3");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("3 layers"));
        }
        try {
            new TransferLearning.Builder(net).setFeatureExtractor(5);
            fail("feature extractor past the end");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("setFeatureExtractor"));
        }
    }

    @Test
    public void savedKindIsChecked() throws IOException {
        MultiLayerNetwork net = new MultiLayerNetwork(lenetLike());
        net.init();
        File f = tmp.newFile("stack.zip");
        net.save(f, false);
        try {
            ModelSerializer.restoreComputationGraph(f);
            fail("a stack restored as a graph");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("MultiLayerNetwork") && e.getMessage().contains("stack.zip"));
        }
        org.pydl4j.nd.dataset.preprocessor.NormalizerStandardize norm = new org.pydl4j.nd.dataset.preprocessor.NormalizerStandardize();
        norm.fit(new org.pydl4j.nd.dataset.DataSet(Nd4j.rand(new long[]{8, 36}), Nd4j.zeros(8, 3)));
        ModelSerializer.writeModel(net, f, false, norm);
        assertTrue(ModelSerializer.restoreNormalizerFromFile(f) instanceof org.pydl4j.nd.dataset.preprocessor.NormalizerStandardize);
        assertTrue(ModelSerializer.restoreMultiLayerNetworkAndNormalizer(f, false).getSecond() instanceof org.pydl4j.nd.dataset.preprocessor.NormalizerStandardize);
        MultiLayerNetwork back = MultiLayerNetwork.load(f, false);
        INDArray x = Nd4j.rand(new long[]{3, 36});
        assertTrue(net.output(x).equals(back.output(x)));
        assertEquals(net.getLayerWiseConfigurations(), back.getLayerWiseConfigurations());
    }

    @Test
    public void transferBuilderSetsPreprocessorAndEvaluativeListenerTakesADataSet() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(4).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(2).activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        MultiLayerConfiguration c = net.getLayerWiseConfigurations().clone();
        c.setInputPreProcessors(java.util.Map.of(0, new org.pydl4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor(2, 2, 1)));
        MultiLayerNetwork withPre = new MultiLayerNetwork(c);
        withPre.init();
        assertEquals(3, withPre.output(Nd4j.rand(new long[]{3, 1, 2, 2})).size(0));
        MultiLayerNetwork edited = new TransferLearning.Builder(net)
                .setInputPreProcessor(0, new org.pydl4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor(2, 2, 1)).build();
        assertEquals("images flattened by the new preprocessor", 3, edited.output(Nd4j.rand(new long[]{3, 1, 2, 2})).size(0));
        MultiLayerNetwork wider = new TransferLearning.Builder(net).nInReplace(0, 7, org.pydl4j.nn.weights.WeightInit.XAVIER).build();
        assertEquals(2, wider.output(Nd4j.rand(new long[]{2, 7})).size(0));
        assertTrue("layer 1 kept", wider.getParam("1_W").equals(net.getParam("1_W")));
        org.pydl4j.nd.dataset.DataSet ds = new org.pydl4j.nd.dataset.DataSet(Nd4j.rand(new long[]{6, 4}), Nd4j.create(new float[]{1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1}, 6, 2));
        int[] calls = {0};
        org.pydl4j.nn.listeners.EvaluativeListener l = new org.pydl4j.nn.listeners.EvaluativeListener(ds, 2, org.pydl4j.nn.listeners.InvocationType.ITERATION_END);
        l.setCallback((listener, model, count, evals) -> {
            calls[0]++;
            assertEquals(6, ((org.pydl4j.eval.Evaluation) evals[0]).getNumRowCounter());
        });
        net.setListeners(l);
        for (int i = 0; i < 4; i++) net.fit(ds);
        assertEquals("every 2nd of 4 iterations", 2, calls[0]);
    }

    @Test
    public void helperWithFrozenTillTrainsTheGivenNetworkAboveTheCut() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(5)
                .updater(new org.pydl4j.nd.learning.config.Sgd(0.5)).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(6).nOut(5).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(2).activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        org.pydl4j.nn.transferlearning.TransferLearningHelper helper = new org.pydl4j.nn.transferlearning.TransferLearningHelper(net, 1);
        org.pydl4j.nd.dataset.DataSet ds = new org.pydl4j.nd.dataset.DataSet(Nd4j.rand(new long[]{6, 4}), Nd4j.create(new float[]{1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1}, 6, 2));
        org.pydl4j.nd.dataset.DataSet featurized = helper.featurize(ds);
        assertEquals("layer 1's activations", 5, featurized.getFeatures().size(1));
        INDArray w0 = net.getParam("0_W").dup(), w1 = net.getParam("1_W").dup(), w2 = net.getParam("2_W").dup();
        for (int i = 0; i < 5; i++) helper.fitFeaturized(featurized);
        assertTrue(net.getParam("0_W").equals(w0));
        assertTrue(net.getParam("1_W").equals(w1));
        assertTrue("the output layer of the given network trained", !net.getParam("2_W").equals(w2));
        assertEquals(1, helper.unfrozenMLN().getnLayers());
        net.setInput(ds.getFeatures());
        net.setLabels(ds.getLabels());
        net.computeGradientAndScore();
        assertEquals(net.score(ds, true), net.score(), 1e-6);
        assertTrue(net.gradient().gradient().norm2Number().doubleValue() > 0);
    }

    @Test
    public void nonChainGraphIsNotAStack() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("a", new DenseLayer.Builder().nIn(2).nOut(2).build(), "in")
                .addLayer("b", new DenseLayer.Builder().nIn(2).nOut(2).build(), "in")
                .addLayer("out", new OutputLayer.Builder().nIn(4).nOut(2).build(), "a", "b")
                .setOutputs("out").build());
        try {
            new MultiLayerConfiguration(g.getConfiguration());
            fail("a branching graph taken as a stack");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("not a layer stack"));
        }
    }
}
