package org.pydl4j.nd.backend;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nd.backend.reference.ReferenceBackend;

/**
 * The compute kernels the layers need. One interface, several implementations: {@code reference} (plain Java, the
 * oracle; FLOAT and DOUBLE), {@code cpu} (oneDNN/OpenBLAS over JNI; FLOAT), {@code cuda}. Elementwise arithmetic,
 * reductions and losses are not here: they live once in Java, on {@link INDArray}; the few elementwise ops a network
 * runs every step (bias and residual additions, updater steps) are, so that device backends keep them on the device.
 *
 * <p>Layouts: images are NCHW, convolution weights OIHW with I = inChannels / groups, 2-d arrays row-major.
 * Every method validates shapes (in Java, before any native call) and throws IllegalArgumentException naming the
 * offending shape. Results are new arrays of the input's data type unless stated otherwise; inputs are not modified.
 */
public interface Backend {
    /** "reference", "cpu" or "cuda". */
    String name();

    /** c = alpha * op(a) * op(b) + beta * c for 2-d arrays; op transposes when the flag is set. c is written in place. */
    void gemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, double alpha, double beta);

    /** Convolution: input [N,C,H,W], weight [O,C/groups,kH,kW], bias [O] or null; returns [N,O,OH,OW]. */
    INDArray conv2d(INDArray input, INDArray weight, INDArray bias, ConvParams p);

    /**
     * Inference convolution with its activation: f(conv2d(input, weight, bias)), as one op where the backend can
     * fuse them (the cpu backend applies bias and activation inside oneDNN's kernel, without a second pass over
     * the output). Every elementwise activation (all but SOFTMAX) is allowed; one the backend has no kernel for is
     * applied after the convolution by {@link #activate}. No intermediate is kept, so there is nothing to backpropagate through: training uses
     * {@link #conv2d} and {@link #activate}.
     */
    default INDArray conv2dFused(INDArray input, INDArray weight, INDArray bias, ConvParams p, Activation act) {
        requireFusable(act, "conv2dFused");
        INDArray z = conv2d(input, weight, bias, p);
        if (act == Activation.IDENTITY) return z;
        INDArray y = activate(act, z);
        z.close();
        return y;
    }

    /** {@link #conv2dFused} with the activation's parameters (LEAKYRELU alpha, HARDSIGMOID alpha/beta). */
    default INDArray conv2dFused(INDArray input, INDArray weight, INDArray bias, ConvParams p, ActivationSpec act) {
        if (act.isDefault()) return conv2dFused(input, weight, bias, p, act.kind());
        requireFusable(act.kind(), "conv2dFused");
        INDArray z = conv2d(input, weight, bias, p);
        INDArray y = activate(act, z);
        z.close();
        return y;
    }

    /** True for activations {@link #conv2dFused} accepts: elementwise ones (not SOFTMAX). */
    static boolean isFusable(Activation act) { return act != null && act != Activation.SOFTMAX; }

    /** Rejects an activation {@link #conv2dFused} cannot apply, naming the op. */
    static void requireFusable(Activation act, String op) {
        if (!isFusable(act)) throw new IllegalArgumentException(op + ": activation " + act + " is not elementwise (cannot be fused)");
    }

    /**
     * Compiles an inference graph (convolutions with fused activations, poolings, additions) for its fixed shapes.
     * The default runs it op by op ({@link InterpretedProgram}); the cpu backend runs it natively, keeping
     * intermediate values in oneDNN's preferred layouts between ops.
     */
    default InferenceProgram compile(ProgramSpec spec) { return new InterpretedProgram(this, spec); }

    /** Gradient with respect to the input of {@link #conv2d}: gradOut [N,O,OH,OW] -> [N,C,H,W] (inputShape). */
    INDArray conv2dBackwardData(INDArray gradOut, INDArray weight, long[] inputShape, ConvParams p);

    /**
     * Gradients with respect to weight and bias of {@link #conv2d}. Returns {gradWeight [O,C/groups,kH,kW],
     * gradBias [O]}; gradBias is null when withBias is false.
     */
    INDArray[] conv2dBackwardWeights(INDArray input, INDArray gradOut, long[] weightShape, boolean withBias, ConvParams p);

    /** Pooling over kH x kW windows (p.groups ignored): [N,C,H,W] -> [N,C,OH,OW]. */
    INDArray pool2d(INDArray input, PoolingType type, ConvParams p);

    /** Gradient of {@link #pool2d} with respect to its input; MAX routes to the first maximum of each window. */
    INDArray pool2dBackward(INDArray input, INDArray gradOut, PoolingType type, ConvParams p);

    /**
     * Batch normalization over every dimension but 1 ([N,C] or [N,C,H,W]) with batch statistics.
     * Returns {output, batchMean [C], batchVar [C]} where the variance is the biased (1/n) one used to normalize.
     */
    INDArray[] batchNormTraining(INDArray input, INDArray gamma, INDArray beta, double eps);

    /** Batch normalization with given statistics: gamma * (x - mean) / sqrt(var + eps) + beta. */
    INDArray batchNormInference(INDArray input, INDArray gamma, INDArray beta, INDArray mean, INDArray var, double eps);

    /**
     * Backward of {@link #batchNormTraining} given its batch mean and biased variance.
     * Returns {gradInput, gradGamma [C], gradBeta [C]}.
     */
    INDArray[] batchNormBackward(INDArray input, INDArray gradOut, INDArray gamma, INDArray mean, INDArray var, double eps);

    /**
     * {@link #batchNormTraining} followed by f, as one op: {f(bn(x)), batchMean, batchVar}, where f is one that
     * {@link #batchNormFuses}. Its backward ({@link #batchNormBackwardActivated}) reads this output instead of
     * bn(x), so a training pass keeps one tensor instead of two. The default runs the two ops.
     */
    default INDArray[] batchNormTrainingActivated(INDArray input, INDArray gamma, INDArray beta, double eps, Activation f) {
        requireBatchNormFusable(f);
        INDArray[] r = batchNormTraining(input, gamma, beta, eps);
        INDArray y = activate(f, r[0]);
        r[0].close();
        return new INDArray[]{y, r[1], r[2]};
    }

    /**
     * Backward of {@link #batchNormTrainingActivated} from its input, output and batch statistics:
     * {gradInput, gradGamma [C], gradBeta [C]}. The default recomputes bn(x) from the batch statistics and runs
     * f's backward, then {@link #batchNormBackward} (the two ops as a separate activation layer runs them).
     */
    default INDArray[] batchNormBackwardActivated(INDArray input, INDArray output, INDArray gradOut, INDArray gamma,
                                                  INDArray beta, INDArray mean, INDArray var, double eps, Activation f) {
        requireBatchNormFusable(f);
        Checks.shape(output, input.shape(), "batchNormBackwardActivated output");
        INDArray z = batchNormInference(input, gamma, beta, mean, var, eps);
        INDArray d = activateBackward(f, z, output, gradOut);
        z.close();
        INDArray[] g = batchNormBackward(input, d, gamma, mean, var, eps);
        d.close();
        return g;
    }

    /**
     * Whether {@link #batchNormTrainingActivated} with f is one kernel here (not the default's two ops): a
     * training pass fuses batch norm with a following activation layer only then.
     */
    default boolean fusesBatchNormWith(Activation f) { return false; }

    /** Activations {@link #batchNormTrainingActivated} takes: clamps (RELU, RELU6), whose derivative the output gives. */
    static boolean batchNormFuses(Activation f) { return f == Activation.RELU || f == Activation.RELU6; }

    /** Rejects an activation {@link #batchNormTrainingActivated} cannot take. */
    static void requireBatchNormFusable(Activation f) {
        if (!batchNormFuses(f)) throw new IllegalArgumentException("batchNormTrainingActivated: activation " + f + " is not RELU or RELU6");
    }

    /** y = f(x). SOFTMAX is taken along dimension 1 (classes) of a 2-d array. LEAKYRELU uses slope 0.01. */
    INDArray activate(Activation f, INDArray x);

    /**
     * y = f(x) with f's parameters. The default runs {@link #activate(Activation, INDArray)} for default parameters
     * and the host's loop ({@link ReferenceBackend#activateOnHost}) otherwise.
     */
    default INDArray activate(ActivationSpec f, INDArray x) {
        return f.isDefault() ? activate(f.kind(), x) : ReferenceBackend.activateOnHost(f, x);
    }

    /** dL/dx given x, y = f(x) and dL/dy. */
    INDArray activateBackward(Activation f, INDArray x, INDArray y, INDArray gradOut);

    /**
     * y = x * s[:, :, None, None]: image x [N, C, H, W] scaled per (example, channel) by s [N, C] (the gate of a
     * squeeze-excitation block). The default is the host's loop.
     */
    default INDArray channelScale(INDArray x, INDArray s) { return ReferenceBackend.channelScaleOnHost(x, s); }

    /** The gradient of {@link #activate(ActivationSpec, INDArray)}; the default as there. */
    default INDArray activateBackward(ActivationSpec f, INDArray x, INDArray y, INDArray gradOut) {
        return f.isDefault() ? activateBackward(f.kind(), x, y, gradOut) : ReferenceBackend.activateBackwardOnHost(f, x, y, gradOut);
    }

    // ---------------------------------------------------------------- elementwise ops and updater steps
    // The defaults run on the host, element by element in double precision (the reference arithmetic); device
    // backends override them to run where their arrays live.

    /** Copies src's values into dst (equal lengths and types; shapes may differ). */
    default void copy(INDArray src, INDArray dst) {
        Checks.sameLength("copy", dst, src);
        dst.assign(src);
    }

    /** A copy of a, made where a lives (a device backend copies on the device). */
    default INDArray dup(INDArray a) {
        Checks.shapeOf(a, "dup: a");
        INDArray out = org.pydl4j.nd.Nd4j.createUninitialized(a.dataType(), a.shape());
        copy(a, out);
        return out;
    }

    /** a + b as a new array: b has a's shape, or is a row ([C] or [1, C]) added to every row of a 2-d a [N, C]. */
    default INDArray add(INDArray a, INDArray b) {
        boolean row = Checks.add(a, b);
        return a.add(row ? b.reshape(1, b.length()) : b);
    }

    /** y += alpha * x, element by element (equal lengths; shapes may differ). */
    default void axpy(double alpha, INDArray x, INDArray y) {
        Checks.sameLength("axpy", y, x);
        for (int i = 0; i < y.length(); i++) y.putLinear(i, y.getDoubleLinear(i) + alpha * x.getDoubleLinear(i));
    }

    /** Every element of x becomes value. */
    default void fill(INDArray x, double value) {
        Checks.sameLength("fill", x);
        x.assign(value);
    }

    /** x *= factor, in place. */
    default void scale(INDArray x, double factor) {
        Checks.sameLength("scale", x);
        x.muli(factor);
    }

    /**
     * One Adam step in place over equal-length g, m, v: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2, and g becomes
     * the update alphat * m / (sqrt(v) + eps).
     */
    default void adamStep(INDArray g, INDArray m, INDArray v, double b1, double b2, double eps, double alphat) {
        Checks.sameLength("adamStep", g, m, v);
        for (int i = 0; i < g.length(); i++) {
            double gi = g.getDoubleLinear(i);
            double mi = b1 * m.getDoubleLinear(i) + (1 - b1) * gi;
            double vi = b2 * v.getDoubleLinear(i) + (1 - b2) * gi * gi;
            m.putLinear(i, mi);
            v.putLinear(i, vi);
            g.putLinear(i, alphat * mi / (Math.sqrt(vi) + eps));
        }
    }

    /** One Nesterov-momentum step in place: v' = mu v - lr g; g becomes the update mu v - (1 + mu) v'; v = v'. */
    default void nesterovsStep(INDArray g, INDArray v, double mu, double lr) {
        Checks.sameLength("nesterovsStep", g, v);
        for (int i = 0; i < g.length(); i++) {
            double vPrev = v.getDoubleLinear(i);
            double vNew = mu * vPrev - lr * g.getDoubleLinear(i);
            v.putLinear(i, vNew);
            g.putLinear(i, mu * vPrev - (1 + mu) * vNew);
        }
    }
}
