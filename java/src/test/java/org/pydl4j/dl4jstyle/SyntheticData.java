package org.pydl4j.dl4jstyle;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nd.dataset.ListDataSetIterator;

/**
 * Small learnable image data in memory for the DL4J-style programs, in the layouts DL4J's iterators give: MNIST-like
 * [n, 784] flattened 28x28 grey images and CIFAR-like [n, 3, 32, 32] colour images, one-hot labels. Class c is a
 * bright square at a class-specific place (colour channel for CIFAR-like), jittered by a pixel and noisy.
 */
public final class SyntheticData {
    private SyntheticData() {}

    /** MNIST-format examples (10 classes), as MnistDataSetIterator(batchSize, train, seed) would give. */
    public static DataSetIterator mnist(int batchSize, int examples, long seed) {
        return iterator(examples, batchSize, seed, 1, 28, 28, true);
    }

    /** CIFAR-format examples (10 classes), [n, 3, 32, 32]. */
    public static DataSetIterator cifar(int batchSize, int examples, long seed) {
        return iterator(examples, batchSize, seed, 3, 32, 32, false);
    }

    /** CIFAR-like examples of another size (height and width >= 12). */
    public static DataSetIterator cifar(int batchSize, int examples, long seed, int height, int width) {
        return iterator(examples, batchSize, seed, 3, height, width, false);
    }

    /** Feed-forward examples for small dense networks: nIn features, nOut classes, class c shifts feature c % nIn. */
    public static DataSetIterator vectors(int batchSize, int examples, int nIn, int nOut, long seed) {
        Random r = new Random(seed);
        List<DataSet> list = new ArrayList<>();
        for (int i = 0; i < examples; i++) {
            int c = i % nOut;
            float[] x = new float[nIn];
            for (int j = 0; j < nIn; j++) x[j] = (float) (0.3 * r.nextGaussian());
            x[c % nIn] += 1.5f;
            list.add(new DataSet(Nd4j.create(x, 1, nIn), oneHot(c, nOut)));
        }
        return labelled(new ListDataSetIterator<>(list, batchSize), nOut);
    }

    private static DataSetIterator iterator(int examples, int batchSize, long seed, int ch, int h, int w, boolean flat) {
        Random r = new Random(seed);
        List<DataSet> list = new ArrayList<>();
        for (int i = 0; i < examples; i++) {
            int c = i % 10;
            float[] x = new float[ch * h * w];
            for (int k = 0; k < x.length; k++) x[k] = (float) Math.max(0, Math.min(1, 0.15 * r.nextGaussian() + 0.1));
            int top = 3 + (c % 5) * (h - 10) / 4 + r.nextInt(3) - 1, left = 3 + (c / 5) * (w - 12) + r.nextInt(3) - 1;
            int channel = c % ch;
            for (int y = top; y < top + 6; y++) for (int xx = left; xx < left + 6; xx++) x[(channel * h + y) * w + xx] = 1f;
            list.add(new DataSet(flat ? Nd4j.create(x, 1, ch * h * w) : Nd4j.create(x, 1, ch, h, w), oneHot(c, 10)));
        }
        return labelled(new ListDataSetIterator<>(list, batchSize), 10);
    }

    private static org.pydl4j.nd.INDArray oneHot(int c, int n) {
        float[] y = new float[n];
        y[c] = 1;
        return Nd4j.create(y, 1, n);
    }

    private static DataSetIterator labelled(ListDataSetIterator<DataSet> it, int n) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < n; i++) labels.add(String.valueOf(i));
        it.setLabels(labels);
        return it;
    }

}
