package org.pydl4j.nd.backend;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nd.backend.reference.ReferenceBackend;

/**
 * Shared helpers of the backend parity suites: seeded inputs, the error measure, and one check per op that runs
 * the backend under test and the reference oracle on the same inputs. Error measure: max|actual - ref| / max|ref|
 * over the whole tensor, which must stay below the suite's tolerance; every measured error is kept for
 * {@link #summary()}.
 */
public final class ParityCheck {
    public final Backend backend;
    public final Backend reference = new ReferenceBackend();
    public final double tolerance;
    private final Map<String, Double> errors = new TreeMap<>();

    public ParityCheck(Backend backend, double tolerance) {
        this.backend = backend;
        this.tolerance = tolerance;
    }

    // ---------------------------------------------------------------- inputs

    public static INDArray randn(long seed, double scale, long... shape) {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape);
        Random r = new Random(seed);
        for (int i = 0; i < a.length(); i++) a.putLinear(i, scale * r.nextGaussian());
        return a;
    }

    public static INDArray randn(long seed, long... shape) { return randn(seed, 1.0, shape); }

    public static INDArray uniform(long seed, double lo, double hi, long... shape) {
        INDArray a = Nd4j.createUninitialized(DataType.FLOAT, shape);
        Random r = new Random(seed);
        for (int i = 0; i < a.length(); i++) a.putLinear(i, lo + (hi - lo) * r.nextDouble());
        return a;
    }

    public static ConvParams same3x3() { return ConvParams.of(3, 3, 1, 1, 1, 1); }

    // ---------------------------------------------------------------- measure

    /** max|a - b| / max|b| (b the reference), recorded for the summary and asserted below the tolerance. */
    public void assertParity(String what, INDArray actual, INDArray expected) {
        assertArrayEquals(what + " shape", expected.shape(), actual.shape());
        assertEquals(what + " type", expected.dataType(), actual.dataType());
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < expected.length(); i++) {
            double a = actual.getDoubleLinear(i), b = expected.getDoubleLinear(i);
            if (!Double.isFinite(a)) fail(what + ": non-finite value " + a + " at " + i);
            maxDiff = Math.max(maxDiff, Math.abs(a - b));
            maxRef = Math.max(maxRef, Math.abs(b));
        }
        double err = maxDiff / Math.max(maxRef, 1e-30);
        synchronized (errors) { errors.merge(what, err, Math::max); }
        assertTrue(what + ": relative error " + err + " >= " + tolerance, err < tolerance);
    }

    /** "NAME vs reference, max relative error:" and one line per check. */
    public String summary() {
        StringBuilder sb = new StringBuilder(backend.name() + " vs reference, max relative error:\n");
        synchronized (errors) { errors.forEach((k, v) -> sb.append(String.format("  %-60s %.3e%n", k, v))); }
        return sb.toString();
    }

    // ---------------------------------------------------------------- one check per op

    /** c = alpha op(a) op(b) + beta c for the four transpose combinations. */
    public void gemm(int m, int k, int n, double alpha, double beta, long seed) {
        for (int ta = 0; ta < 2; ta++) {
            for (int tb = 0; tb < 2; tb++) {
                INDArray a = ta == 1 ? randn(seed, k, m) : randn(seed, m, k);
                INDArray b = tb == 1 ? randn(seed + 1, n, k) : randn(seed + 1, k, n);
                INDArray c0 = randn(seed + 2, m, n);
                INDArray cc = c0.dup(), cr = c0.dup();
                backend.gemm(a, ta == 1, b, tb == 1, cc, alpha, beta);
                reference.gemm(a, ta == 1, b, tb == 1, cr, alpha, beta);
                assertParity(String.format("gemm %dx%dx%d transA=%b transB=%b", m, k, n, ta == 1, tb == 1), cc, cr);
            }
        }
    }

    /** Forward with bias, backward data and backward weights (+bias) of one convolution. */
    public void conv(String name, long[] in, long outC, ConvParams p, boolean forward, boolean backward, long seed) {
        long[] w = {outC, in[1] / p.groups, p.kH, p.kW};
        INDArray x = randn(seed, in), wt = randn(seed + 1, 0.1, w), b = randn(seed + 2, outC);
        if (forward) assertParity(name + " conv2d", backend.conv2d(x, wt, b, p), reference.conv2d(x, wt, b, p));
        if (backward) {
            INDArray gy = randn(seed + 3, p.outShape(in, outC));
            assertParity(name + " conv2dBackwardData", backend.conv2dBackwardData(gy, wt, in, p),
                    reference.conv2dBackwardData(gy, wt, in, p));
            INDArray[] c = backend.conv2dBackwardWeights(x, gy, w, true, p), r = reference.conv2dBackwardWeights(x, gy, w, true, p);
            assertParity(name + " conv2dBackwardWeights W", c[0], r[0]);
            assertParity(name + " conv2dBackwardWeights b", c[1], r[1]);
        }
    }

    /** Forward and backward of one pooling. */
    public void pool(String name, long[] in, PoolingType type, ConvParams p, long seed) {
        INDArray x = randn(seed, in);
        INDArray y = reference.pool2d(x, type, p);
        assertParity(name + " pool2d", backend.pool2d(x, type, p), y);
        INDArray gy = randn(seed + 1, y.shape());
        assertParity(name + " pool2dBackward", backend.pool2dBackward(x, gy, type, p), reference.pool2dBackward(x, gy, type, p));
    }

    /** Training (y, mean, biased var), inference with given statistics, and backward of batch norm. */
    public void batchNorm(long[] shape, long seed) {
        String name = "batchnorm " + Arrays.toString(shape);
        int c = (int) shape[1];
        INDArray x = randn(seed, 2.0, shape).addi(0.5), gamma = randn(seed + 1, c), beta = randn(seed + 2, c);
        double eps = 1e-5;
        INDArray[] ct = backend.batchNormTraining(x, gamma, beta, eps), rt = reference.batchNormTraining(x, gamma, beta, eps);
        assertParity(name + " training y", ct[0], rt[0]);
        assertParity(name + " training mean", ct[1], rt[1]);
        assertParity(name + " training var", ct[2], rt[2]);
        INDArray mean = randn(seed + 3, c), var = uniform(seed + 4, 0.5, 2.0, c);
        assertParity(name + " inference", backend.batchNormInference(x, gamma, beta, mean, var, eps),
                reference.batchNormInference(x, gamma, beta, mean, var, eps));
        INDArray gy = randn(seed + 5, shape);
        INDArray[] cb = backend.batchNormBackward(x, gy, gamma, rt[1], rt[2], eps);
        INDArray[] rb = reference.batchNormBackward(x, gy, gamma, rt[1], rt[2], eps);
        assertParity(name + " backward dx", cb[0], rb[0]);
        assertParity(name + " backward dgamma", cb[1], rb[1]);
        assertParity(name + " backward dbeta", cb[2], rb[2]);
    }

    /**
     * Batch norm with f (RELU / RELU6) fused in, against the reference's two ops: gamma and beta wide enough that
     * a good part of the output is clamped at both ends. The backward gets the reference's statistics and output.
     */
    public void batchNormActivated(long[] shape, Activation f, long seed) {
        String name = "batchnorm+" + f + " " + Arrays.toString(shape);
        int c = (int) shape[1];
        INDArray x = randn(seed, 2.0, shape).addi(0.5), gamma = randn(seed + 1, 4.0, c), beta = randn(seed + 2, 3.0, c);
        double eps = 1e-5;
        INDArray[] ct = backend.batchNormTrainingActivated(x, gamma, beta, eps, f), rt = reference.batchNormTrainingActivated(x, gamma, beta, eps, f);
        assertParity(name + " training y", ct[0], rt[0]);
        assertParity(name + " training mean", ct[1], rt[1]);
        assertParity(name + " training var", ct[2], rt[2]);
        double clamped = 0;
        for (int i = 0; i < rt[0].length(); i++) {
            double v = rt[0].getDoubleLinear(i);
            if (v <= 0 || f == Activation.RELU6 && v >= 6) clamped++;
        }
        double share = clamped / rt[0].length();
        assertTrue(name + ": the case clamps " + share + " of the output (want both sides of the kinks)", share > 0.2 && share < 0.8);
        INDArray gy = randn(seed + 5, shape);
        INDArray[] cb = backend.batchNormBackwardActivated(x, rt[0], gy, gamma, beta, rt[1], rt[2], eps, f);
        INDArray[] rb = reference.batchNormBackwardActivated(x, rt[0], gy, gamma, beta, rt[1], rt[2], eps, f);
        assertParity(name + " backward dx", cb[0], rb[0]);
        assertParity(name + " backward dgamma", cb[1], rb[1]);
        assertParity(name + " backward dbeta", cb[2], rb[2]);
    }

    /** Forward and backward of one activation. */
    public void activation(Activation f, INDArray x, long seed) {
        String name = f + " " + Arrays.toString(x.shape());
        INDArray y = reference.activate(f, x);
        assertParity(name + " forward", backend.activate(f, x), y);
        INDArray gy = randn(seed, x.shape());
        assertParity(name + " backward", backend.activateBackward(f, x, y, gy), reference.activateBackward(f, x, y, gy));
    }

    /** Forward and backward of one activation with parameters. */
    public void activation(ActivationSpec f, INDArray x, long seed) {
        String name = f + " " + Arrays.toString(x.shape());
        INDArray y = reference.activate(f, x);
        assertParity(name + " forward", backend.activate(f, x), y);
        INDArray gy = randn(seed, x.shape());
        assertParity(name + " backward", backend.activateBackward(f, x, y, gy), reference.activateBackward(f, x, y, gy));
    }

    /** The squeeze-excitation gate: image [N, C, H, W] times per-channel factors [N, C]. */
    public void channelScale(long[] image, long seed) {
        INDArray x = randn(seed, image), s = randn(seed + 1, image[0], image[1]);
        assertParity("channelScale " + Arrays.toString(image), backend.channelScale(x, s), reference.channelScale(x, s));
    }

    /** Asserts that r throws IllegalArgumentException whose message contains mustMention. */
    public static void expectIllegalArgument(String mustMention, Runnable r) {
        try {
            r.run();
            fail("expected IllegalArgumentException mentioning " + mustMention);
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage() + " should mention " + mustMention, e.getMessage().contains(mustMention));
        }
    }
}
