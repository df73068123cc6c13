package org.pydl4j.dl4jstyle;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import org.junit.Test;

/**
 * Issue 14 item 1: MultiLayerNetwork programs written as DL4J's examples write them (LeNetMNIST, a CIFAR-10 CNN,
 * SaveLoadMultiLayerNetwork, TransferLearning.Builder / TransferLearningHelper on a stack, ModelSerializer and the
 * DL4J zip format), only the imports changed and the data from {@link SyntheticData}; compiled with javax.tools and
 * run.
 */
public class MultiLayerNetworkProgramsTest {

    static final String LENET = """
            import org.pydl4j.dl4jstyle.SyntheticData;
            import org.pydl4j.eval.Evaluation;
            import org.pydl4j.nd.activations.Activation;
            import org.pydl4j.nd.dataset.DataSetIterator;
            import org.pydl4j.nd.learning.config.Adam;
            import org.pydl4j.nd.lossfunctions.LossFunctions;
            import org.pydl4j.nn.conf.MultiLayerConfiguration;
            import org.pydl4j.nn.conf.NeuralNetConfiguration;
            import org.pydl4j.nn.conf.inputs.InputType;
            import org.pydl4j.nn.conf.layers.ConvolutionLayer;
            import org.pydl4j.nn.conf.layers.DenseLayer;
            import org.pydl4j.nn.conf.layers.OutputLayer;
            import org.pydl4j.nn.conf.layers.SubsamplingLayer;
            import org.pydl4j.nn.listeners.EvaluativeListener;
            import org.pydl4j.nn.listeners.InvocationType;
            import org.pydl4j.nn.listeners.ScoreIterationListener;
            import org.pydl4j.nn.multilayer.MultiLayerNetwork;
            import org.pydl4j.nn.weights.WeightInit;

            import java.io.File;
            import java.util.ArrayList;
            import java.util.List;

            public class LeNetMNIST {
                public static double scoreBefore, scoreAfter, accuracy, restoredAccuracy;
                public static String summary;

                public static void main(String[] args) throws Exception {
                    int nChannels = 1; // Number of input channels
                    int outputNum = 10; // The number of possible outcomes
                    int batchSize = 32; // Test batch size
                    int nEpochs = 2; // Number of training epochs
                    int seed = 123; //

                    DataSetIterator mnistTrain = SyntheticData.mnist(batchSize, 160, seed);
                    DataSetIterator mnistTest = SyntheticData.mnist(batchSize, 64, seed + 1);

                    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                        .seed(seed)
                        .l2(0.0005)
                        .weightInit(WeightInit.XAVIER)
                        .updater(new Adam(1e-3))
                        .list()
                        .layer(new ConvolutionLayer.Builder(5, 5)
                            //nIn and nOut specify depth. nIn here is the nChannels and nOut is the number of filters to be applied
                            .nIn(nChannels)
                            .stride(1,1)
                            .nOut(20)
                            .activation(Activation.IDENTITY)
                            .build())
                        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                            .kernelSize(2,2)
                            .stride(2,2)
                            .build())
                        .layer(new ConvolutionLayer.Builder(5, 5)
                            //Note that nIn need not be specified in later layers
                            .stride(1,1)
                            .nOut(50)
                            .activation(Activation.IDENTITY)
                            .build())
                        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                            .kernelSize(2,2)
                            .stride(2,2)
                            .build())
                        .layer(new DenseLayer.Builder().activation(Activation.RELU)
                            .nOut(500).build())
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD)
                            .nOut(outputNum)
                            .activation(Activation.SOFTMAX)
                            .build())
                        .setInputType(InputType.convolutionalFlat(28,28,1)) //See note below
                        .build();

                    MultiLayerNetwork model = new MultiLayerNetwork(conf);
                    model.init();
                    summary = model.summary();
                    scoreBefore = model.score(mnistTest.next());

                    model.setListeners(new ScoreIterationListener(10), new EvaluativeListener(mnistTest, 1, InvocationType.EPOCH_END)); //Print score every 10 iterations and evaluate on test set every epoch
                    model.fit(mnistTrain, nEpochs);

                    mnistTest.reset();
                    scoreAfter = model.score(mnistTest.next());
                    Evaluation eval = model.evaluate(mnistTest);
                    accuracy = eval.accuracy();

                    File path = File.createTempFile("lenetmnist", ".zip");
                    path.deleteOnExit();
                    model.save(path, true);
                    MultiLayerNetwork ml = MultiLayerNetwork.load(path, true);
                    Evaluation eval2 = ml.evaluate(mnistTest);
                    restoredAccuracy = eval2.accuracy();
                }
            }
            """;

    @Test
    public void leNetMnistTrainsSavesAndLoads() throws Exception {
        Dl4jProgram p = Dl4jProgram.compile(LENET).run();
        double before = p.get("scoreBefore"), after = p.get("scoreAfter"), acc = p.get("accuracy"), acc2 = p.get("restoredAccuracy");
        assertTrue("loss decreases: " + before + " -> " + after, after < 0.7 * before);
        assertTrue("accuracy above chance (0.1): " + acc, acc > 0.5);
        assertEquals("the loaded network evaluates the same", acc, acc2, 1e-9);
        String summary = p.get("summary");
        assertTrue(summary, summary.contains("ConvolutionLayer") && summary.contains("OutputLayer"));
    }

    static final String CIFAR = """
            import org.pydl4j.dl4jstyle.SyntheticData;
            import org.pydl4j.eval.Evaluation;
            import org.pydl4j.nd.activations.Activation;
            import org.pydl4j.nd.dataset.DataSetIterator;
            import org.pydl4j.nd.learning.config.Adam;
            import org.pydl4j.nd.lossfunctions.LossFunctions;
            import org.pydl4j.nn.api.OptimizationAlgorithm;
            import org.pydl4j.nn.conf.CacheMode;
            import org.pydl4j.nn.conf.ConvolutionMode;
            import org.pydl4j.nn.conf.GradientNormalization;
            import org.pydl4j.nn.conf.MultiLayerConfiguration;
            import org.pydl4j.nn.conf.NeuralNetConfiguration;
            import org.pydl4j.nn.conf.WorkspaceMode;
            import org.pydl4j.nn.conf.inputs.InputType;
            import org.pydl4j.nn.conf.layers.BatchNormalization;
            import org.pydl4j.nn.conf.layers.ConvolutionLayer;
            import org.pydl4j.nn.conf.layers.DenseLayer;
            import org.pydl4j.nn.conf.layers.OutputLayer;
            import org.pydl4j.nn.conf.layers.SubsamplingLayer;
            import org.pydl4j.nn.listeners.ScoreIterationListener;
            import org.pydl4j.nn.multilayer.MultiLayerNetwork;
            import org.pydl4j.nn.weights.WeightInit;

            public class Cifar10Classification {
                private static final int height = 32;
                private static final int width = 32;
                private static final int channels = 3;
                private static final int numLabels = 10;
                private static final int batchSize = 16;
                private static final long seed = 123L;
                private static final int epochs = 4;
                public static double scoreBefore, scoreAfter, accuracy;
                public static int[] predicted;

                public static void main(String[] args) throws Exception {
                    DataSetIterator trainIt = SyntheticData.cifar(batchSize, 160, seed);
                    DataSetIterator testIt = SyntheticData.cifar(batchSize, 64, seed + 1);

                    MultiLayerNetwork model = createModel();
                    model.init();
                    model.setListeners(new ScoreIterationListener(5));
                    System.out.println(model.summary());
                    scoreBefore = model.score(testIt.next());

                    model.fit(trainIt, epochs);

                    testIt.reset();
                    scoreAfter = model.score(testIt.next());
                    Evaluation eval = model.evaluate(testIt);
                    System.out.println(eval.stats());
                    accuracy = eval.accuracy();
                    testIt.reset();
                    predicted = model.predict(testIt.next().getFeatures());
                }

                public static MultiLayerNetwork createModel() {
                    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                        .seed(seed)
                        .updater(new Adam(1e-3))
                        .optimizationAlgo(OptimizationAlgorithm.STOCHASTIC_GRADIENT_DESCENT)
                        .gradientNormalization(GradientNormalization.RenormalizeL2PerLayer)
                        .cacheMode(CacheMode.NONE)
                        .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                        .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                        .cudnnAlgoMode(ConvolutionLayer.AlgoMode.PREFER_FASTEST)
                        .convolutionMode(ConvolutionMode.Same)
                        .weightInit(WeightInit.XAVIER)
                        .l1(1e-5)
                        .l2(1e-4)
                        .list()
                        .layer(new ConvolutionLayer.Builder().kernelSize(3, 3).stride(1, 1).activation(Activation.LEAKYRELU)
                            .nIn(channels).nOut(16).build())
                        .layer(new BatchNormalization())
                        .layer(new SubsamplingLayer.Builder().kernelSize(2, 2).stride(2, 2).poolingType(SubsamplingLayer.PoolingType.MAX).build())

                        .layer(new ConvolutionLayer.Builder().kernelSize(3, 3).stride(1, 1).activation(Activation.LEAKYRELU)
                            .nOut(16).build())
                        .layer(new BatchNormalization())
                        .layer(new SubsamplingLayer.Builder().kernelSize(2, 2).stride(2, 2).poolingType(SubsamplingLayer.PoolingType.MAX).build())

                        .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build())
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD)
                            .name("output")
                            .nOut(numLabels)
                            .dropOut(0.8)
                            .activation(Activation.SOFTMAX)
                            .build())
                        .setInputType(InputType.convolutional(height, width, channels))
                        .build();
                    return new MultiLayerNetwork(conf);
                }
            }
            """;

    @Test
    public void cifarStyleCnnTrains() throws Exception {
        Dl4jProgram p = Dl4jProgram.compile(CIFAR).run();
        double before = p.get("scoreBefore"), after = p.get("scoreAfter"), acc = p.get("accuracy");
        assertTrue("loss decreases: " + before + " -> " + after, after < 0.8 * before);
        assertTrue("accuracy above chance (0.1): " + acc, acc > 0.3);
        assertEquals(16, ((int[]) p.get("predicted")).length);
    }

    static final String SAVE_LOAD = """
            import org.pydl4j.nd.activations.Activation;
            import org.pydl4j.nd.learning.config.Nesterovs;
            import org.pydl4j.nd.lossfunctions.LossFunctions;
            import org.pydl4j.nn.conf.MultiLayerConfiguration;
            import org.pydl4j.nn.conf.NeuralNetConfiguration;
            import org.pydl4j.nn.conf.layers.DenseLayer;
            import org.pydl4j.nn.conf.layers.OutputLayer;
            import org.pydl4j.nn.multilayer.MultiLayerNetwork;
            import org.pydl4j.nn.weights.WeightInit;
            import org.pydl4j.util.ModelSerializer;

            import java.io.File;

            public class SaveLoadMultiLayerNetwork {
                public static boolean paramsEqual, confsEqual, serializerParamsEqual;
                public static int restoredIterations;

                public static void main(String[] args) throws Exception {
                    //Define a simple MultiLayerNetwork:
                    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                        .weightInit(WeightInit.XAVIER)
                        .updater(new Nesterovs(0.1, 0.9))
                        .list()
                        .layer(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.TANH).build())
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(3).nOut(3).build())
                        .build();

                    MultiLayerNetwork net = new MultiLayerNetwork(conf);
                    net.init();
                    net.fit(org.pydl4j.dl4jstyle.SyntheticData.vectors(5, 20, 4, 3, 7));

                    //Save the model
                    File locationToSave = File.createTempFile("MyMultiLayerNetwork", ".zip");      //Where to save the network. Note: the file is in .zip format - can be opened externally
                    locationToSave.deleteOnExit();
                    boolean saveUpdater = true;                                             //Updater: i.e., the state for Momentum, RMSProp, Adagrad etc. Save this if you want to train your network more in the future
                    net.save(locationToSave, saveUpdater);

                    //Load the model
                    MultiLayerNetwork restored = MultiLayerNetwork.load(locationToSave, saveUpdater);

                    System.out.println("Saved and loaded parameters are equal:      " + net.params().equals(restored.params()));
                    System.out.println("Saved and loaded configurations are equal:  " + net.getLayerWiseConfigurations().equals(restored.getLayerWiseConfigurations()));
                    paramsEqual = net.params().equals(restored.params());
                    confsEqual = net.getLayerWiseConfigurations().equals(restored.getLayerWiseConfigurations());

                    ModelSerializer.writeModel(net, locationToSave, true);
                    MultiLayerNetwork viaSerializer = ModelSerializer.restoreMultiLayerNetwork(locationToSave);
                    serializerParamsEqual = net.params().equals(viaSerializer.params());
                    restoredIterations = viaSerializer.getIterationCount();
                }
            }
            """;

    @Test
    public void saveLoadMultiLayerNetwork() throws Exception {
        Dl4jProgram p = Dl4jProgram.compile(SAVE_LOAD).run();
        assertTrue((Boolean) p.get("paramsEqual"));
        assertTrue((Boolean) p.get("confsEqual"));
        assertTrue((Boolean) p.get("serializerParamsEqual"));
        assertEquals(4, (int) (Integer) p.get("restoredIterations"));
    }

    static final String TRANSFER = """
            import org.pydl4j.nd.INDArray;
            import org.pydl4j.nd.activations.Activation;
            import org.pydl4j.nd.dataset.DataSet;
            import org.pydl4j.nd.dataset.DataSetIterator;
            import org.pydl4j.nd.learning.config.Nesterovs;
            import org.pydl4j.nd.learning.config.Sgd;
            import org.pydl4j.nd.lossfunctions.LossFunctions;
            import org.pydl4j.nn.conf.MultiLayerConfiguration;
            import org.pydl4j.nn.conf.NeuralNetConfiguration;
            import org.pydl4j.nn.conf.layers.DenseLayer;
            import org.pydl4j.nn.conf.layers.OutputLayer;
            import org.pydl4j.nn.multilayer.MultiLayerNetwork;
            import org.pydl4j.nn.transferlearning.FineTuneConfiguration;
            import org.pydl4j.nn.transferlearning.TransferLearning;
            import org.pydl4j.nn.transferlearning.TransferLearningHelper;
            import org.pydl4j.nn.weights.WeightInit;

            public class EditLastLayerOthersFrozen {
                public static INDArray frozenBefore, frozenAfter, helperFrozenBefore, helperFrozenAfter;
                public static long replacedNOut, addedNOut, nLayersAfterRemove, unfrozenLayers;
                public static double helperScoreBefore, helperScoreAfter;
                public static boolean featurizedOutputMatches;

                public static void main(String[] args) throws Exception {
                    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                        .seed(12345)
                        .weightInit(WeightInit.XAVIER)
                        .updater(new Nesterovs(0.01, 0.9))
                        .list()
                        .layer(new DenseLayer.Builder().nIn(6).nOut(8).activation(Activation.RELU).build())
                        .layer(new DenseLayer.Builder().nIn(8).nOut(8).activation(Activation.RELU).build())
                        .layer(new DenseLayer.Builder().nIn(8).nOut(4).activation(Activation.RELU).build())
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).nIn(4).nOut(3).build())
                        .build();
                    MultiLayerNetwork oldNet = new MultiLayerNetwork(conf);
                    oldNet.init();

                    FineTuneConfiguration fineTuneConf = new FineTuneConfiguration.Builder()
                        .updater(new Sgd(0.1))
                        .seed(12345)
                        .build();

                    // freeze layers 0 and 1, change the nOut of layer 2 (and so the nIn of the output layer)
                    MultiLayerNetwork newNet = new TransferLearning.Builder(oldNet)
                        .fineTuneConfiguration(fineTuneConf)
                        .setFeatureExtractor(1)
                        .nOutReplace(2, 7, WeightInit.XAVIER)
                        .build();
                    replacedNOut = ((DenseLayer) newNet.getLayer(2).conf().getLayer()).getNOut();
                    System.out.println(newNet.summary());

                    DataSetIterator iter = org.pydl4j.dl4jstyle.SyntheticData.vectors(10, 60, 6, 3, 3);
                    frozenBefore = newNet.getLayer(0).params().dup();
                    newNet.fit(iter, 2);
                    frozenAfter = newNet.getLayer(0).params().dup();

                    // replace the output layer: 5 classes instead of 3
                    MultiLayerNetwork fiveClasses = new TransferLearning.Builder(oldNet)
                        .fineTuneConfiguration(fineTuneConf)
                        .setFeatureExtractor(2)
                        .removeOutputLayer()
                        .addLayer(new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD)
                            .nIn(4).nOut(5)
                            .weightInit(WeightInit.XAVIER)
                            .activation(Activation.SOFTMAX).build())
                        .build();
                    addedNOut = ((OutputLayer) fiveClasses.getOutputLayer().conf().getLayer()).getNOut();

                    MultiLayerNetwork shorter = new TransferLearning.Builder(oldNet).removeLayersFromOutput(2)
                        .addLayer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(5).activation(Activation.SOFTMAX).build())
                        .build();
                    nLayersAfterRemove = shorter.getnLayers();

                    // train the unfrozen part on featurized data
                    TransferLearningHelper transferLearningHelper = new TransferLearningHelper(fiveClasses);
                    DataSet first = org.pydl4j.dl4jstyle.SyntheticData.vectors(20, 20, 6, 5, 4).next();
                    DataSet featurized = transferLearningHelper.featurize(first);
                    MultiLayerNetwork unfrozen = transferLearningHelper.unfrozenMLN();
                    unfrozenLayers = unfrozen.getnLayers();
                    helperFrozenBefore = fiveClasses.getLayer(0).params().dup();
                    helperScoreBefore = unfrozen.score(featurized);
                    for (int i = 0; i < 30; i++) transferLearningHelper.fitFeaturized(featurized);
                    helperScoreAfter = unfrozen.score(featurized);
                    helperFrozenAfter = fiveClasses.getLayer(0).params().dup();
                    featurizedOutputMatches = transferLearningHelper.outputFromFeaturized(featurized.getFeatures())
                        .equalsWithEps(fiveClasses.output(first.getFeatures()), 1e-5);
                }
            }
            """;

    @Test
    public void transferLearningOnAStack() throws Exception {
        Dl4jProgram p = Dl4jProgram.compile(TRANSFER).run();
        assertEquals(7L, (long) (Long) p.get("replacedNOut"));
        assertTrue("frozen layer unchanged by fit", p.<org.pydl4j.nd.INDArray>get("frozenBefore").equals(p.get("frozenAfter")));
        assertEquals(5L, (long) (Long) p.get("addedNOut"));
        assertEquals(3L, (long) (Long) p.get("nLayersAfterRemove"));
        assertEquals("the unfrozen part of fiveClasses is its new output layer", 1L, (long) (Long) p.get("unfrozenLayers"));
        double before = p.get("helperScoreBefore"), after = p.get("helperScoreAfter");
        assertTrue("fitFeaturized lowers the loss: " + before + " -> " + after, after < before);
        assertTrue(p.<org.pydl4j.nd.INDArray>get("helperFrozenBefore").equals(p.get("helperFrozenAfter")));
        assertTrue("outputFromFeaturized = output of the whole network", (Boolean) p.get("featurizedOutputMatches"));
    }
}
