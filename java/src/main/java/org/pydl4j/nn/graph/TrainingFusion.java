package org.pydl4j.nn.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nd.backend.Backend;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.graph.vertex.GraphVertex;
import org.pydl4j.nn.graph.vertex.impl.LayerVertex;
import org.pydl4j.nn.layers.ActivationLayer;
import org.pydl4j.nn.layers.BatchNormalization;

/**
 * The training pass's fusion of a batch norm with the activation layer that alone consumes it (EfficientNet-Lite:
 * every batch norm is followed by a RELU6 layer). Where the backend has the fused kernel
 * ({@link Backend#fusesBatchNormWith}), the batch norm writes the activated output once and its backward applies
 * the activation's derivative, read off that output; the activation layer passes input and epsilon through. A
 * step then keeps one tensor per pair instead of two and skips one read and write of it forward and backward.
 * Gradients, parameters and running statistics are those of the two layers run apart (within float rounding);
 * inference passes and passes with listeners (which see every activation) are not fused.
 * {@code -Dpydl4j.training.fuse=false} runs every pair apart.
 */
final class TrainingFusion {
    private record Pair(BatchNormalization batchNorm, ActivationLayer activation, Activation f) {}

    private final List<Pair> pairs;

    private TrainingFusion(List<Pair> pairs) { this.pairs = pairs; }

    static boolean enabled() { return !"false".equalsIgnoreCase(System.getProperty("pydl4j.training.fuse", "true")); }

    /** The pairs of this graph: a trainable batch norm without activation or preprocessor whose only consumer is a trainable activation layer with RELU / RELU6 and no dropout. */
    static TrainingFusion plan(ComputationGraphConfiguration conf, Map<String, GraphVertex> vertices) {
        Map<String, Integer> consumers = new HashMap<>();
        for (List<String> ins : conf.getVertexInputs().values()) for (String s : ins) consumers.merge(s, 1, Integer::sum);
        List<Pair> pairs = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
            if (e.getValue().size() != 1) continue;
            String bnName = e.getValue().get(0);
            ActivationLayer act = layerOf(vertices.get(e.getKey()), ActivationLayer.class);
            BatchNormalization bn = layerOf(vertices.get(bnName), BatchNormalization.class);
            if (act == null || bn == null || consumers.get(bnName) != 1 || conf.getNetworkOutputs().contains(bnName)) continue;
            ActivationSpec f = act.layerConf().getActivationSpec();
            Double dropOut = act.layerConf().getDropOut();
            boolean noDropout = dropOut == null || dropOut >= 1.0;
            if (f.isDefault() && Backend.batchNormFuses(f.kind()) && noDropout
                    && bn.layerConf().getActivationSpec().kind() == Activation.IDENTITY) {
                pairs.add(new Pair(bn, act, f.kind()));
            }
        }
        return new TrainingFusion(pairs);
    }

    /** v's layer when v is a trainable layer vertex without preprocessor whose layer is exactly of type t, else null. */
    private static <T> T layerOf(GraphVertex v, Class<T> t) {
        if (!(v instanceof LayerVertex lv) || lv.isFrozen() || lv.getPreProcessor() != null) return null;
        return lv.getLayer().getClass() == t ? t.cast(lv.getLayer()) : null;
    }

    int size() { return pairs.size(); }

    /** Fuses the pairs whose activation be has a kernel for, until the returned handle is closed. */
    Applied apply(Backend be) {
        List<Pair> on = new ArrayList<>();
        for (Pair p : pairs) {
            if (!be.fusesBatchNormWith(p.f)) continue;
            p.batchNorm.absorbActivation(p.f);
            p.activation.setAppliedUpstream(true);
            on.add(p);
        }
        return new Applied(on);
    }

    /** Fusion in force for one training pass; closing it puts every pair back to running apart. */
    static final class Applied implements AutoCloseable {
        static final Applied NONE = new Applied(List.of());
        private final List<Pair> on;

        private Applied(List<Pair> on) { this.on = on; }

        /** How many pairs run fused. */
        int pairs() { return on.size(); }

        @Override
        public void close() {
            for (Pair p : on) {
                p.batchNorm.absorbActivation(null);
                p.activation.setAppliedUpstream(false);
            }
        }
    }
}
