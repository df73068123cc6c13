package org.pydl4j.reliability;

import org.pydl4j.eval.Evaluation;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.learning.config.Nesterovs;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.transferlearning.FineTuneConfiguration;
import org.pydl4j.nn.transferlearning.TransferLearning;
import org.pydl4j.nn.weights.WeightInit;
import org.pydl4j.zoo.model.VGG16;

/**
 * {@code make test-slow}: the DL4J lesson's transfer program at full size, the pattern that once crashed the JVM in
 * the fused inference path (issue 11): VGG-16 from init() (random weights, 224x224), setFeatureExtractor("fc2"),
 * a new output layer, fit on batches of 15, and an Evaluation through outputSingle (fused, batches sliced, a
 * partial last batch) every few iterations, while a thread forces garbage collections. Arguments: iterations
 * (default 200), evaluate every (default 5), image size (default 224). Prints one line per evaluation and a final
 * "LESSON-PATTERN OK" line; any exception or crash fails the make target.
 */
public final class LessonPatternSlowCheck {
    private LessonPatternSlowCheck() {}

    public static void main(String[] args) {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int every = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 224;
        Nd4j.setBackend(System.getProperty("pydl4j.backend", "cpu"));
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        Thread gc = new Thread(() -> {
            while (true) {
                System.gc();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "forced-gc");
        gc.setDaemon(true);
        gc.start();
        long t0 = System.nanoTime();
        ComputationGraph vgg16 = VGG16.builder().inputShape(new int[]{3, size, size}).build().init();
        ComputationGraph transfer = new TransferLearning.GraphBuilder(vgg16)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(new Nesterovs(5e-5)).seed(123).build())
                .setFeatureExtractor("fc2")
                .removeVertexKeepConnections("predictions")
                .addLayer("predictions", new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD)
                        .nIn(4096).nOut(5).weightInit(WeightInit.XAVIER).activation(Activation.SOFTMAX).build(), "fc2")
                .build();
        int[] testBatches = {15, 15, 7};   // the test iterator's batches, the last one partial
        for (int it = 0; it < iterations; it++) {
            transfer.fit(batch(15, it, size));
            if (it % every == 0 || it == iterations - 1) {
                Evaluation eval = new Evaluation(5);
                for (int b = 0; b < testBatches.length; b++) {
                    DataSet test = batch(testBatches[b], 100_000 + b, size);
                    INDArray out = transfer.outputSingle(test.getFeatures());
                    eval.eval(test.getLabels(), out);
                }
                System.out.printf("iteration %d: accuracy %.3f, %.0f s%n", it, eval.accuracy(), (System.nanoTime() - t0) / 1e9);
            }
        }
        System.out.printf("LESSON-PATTERN OK: %d iterations at %dx%d, %.0f s%n", iterations, size, size, (System.nanoTime() - t0) / 1e9);
    }

    /** Images whose class brightens one channel (so accuracy can rise), labels one-hot over 5 classes. */
    private static DataSet batch(int n, long seed, int size) {
        INDArray x = Nd4j.rand(seed, (long) n, 3L, (long) size, (long) size).muli(128);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 5);
        int plane = size * size;
        for (int i = 0; i < n; i++) {
            int c = (int) ((i + seed) % 5);
            y.putScalar(i, c, 1.0);
            int base = (i * 3 + c % 3) * plane;
            for (int k = 0; k < plane; k++) x.putLinear(base + k, x.getDoubleLinear(base + k) + 16 * (c + 1));
        }
        return new DataSet(x, y);
    }
}
