package org.pydl4j.nn.conf.layers;

import static org.pydl4j.util.json.JsonCodecs.DOUBLE;

import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.util.json.JsonType;

/**
 * Local response normalization across channels, as DL4J's LocalResponseNormalization:
 * {@code y_c = x_c / (k + alpha * sum_{j=c-n/2..c+n/2} x_j^2)^beta} (window clipped at the channel ends);
 * defaults k=2, n=5, alpha=1e-4, beta=0.75.
 */
public class LocalResponseNormalization extends NoParamLayer {
    /** The saved fields (after NoParamLayer's). */
    public static final JsonType<LocalResponseNormalization> JSON = NoParamLayer.JSON.extend(LocalResponseNormalization.class, LocalResponseNormalization::new)
            .field("k", DOUBLE, o -> o.k, (o, v) -> o.k = v)
            .field("n", DOUBLE, o -> o.n, (o, v) -> o.n = v)
            .field("alpha", DOUBLE, o -> o.alpha, (o, v) -> o.alpha = v)
            .field("beta", DOUBLE, o -> o.beta, (o, v) -> o.beta = v)
            .build();

    protected double k = 2, n = 5, alpha = 1e-4, beta = 0.75;

    /** The defaults (DL4J's {@code new LocalResponseNormalization()}). */
    public LocalResponseNormalization() {}

    protected LocalResponseNormalization(Builder b) {
        super(b);
        this.k = b.k; this.n = b.n; this.alpha = b.alpha; this.beta = b.beta;
    }

    public double getK() { return k; }
    public double getN() { return n; }
    public double getAlpha() { return alpha; }
    public double getBeta() { return beta; }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType t) { return flatImagePreProcessor(t); }

    @Override
    public InputType getOutputType(int layerIndex, InputType t) { return convolutionalInput(t); }

    @Override
    public void validate() {
        super.validate();
        if (!(n >= 1) || !(k > 0) || !(alpha >= 0) || !(beta >= 0) || Double.isInfinite(k + n + alpha + beta)) {
            throw new IllegalArgumentException(nameForErrors() + ": needs n >= 1, k > 0, alpha >= 0, beta >= 0 (finite), got k=" + k
                    + " n=" + n + " alpha=" + alpha + " beta=" + beta);
        }
    }

    @Override
    public org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex) {
        return new org.pydl4j.nn.layers.normalization.LocalResponseNormalization(conf, layerIndex);
    }

    @Override
    public String describeSizes() { return "n=" + n + " k=" + k + " a=" + alpha + " b=" + beta; }

    public static class Builder extends Layer.Builder<Builder> {
        protected double k = 2, n = 5, alpha = 1e-4, beta = 0.75;

        public Builder() {}

        public Builder(double k, double n, double alpha, double beta) { this.k = k; this.n = n; this.alpha = alpha; this.beta = beta; }

        public Builder(double k, double alpha, double beta) { this.k = k; this.alpha = alpha; this.beta = beta; }

        public Builder k(double k) { this.k = k; return this; }
        public Builder n(double n) { this.n = n; return this; }
        public Builder alpha(double alpha) { this.alpha = alpha; return this; }
        public Builder beta(double beta) { this.beta = beta; return this; }

        public LocalResponseNormalization build() { return new LocalResponseNormalization(this); }
    }
}
