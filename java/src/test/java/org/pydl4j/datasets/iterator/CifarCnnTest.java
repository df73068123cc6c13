package org.pydl4j.datasets.iterator;

import static org.junit.Assert.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pydl4j.common.DataUtilitiesTest;
import org.pydl4j.common.resources.Downloader;
import org.pydl4j.datasets.fetchers.DataSetType;
import org.pydl4j.datasets.fetchers.DatasetFetcher;
import org.pydl4j.datasets.fetchers.RemoteFile;
import org.pydl4j.datasets.iterator.impl.Cifar10DataSetIterator;
import org.pydl4j.eval.Evaluation;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nd.dataset.preprocessor.DataNormalization;
import org.pydl4j.nd.dataset.preprocessor.ImagePreProcessingScaler;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.MultiLayerConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.conf.layers.SubsamplingLayer;
import org.pydl4j.nn.multilayer.MultiLayerNetwork;
import org.pydl4j.nn.weights.WeightInit;

/**
 * A CIFAR-style CNN (MultiLayerNetwork) trained through Cifar10DataSetIterator on a CIFAR-10 binary archive this test
 * writes (synthetic images: the label decides which colour fills which quadrant), with ImagePreProcessingScaler as
 * the iterator's pre-processor, as DL4J's CIFAR examples do.
 */
public class CifarCnnTest {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    static byte[] records(int n, int seed) {
        java.util.Random r = new java.util.Random(seed);
        byte[] b = new byte[n * Cifar10DataSetIterator.RECORD];
        for (int i = 0; i < n; i++) {
            int o = i * Cifar10DataSetIterator.RECORD, label = r.nextInt(10);
            b[o] = (byte) label;
            int channel = label % 3, quadrant = label / 3;   // 10 classes: 3 colours x 4 quadrants (9 used twice)
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        boolean inQ = (y / 16) * 2 + (x / 16) == quadrant % 4;
                        int v = r.nextInt(60) + (inQ && c == channel ? 180 : 0) + (label == 9 && c == 2 ? 60 : 0);
                        b[o + 1 + c * 1024 + y * 32 + x] = (byte) Math.min(255, v);
                    }
                }
            }
        }
        return b;
    }

    @Test
    public void cifarStyleCnnLearns() throws Exception {
        List<Object[]> entries = new ArrayList<>();
        for (int k = 1; k <= 5; k++) entries.add(new Object[]{"cifar-10-batches-bin/data_batch_" + k + ".bin", '0', records(60, k)});
        entries.add(new Object[]{"cifar-10-batches-bin/test_batch.bin", '0', records(80, 99)});
        File dir = tmp.newFolder("CIFAR10");
        File archive = new File(dir, "cifar-10-binary.tar.gz");
        java.nio.file.Files.write(archive.toPath(), DataUtilitiesTest.tarGzForTests(entries.toArray(new Object[0][])));
        DatasetFetcher fetcher = new DatasetFetcher("CIFAR10", dir);
        RemoteFile placed = new RemoteFile(archive.getName(), "http://127.0.0.1:9/unused", Downloader.checksum("MD5", archive));

        int height = 32, width = 32, channels = 3, numLabels = 10, batchSize = 25, seed = 42, epochs = 4;
        DataSetIterator trainIter = new Cifar10DataSetIterator(batchSize, 300, new int[]{height, width}, DataSetType.TRAIN, null, seed, fetcher, placed);
        DataSetIterator testIter = new Cifar10DataSetIterator(batchSize, 80, new int[]{height, width}, DataSetType.TEST, null, seed, fetcher, placed);
        DataNormalization scaler = new ImagePreProcessingScaler(0, 1);
        scaler.fit(trainIter);
        trainIter.setPreProcessor(scaler);
        testIter.setPreProcessor(scaler);

        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(new Adam(2e-3))
                .weightInit(WeightInit.RELU)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nIn(channels).nOut(8).stride(2, 2).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(32).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD).nOut(numLabels).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(height, width, channels))
                .build();
        MultiLayerNetwork model = new MultiLayerNetwork(conf);
        model.init();
        model.fit(trainIter, epochs);
        Evaluation eval = model.evaluate(testIter);
        assertTrue(eval.stats(), eval.accuracy() > 0.8);
    }
}
