package org.pydl4j.datasets.iterator;

import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pydl4j.common.resources.Downloader;
import org.pydl4j.datasets.fetchers.DatasetFetcher;
import org.pydl4j.datasets.fetchers.RemoteFile;
import org.pydl4j.datasets.iterator.impl.MnistDataSetIterator;
import org.pydl4j.eval.Evaluation;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nd.learning.config.Nesterovs;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nd.schedule.MapSchedule;
import org.pydl4j.nd.schedule.ScheduleType;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.conf.layers.SubsamplingLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.weights.WeightInit;

/**
 * DL4J's LeNet-on-MNIST example (as a MultiLayerNetwork and as a ComputationGraph) trained through MnistDataSetIterator on MNIST-format files
 * this test writes into the cache (synthetic digits: the label decides where a bright block is).
 */
public class LeNetMnistTest {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    /** A fetcher whose cache holds MNIST-format train (n) and test (m) files, with their checksums. */
    static Object[] mnistCache(File dir, int n, int m) throws Exception {
        int[] tr = BuiltInDatasetsTest.labels(n), te = BuiltInDatasetsTest.labels(m + 1);
        byte[][] bodies = {BuiltInDatasetsTest.idxImages(n, tr, n, 28, 28), BuiltInDatasetsTest.idxLabels(tr, 0),
                BuiltInDatasetsTest.idxImages(m, te, m, 28, 28), BuiltInDatasetsTest.idxLabels(java.util.Arrays.copyOf(te, m), 0)};
        List<RemoteFile> files = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            String name = MnistDataSetIterator.FILES.get(k).fileName();
            File f = new File(dir, name);
            Files.write(f.toPath(), bodies[k]);
            files.add(new RemoteFile(name, "http://127.0.0.1:9/unused/" + name, Downloader.checksum("MD5", f)));
        }
        return new Object[]{new DatasetFetcher("MNIST", dir), files};
    }

    @Test
    @SuppressWarnings("unchecked")
    public void leNetLearnsMnistFormatData() throws Exception {
        Object[] cache = mnistCache(tmp.newFolder("MNIST"), 240, 60);
        DatasetFetcher fetcher = (DatasetFetcher) cache[0];
        List<RemoteFile> files = (List<RemoteFile>) cache[1];
        int nChannels = 1, outputNum = 10, batchSize = 32, nEpochs = 3, seed = 123;

        DataSetIterator mnistTrain = new MnistDataSetIterator(batchSize, 240, false, true, true, seed, fetcher, files);
        DataSetIterator mnistTest = new MnistDataSetIterator(batchSize, 60, false, false, false, seed, fetcher, files);

        java.util.Map<Integer, Double> learningRateSchedule = new java.util.HashMap<>();
        learningRateSchedule.put(0, 0.06);
        learningRateSchedule.put(10, 0.02);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .weightInit(WeightInit.XAVIER)
                .updater(new Nesterovs(new MapSchedule(ScheduleType.ITERATION, learningRateSchedule)))
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutionalFlat(28, 28, 1))
                .addLayer("cnn1", new ConvolutionLayer.Builder(5, 5).nIn(nChannels).stride(1, 1).nOut(8).activation(Activation.IDENTITY).build(), "in")
                .addLayer("pool1", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "cnn1")
                .addLayer("cnn2", new ConvolutionLayer.Builder(5, 5).stride(1, 1).nOut(12).activation(Activation.IDENTITY).build(), "pool1")
                .addLayer("pool2", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "cnn2")
                .addLayer("dense", new DenseLayer.Builder().activation(Activation.RELU).nOut(64).build(), "pool2")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD)
                        .nOut(outputNum).activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("output")
                .build();

        ComputationGraph model = new ComputationGraph(conf);
        model.init();
        model.fit(mnistTrain, nEpochs);

        Evaluation eval = new Evaluation(outputNum);
        mnistTest.reset();
        while (mnistTest.hasNext()) {
            DataSet t = mnistTest.next();
            eval.eval(t.getLabels(), model.outputSingle(t.getFeatures()));
        }
        assertTrue(eval.stats(), eval.accuracy() > 0.9);
    }

    /** DL4J's LeNetMNIST example as a MultiLayerNetwork, on MNIST-format files through MnistDataSetIterator. */
    @Test
    @SuppressWarnings("unchecked")
    public void leNetMultiLayerNetworkLearnsMnistFormatData() throws Exception {
        Object[] cache = mnistCache(tmp.newFolder("MNIST2"), 240, 60);
        DatasetFetcher fetcher = (DatasetFetcher) cache[0];
        List<RemoteFile> files = (List<RemoteFile>) cache[1];
        int nChannels = 1, outputNum = 10, batchSize = 32, nEpochs = 3, seed = 123;
        DataSetIterator mnistTrain = new MnistDataSetIterator(batchSize, 240, false, true, true, seed, fetcher, files);
        DataSetIterator mnistTest = new MnistDataSetIterator(batchSize, 60, false, false, false, seed, fetcher, files);

        org.pydl4j.nn.conf.MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .l2(0.0005)
                .weightInit(WeightInit.XAVIER)
                .updater(new org.pydl4j.nd.learning.config.Adam(new org.pydl4j.nd.schedule.ExponentialSchedule(ScheduleType.EPOCH, 3e-3, 0.8)))
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).nIn(nChannels).stride(1, 1).nOut(8).activation(Activation.IDENTITY).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).stride(1, 1).nOut(12).activation(Activation.IDENTITY).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().activation(Activation.RELU).nOut(64).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD).nOut(outputNum).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1))
                .build();

        org.pydl4j.nn.multilayer.MultiLayerNetwork model = new org.pydl4j.nn.multilayer.MultiLayerNetwork(conf);
        model.init();
        model.fit(mnistTrain, nEpochs);
        Evaluation eval = model.evaluate(mnistTest);
        assertTrue(eval.stats(), eval.accuracy() > 0.9);
    }
}
