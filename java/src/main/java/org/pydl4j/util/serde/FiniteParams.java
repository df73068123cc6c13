package org.pydl4j.util.serde;

import java.nio.FloatBuffer;
import java.util.Map;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.graph.ComputationGraph;

/** Loaded parameters must be finite: a NaN or infinity in a frozen layer gives every image the same output. */
public final class FiniteParams {
    private FiniteParams() {}

    /** A parameter of a loaded model holds NaN or an infinity. */
    public static final class NonFiniteParameterException extends IllegalArgumentException {
        private final String parameter;

        NonFiniteParameterException(String source, String parameter, long index, double value) {
            super(source + ": parameter " + parameter + " holds " + value + " (element " + index
                    + "); the model is damaged or was saved from a diverged training run");
            this.parameter = parameter;
        }

        public String parameter() { return parameter; }
    }

    /** Throws {@link NonFiniteParameterException} naming the first parameter of {@code graph} that is not finite. */
    public static void check(ComputationGraph graph, String source) { check(graph.paramTable(), source); }

    /** Throws {@link NonFiniteParameterException} naming the first entry of {@code params} that is not finite. */
    public static void check(Map<String, INDArray> params, String source) {
        for (Map.Entry<String, INDArray> e : params.entrySet()) {
            INDArray a = e.getValue();
            if (a.dataType() == DataType.FLOAT) {
                FloatBuffer b = a.floatBufferForRead();
                for (int i = 0, n = (int) Math.min(b.remaining(), a.length()); i < n; i++) {
                    float v = b.get(i);
                    if (!Float.isFinite(v)) throw new NonFiniteParameterException(source, e.getKey(), i, v);
                }
            } else {
                for (long i = 0, n = a.length(); i < n; i++) {
                    double v = a.getDoubleLinear((int) i);
                    if (!Double.isFinite(v)) throw new NonFiniteParameterException(source, e.getKey(), i, v);
                }
            }
        }
    }
}
