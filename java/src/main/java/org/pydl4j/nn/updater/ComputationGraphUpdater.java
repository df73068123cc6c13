package org.pydl4j.nn.updater;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.NDArrayIndex;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.learning.GradientUpdater;
import org.pydl4j.nd.learning.config.IUpdater;
import org.pydl4j.nn.api.Layer;

/**
 * Applies each trainable parameter's updater, keeping all updater state in one flat array
 * ({@link #getStateViewArray()}) laid out per trainable parameter in parameter order (Adam: m then v for each).
 * Frozen layers and batch norm running statistics have no state and are never updated.
 */
public class ComputationGraphUpdater {
    /** One trainable parameter: where it lives in the flat parameter/gradient arrays and its updater state. */
    public static final class Block {
        public final String layerName, paramKey;
        public final long offset, length, stateOffset, stateLength;
        public final IUpdater config;
        /** Decoupled weight decay coefficient (0: none). */
        public final double weightDecay;
        final GradientUpdater updater;

        Block(String layerName, String paramKey, long offset, long length, long stateOffset, long stateLength, IUpdater config,
              double weightDecay, GradientUpdater u) {
            this.layerName = layerName; this.paramKey = paramKey; this.offset = offset; this.length = length;
            this.stateOffset = stateOffset; this.stateLength = stateLength; this.config = config; this.weightDecay = weightDecay;
            this.updater = u;
        }
    }

    private final List<Block> blocks = new ArrayList<>();
    private final INDArray state;
    private final INDArray params, gradients;

    /**
     * @param layers    layers in parameter order
     * @param offsets   offset of each layer's parameters in the flat arrays
     */
    public ComputationGraphUpdater(List<Layer> layers, long[] offsets, INDArray flatParams, INDArray flatGradients) {
        this.params = flatParams;
        this.gradients = flatGradients;
        List<Pending> pending = new ArrayList<>();
        long stateSize = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            org.pydl4j.nn.conf.layers.Layer conf = l.layerConf();
            long off = offsets[i];
            for (Map.Entry<String, long[]> e : conf.paramShapes().entrySet()) {
                long len = 1;
                for (long d : e.getValue()) len *= d;
                if (!l.isFrozen() && conf.isTrainableParam(e.getKey())) {
                    IUpdater u = conf.getUpdaterByParam(e.getKey());
                    if (u == null) throw new IllegalStateException("layer '" + l.getName() + "': no updater for parameter '" + e.getKey() + "'");
                    long s = u.stateSize(len);
                    pending.add(new Pending(l.getName(), e.getKey(), off, len, stateSize, s, u, conf.getWeightDecayByParam(e.getKey())));
                    stateSize += s;
                }
                off += len;
            }
        }
        state = Nd4j.zeros(flatParams.dataType(), stateSize);
        for (Pending p : pending) {
            INDArray view = p.stateLength() == 0 ? null : state.get(NDArrayIndex.interval(p.stateOffset(), p.stateOffset() + p.stateLength()));
            blocks.add(new Block(p.layer(), p.param(), p.offset(), p.length(), p.stateOffset(), p.stateLength(), p.updater(), p.weightDecay(),
                    p.updater().instantiate(view, true)));
        }
    }

    /** A block known before the state array exists (its size is the sum of all blocks' state). */
    private record Pending(String layer, String param, long offset, long length, long stateOffset, long stateLength, IUpdater updater,
                           double weightDecay) {}

    public List<Block> getBlocks() { return Collections.unmodifiableList(blocks); }

    /** The updater state, all parameters, [1, n]; a live view (writes change the state). */
    public INDArray getStateViewArray() { return state.reshape(1, state.length()); }

    /** Copies saved state (same length) into the updater state. */
    public void setStateViewArray(INDArray saved) {
        if (saved.length() != state.length()) {
            throw new IllegalArgumentException("updater state has " + state.length() + " values, got " + saved.length());
        }
        state.assign(saved);
    }

    /**
     * Turns gradients into updates and subtracts them from the parameters. Weight decay is decoupled from the
     * gradient (as DL4J's {@code WeightDecay} with applyLR, i.e. AdamW): after the updater, update += coeff * lr * w,
     * so Adam's per-parameter scaling never weakens it.
     */
    public void update(int iteration, int epoch) {
        for (Block b : blocks) {
            INDArray g = gradients.get(NDArrayIndex.interval(b.offset, b.offset + b.length));
            INDArray w = params.get(NDArrayIndex.interval(b.offset, b.offset + b.length));
            b.updater.applyUpdater(g, iteration, epoch);
            if (b.weightDecay > 0) {
                double lr = b.config.hasLearningRate() ? b.config.getLearningRate(iteration, epoch) : 1.0;
                Nd4j.getBackend().axpy(b.weightDecay * lr, w, g);
            }
            Nd4j.getBackend().axpy(-1, g, w);
        }
    }
}
