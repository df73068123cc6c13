package org.pydl4j.nn.updater;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.api.Layer;
import org.pydl4j.nn.conf.GradientNormalization;
import org.pydl4j.nn.conf.layers.BaseLayer;

/** Applies a layer's {@link GradientNormalization} to its trainable parameters' gradients, in place. */
public final class GradientNormalizer {
    private GradientNormalizer() {}

    public static void apply(Layer layer) {
        if (!(layer.layerConf() instanceof BaseLayer)) return;
        BaseLayer conf = (BaseLayer) layer.layerConf();
        GradientNormalization mode = conf.getGradientNormalization();
        if (mode == null || mode == GradientNormalization.None) return;
        double t = conf.getGradientNormalizationThreshold();
        List<INDArray> grads = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : layer.gradientTable().entrySet()) {
            if (conf.isTrainableParam(e.getKey())) grads.add(e.getValue());
        }
        switch (mode) {
            case RenormalizeL2PerLayer: scale(grads, norm(grads), 1, false); break;
            case ClipL2PerLayer: scale(grads, norm(grads), t, true); break;
            case RenormalizeL2PerParamType: for (INDArray g : grads) scale(List.of(g), norm(List.of(g)), 1, false); break;
            case ClipL2PerParamType: for (INDArray g : grads) scale(List.of(g), norm(List.of(g)), t, true); break;
            case ClipElementWiseAbsoluteValue: for (INDArray g : grads) g.map(v -> Math.max(-t, Math.min(t, v)), true); break;
            default: throw new IllegalStateException("gradient normalization " + mode);
        }
    }

    private static double norm(List<INDArray> grads) {
        double s = 0;
        for (INDArray g : grads) {
            double n = g.norm2Number().doubleValue();
            s += n * n;
        }
        return Math.sqrt(s);
    }

    /** g *= target / norm (clip: only when norm > target); a zero gradient stays zero. */
    private static void scale(List<INDArray> grads, double norm, double target, boolean clip) {
        if (norm == 0 || (clip && norm <= target)) return;
        for (INDArray g : grads) g.muli(target / norm);
    }
}
