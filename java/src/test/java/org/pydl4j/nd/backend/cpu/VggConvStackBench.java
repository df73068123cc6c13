package org.pydl4j.nd.backend.cpu;

import java.util.Random;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.backend.Backend;
import org.pydl4j.nd.backend.Backends;
import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nd.backend.PoolingType;

/**
 * Throughput probe (not a test): VGG-16's feature extractor (13 x conv 3x3 same + bias + ReLU, 5 x max pool 2x2/2)
 * at 224x224 through the Backend interface, forward only. Usage:
 * {@code java -Dpydl4j.native.dir=build/native/linux-x86_64 ... VggConvStackBench [batch=16] [iterations=3] [backend=cpu]}
 */
public final class VggConvStackBench {
    private static final int[] CONFIG = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Backend backend = Backends.load(args.length > 2 ? args[2] : "cpu");
        if (backend instanceof CpuBackend) System.out.println("native: " + ((CpuBackend) backend).nativeVersion());

        Random r = new Random(42);
        INDArray[] weights = new INDArray[CONFIG.length], biases = new INDArray[CONFIG.length];
        int in = 3;
        for (int i = 0; i < CONFIG.length; i++) {
            if (CONFIG[i] == 0) continue;
            weights[i] = fill(Nd4j.createUninitialized(DataType.FLOAT, CONFIG[i], in, 3, 3), r, Math.sqrt(2.0 / (9 * in)));
            biases[i] = fill(Nd4j.createUninitialized(DataType.FLOAT, CONFIG[i]), r, 0.01);
            in = CONFIG[i];
        }
        INDArray x = fill(Nd4j.createUninitialized(DataType.FLOAT, batch, 3, 224, 224), r, 1.0);

        long t0 = System.nanoTime();
        INDArray out = forward(backend, x, weights, biases);
        System.out.printf("warm-up: %.2f s, output %s%n", (System.nanoTime() - t0) / 1e9, java.util.Arrays.toString(out.shape()));
        long start = System.nanoTime();
        for (int it = 0; it < iterations; it++) {
            INDArray y = forward(backend, x, weights, biases);
            y.getDouble(0);   // device backends queue their ops: a batch ends when its output is on the host
            y.close();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double perBatch = seconds / iterations;
        double gflop = 2.0 * 15.35e9 * batch / 1e9;   // VGG-16 convolutions: ~15.35 GMAC per 224x224 image
        System.out.printf("%s: batch %d, %.3f s/batch, %.2f images/s, ~%.0f GFLOP/s (%d cores visible)%n",
                backend.name(), batch, perBatch, batch / perBatch, gflop / perBatch, Runtime.getRuntime().availableProcessors());
    }

    private static INDArray forward(Backend b, INDArray x, INDArray[] weights, INDArray[] biases) {
        ConvParams conv = ConvParams.of(3, 3, 1, 1, 1, 1), pool = ConvParams.of(2, 2, 2, 2, 0, 0);
        INDArray h = x;
        for (int i = 0; i < CONFIG.length; i++) {
            INDArray next;
            if (CONFIG[i] == 0) {
                next = b.pool2d(h, PoolingType.MAX, pool);
            } else {
                INDArray z = b.conv2d(h, weights[i], biases[i], conv);
                next = b.activate(Activation.RELU, z);
                z.close();
            }
            if (h != x) h.close();   // give memory back at once (device memory is not watched by the garbage collector)
            h = next;
        }
        return h;
    }

    private static INDArray fill(INDArray a, Random r, double scale) {
        for (int i = 0; i < a.length(); i++) a.putLinear(i, scale * r.nextGaussian());
        return a;
    }
}
