package org.pydl4j.dl4jstyle;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/**
 * Issue 14 item 8: the configuration options and layers DL4J code sets (gradient normalization with a threshold,
 * optimization algorithm, convolution/cache/workspace modes, cudnnAlgoMode, l1/l2, BatchNormalization(), every
 * SubsamplingLayer.Builder and BalancedPathFilter constructor, GraphBuilder.setInputPreProcessors, Pooling2D,
 * LocalResponseNormalization, Upsampling2D, SeparableConvolution2D, Deconvolution2D, Cropping2D,
 * SpaceToDepthLayer) in DL4J-style programs; compiled with javax.tools and run.
 */
public class ConfigurationOptionsProgramsTest {

    static final String OPTIONS = """
            import org.pydl4j.datasets.io.filters.BalancedPathFilter;
            import org.pydl4j.datasets.io.labels.ParentPathLabelGenerator;
            import org.pydl4j.nd.activations.Activation;
            import org.pydl4j.nd.dataset.DataSet;
            import org.pydl4j.nd.dataset.DataSetIterator;
            import org.pydl4j.nd.learning.config.Nesterovs;
            import org.pydl4j.nd.lossfunctions.LossFunctions;
            import org.pydl4j.nn.api.OptimizationAlgorithm;
            import org.pydl4j.nn.conf.BackpropType;
            import org.pydl4j.nn.conf.CacheMode;
            import org.pydl4j.nn.conf.ComputationGraphConfiguration;
            import org.pydl4j.nn.conf.ConvolutionMode;
            import org.pydl4j.nn.conf.GradientNormalization;
            import org.pydl4j.nn.conf.InputPreProcessor;
            import org.pydl4j.nn.conf.MultiLayerConfiguration;
            import org.pydl4j.nn.conf.NeuralNetConfiguration;
            import org.pydl4j.nn.conf.WorkspaceMode;
            import org.pydl4j.nn.conf.inputs.InputType;
            import org.pydl4j.nn.conf.layers.BatchNormalization;
            import org.pydl4j.nn.conf.layers.ConvolutionLayer;
            import org.pydl4j.nn.conf.layers.Deconvolution2D;
            import org.pydl4j.nn.conf.layers.DenseLayer;
            import org.pydl4j.nn.conf.layers.LocalResponseNormalization;
            import org.pydl4j.nn.conf.layers.OutputLayer;
            import org.pydl4j.nn.conf.layers.Pooling2D;
            import org.pydl4j.nn.conf.layers.PoolingType;
            import org.pydl4j.nn.conf.layers.SeparableConvolution2D;
            import org.pydl4j.nn.conf.layers.SpaceToDepthLayer;
            import org.pydl4j.nn.conf.layers.SubsamplingLayer;
            import org.pydl4j.nn.conf.layers.Upsampling2D;
            import org.pydl4j.nn.conf.layers.convolutional.Cropping2D;
            import org.pydl4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
            import org.pydl4j.nn.graph.ComputationGraph;
            import org.pydl4j.nn.multilayer.MultiLayerNetwork;
            import org.pydl4j.nn.weights.WeightInit;

            import java.util.HashMap;
            import java.util.Map;
            import java.util.Random;

            public class ConfigurationOptions {
                public static double scoreBefore, scoreAfter, graphScoreBefore, graphScoreAfter;
                public static int subsamplingBuilders, pathFilters;
                public static String summary;
                public static boolean outputMatchesFeedForward;

                public static void main(String[] args) throws Exception {
                    SubsamplingLayer[] pools = {
                        new SubsamplingLayer.Builder().build(),
                        new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).build(),
                        new SubsamplingLayer.Builder(PoolingType.AVG).build(),
                        new SubsamplingLayer.Builder(2, 2).build(),
                        new SubsamplingLayer.Builder(new int[]{2, 2}, new int[]{2, 2}).build(),
                        new SubsamplingLayer.Builder(new int[]{2, 2}, new int[]{2, 2}, new int[]{0, 0}).build(),
                        new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX, new int[]{2, 2}).build(),
                        new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX, new int[]{2, 2}, new int[]{1, 1}).build(),
                        new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX, new int[]{2, 2}, new int[]{1, 1}, new int[]{0, 0}).build(),
                        new SubsamplingLayer.Builder(PoolingType.MAX, new int[]{2, 2}).build(),
                        new SubsamplingLayer.Builder(PoolingType.MAX, new int[]{2, 2}, new int[]{1, 1}).build(),
                        new SubsamplingLayer.Builder(PoolingType.MAX, new int[]{2, 2}, new int[]{1, 1}, new int[]{0, 0}).build(),
                    };
                    subsamplingBuilders = pools.length;

                    Random rng = new Random(42);
                    String[] allowedExtensions = {"jpg", "png"};
                    ParentPathLabelGenerator labelMaker = new ParentPathLabelGenerator();
                    BalancedPathFilter[] filters = {
                        new BalancedPathFilter(rng, allowedExtensions, labelMaker),
                        new BalancedPathFilter(rng, labelMaker, 10),
                        new BalancedPathFilter(rng, allowedExtensions, labelMaker, 10),
                        new BalancedPathFilter(rng, labelMaker, 100, 5, 10),
                        new BalancedPathFilter(rng, allowedExtensions, labelMaker, 5, 10),
                        new BalancedPathFilter(rng, allowedExtensions, labelMaker, 100, 5, 10),
                        new BalancedPathFilter(rng, allowedExtensions, labelMaker, 100, 5, 1, 10, "a", "b"),
                    };
                    pathFilters = filters.length;

                    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                        .seed(123)
                        .optimizationAlgo(OptimizationAlgorithm.STOCHASTIC_GRADIENT_DESCENT)
                        .updater(new Nesterovs(0.01, 0.9))
                        .weightInit(WeightInit.RELU)
                        .gradientNormalization(GradientNormalization.ClipElementWiseAbsoluteValue)
                        .gradientNormalizationThreshold(1.0)
                        .cacheMode(CacheMode.DEVICE)
                        .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                        .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                        .cudnnAlgoMode(ConvolutionLayer.AlgoMode.NO_WORKSPACE)
                        .convolutionMode(ConvolutionMode.Same)
                        .l1(1e-6)
                        .l2(5 * 1e-4)
                        .list()
                        .layer(0, new ConvolutionLayer.Builder(new int[]{3, 3}, new int[]{1, 1}, new int[]{1, 1}).name("cnn1")
                            .cudnnAlgoMode(ConvolutionLayer.AlgoMode.PREFER_FASTEST)
                            .nIn(3).nOut(8).activation(Activation.RELU).build())
                        .layer(1, new LocalResponseNormalization.Builder().name("lrn1").build())
                        .layer(2, new BatchNormalization())
                        .layer(3, new Pooling2D.Builder(SubsamplingLayer.PoolingType.MAX, new int[]{2, 2}, new int[]{2, 2}).name("maxpool1").build())
                        .layer(4, new SeparableConvolution2D.Builder(3, 3).depthMultiplier(2).nOut(8).activation(Activation.RELU).build())
                        .layer(5, new Upsampling2D.Builder(2).build())
                        .layer(6, new Cropping2D(1, 1))
                        .layer(7, new Deconvolution2D.Builder(new int[]{2, 2}, new int[]{2, 2}).nOut(4).activation(Activation.RELU).build())
                        .layer(8, new SpaceToDepthLayer.Builder(4).build())
                        .layer(9, new DenseLayer.Builder().nOut(16).gradientNormalization(GradientNormalization.ClipL2PerLayer).gradientNormalizationThreshold(5).build())
                        .layer(10, new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD)
                            .nOut(10).activation(Activation.SOFTMAX).build())
                        .backpropType(BackpropType.Standard)
                        .setInputType(InputType.convolutional(16, 16, 3))
                        .build();
                    MultiLayerNetwork net = new MultiLayerNetwork(conf);
                    net.init();
                    summary = net.summary();

                    DataSetIterator data = org.pydl4j.dl4jstyle.SyntheticData.cifar(16, 16, 5, 16, 16);
                    DataSet small = data.next();
                    scoreBefore = net.score(small);
                    for (int i = 0; i < 10; i++) net.fit(small);
                    scoreAfter = net.score(small);
                    java.util.List<org.pydl4j.nd.INDArray> activations = net.feedForward(small.getFeatures(), false);
                    outputMatchesFeedForward = net.output(small.getFeatures()).equalsWithEps(activations.get(activations.size() - 1), 1e-5);

                    Map<String, InputPreProcessor> preProcessors = new HashMap<>();
                    preProcessors.put("dense", new CnnToFeedForwardPreProcessor(16, 16, 2));
                    ComputationGraphConfiguration graphConf = new NeuralNetConfiguration.Builder()
                        .seed(1)
                        .updater(new Nesterovs(0.05, 0.9))
                        .graphBuilder()
                        .addInputs("in")
                        .setInputPreProcessors(preProcessors)
                        .addLayer("conv", new ConvolutionLayer.Builder(1, 1).nIn(3).nOut(2).build(), "in")
                        .addLayer("dense", new DenseLayer.Builder().nIn(512).nOut(8).activation(Activation.TANH).build(), "conv")
                        .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(10).activation(Activation.SOFTMAX).build(), "dense")
                        .setOutputs("out")
                        .build();
                    ComputationGraph graph = new ComputationGraph(graphConf);
                    graph.init();
                    DataSet tiny = small;
                    graphScoreBefore = graph.score(tiny);
                    for (int i = 0; i < 10; i++) graph.fit(tiny);
                    graphScoreAfter = graph.score(tiny);
                }
            }
            """;

    @Test
    public void configurationOptionsAndNewLayersTrain() throws Exception {
        Dl4jProgram p = Dl4jProgram.compile(OPTIONS).run();
        assertEquals(12, (int) (Integer) p.get("subsamplingBuilders"));
        assertEquals(7, (int) (Integer) p.get("pathFilters"));
        String summary = p.get("summary");
        for (String layer : new String[]{"LocalResponseNormalization", "Pooling2D", "SeparableConvolution2D", "Upsampling2D", "Cropping2D",
                "Deconvolution2D", "SpaceToDepthLayer", "BatchNormalization"}) {
            assertTrue(layer + " in\n" + summary, summary.contains(layer));
        }
        double before = p.get("scoreBefore"), after = p.get("scoreAfter");
        assertTrue("the stack of new layers learns: " + before + " -> " + after, after < 0.9 * before);
        assertTrue("inference output = layer-by-layer output", (Boolean) p.get("outputMatchesFeedForward"));
        double gb = p.get("graphScoreBefore"), ga = p.get("graphScoreAfter");
        assertTrue("the graph with setInputPreProcessors learns: " + gb + " -> " + ga, ga < gb);
    }
}
