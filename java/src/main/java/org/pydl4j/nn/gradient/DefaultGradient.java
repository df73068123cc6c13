package org.pydl4j.nn.gradient;

import java.util.LinkedHashMap;
import java.util.Map;
import org.pydl4j.nd.INDArray;

/** Gradients as views of a flat gradient array. */
public class DefaultGradient implements Gradient {
    private final Map<String, INDArray> byVariable = new LinkedHashMap<>();
    private final INDArray flat;

    public DefaultGradient(INDArray flat) { this.flat = flat; }

    public void setGradientFor(String variable, INDArray g) { byVariable.put(variable, g); }

    @Override public Map<String, INDArray> gradientForVariable() { return byVariable; }
    @Override public INDArray gradient() { return flat; }

    @Override
    public INDArray getGradientFor(String variable) {
        INDArray g = byVariable.get(variable);
        if (g == null) throw new IllegalArgumentException("no gradient for '" + variable + "' (have " + byVariable.keySet() + ")");
        return g;
    }
}
