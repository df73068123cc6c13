package org.pydl4j.nd.activations;

/**
 * An activation with its parameters, as ND4J's {@code IActivation} instances carry them ({@code ActivationLReLU(alpha)};
 * ONNX's HardSigmoid(alpha, beta)). LEAKYRELU has alpha (slope below zero, default 0.01); HARDSIGMOID is
 * min(1, max(0, alpha * x + beta)) (defaults 0.2, 0.5: ND4J's HARDSIGMOID; PyTorch's Hardsigmoid is 1/6, 0.5). Other
 * activations have no parameters (alpha and beta are 0). Parameters are finite: a model file cannot smuggle NaN in.
 */
public record ActivationSpec(Activation kind, double alpha, double beta) {
    public static final double LEAKYRELU_ALPHA = 0.01, HARDSIGMOID_ALPHA = 0.2, HARDSIGMOID_BETA = 0.5;

    public ActivationSpec {
        if (kind == null) throw new IllegalArgumentException("activation is null");
        // finite as float32 too: the kernels compute in float
        if (!Float.isFinite((float) alpha) || !Float.isFinite((float) beta)) {
            throw new IllegalArgumentException("activation " + kind + ": parameters must be finite, got alpha=" + alpha + ", beta=" + beta);
        }
        if (!takesAlpha(kind) && alpha != 0 || !takesBeta(kind) && beta != 0) {
            throw new IllegalArgumentException("activation " + kind + " has no parameters " + (takesAlpha(kind) ? "beta" : "alpha/beta")
                    + ", got alpha=" + alpha + ", beta=" + beta);
        }
    }

    /** {@code kind} with its default parameters. */
    public static ActivationSpec of(Activation kind) {
        if (kind == null) throw new IllegalArgumentException("activation is null");
        return new ActivationSpec(kind, defaultAlpha(kind), defaultBeta(kind));
    }

    /**
     * {@code kind} with the given parameters; null takes the default. The saved format stores them this way
     * (absent = default), so old files read as before.
     */
    public static ActivationSpec of(Activation kind, Double alpha, Double beta) {
        if (kind == null) throw new IllegalArgumentException("activation is null");
        return new ActivationSpec(kind, alpha == null ? defaultAlpha(kind) : alpha, beta == null ? defaultBeta(kind) : beta);
    }

    /** ND4J's {@code ActivationLReLU(alpha)}: x for x > 0, alpha * x below. */
    public static ActivationSpec leakyRelu(double alpha) { return new ActivationSpec(Activation.LEAKYRELU, alpha, 0); }

    /** ONNX's HardSigmoid: min(1, max(0, alpha * x + beta)). */
    public static ActivationSpec hardSigmoid(double alpha, double beta) { return new ActivationSpec(Activation.HARDSIGMOID, alpha, beta); }

    public static boolean takesAlpha(Activation kind) { return kind == Activation.LEAKYRELU || kind == Activation.HARDSIGMOID; }

    public static boolean takesBeta(Activation kind) { return kind == Activation.HARDSIGMOID; }

    public static double defaultAlpha(Activation kind) {
        return kind == Activation.LEAKYRELU ? LEAKYRELU_ALPHA : kind == Activation.HARDSIGMOID ? HARDSIGMOID_ALPHA : 0;
    }

    public static double defaultBeta(Activation kind) { return kind == Activation.HARDSIGMOID ? HARDSIGMOID_BETA : 0; }

    /** True when the parameters are the kind's defaults (what the parameterless {@link Activation} means). */
    public boolean isDefault() { return alpha == defaultAlpha(kind) && beta == defaultBeta(kind); }

    /** alpha as the saved format stores it: null for the default (and for kinds without it). */
    public Double savedAlpha() { return alpha == defaultAlpha(kind) ? null : alpha; }

    /** beta as the saved format stores it: null for the default (and for kinds without it). */
    public Double savedBeta() { return beta == defaultBeta(kind) ? null : beta; }

    @Override
    public String toString() {
        if (isDefault() || !takesAlpha(kind)) return kind.name();
        return kind + "(alpha=" + alpha + (takesBeta(kind) ? ", beta=" + beta : "") + ")";
    }
}
