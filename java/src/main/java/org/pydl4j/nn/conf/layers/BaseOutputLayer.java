package org.pydl4j.nn.conf.layers;

import org.pydl4j.nd.lossfunctions.ILossFunction;
import org.pydl4j.nd.lossfunctions.LossFunctions;

/** A dense layer with a loss function, as DL4J's BaseOutputLayer. */
public abstract class BaseOutputLayer extends DenseLayer {
    protected LossFunctions.LossFunction lossFunction = LossFunctions.LossFunction.MCXENT;
    /** A configured loss instance (weighted LossMCXENT), null when the named {@link #lossFunction} is used. */
    protected ILossFunction lossFn;

    protected BaseOutputLayer() {}

    protected BaseOutputLayer(Builder<?> b) {
        super(b.dense);
        this.lossFunction = b.lossFunction;
        this.lossFn = b.lossFn;
    }

    public LossFunctions.LossFunction getLossFunction() { return lossFunction; }
    public void setLossFunction(LossFunctions.LossFunction f) { this.lossFunction = f; }

    /** The loss implementation: the instance given to the builder, else the named loss's. */
    public ILossFunction getLossFn() { return lossFn != null ? lossFn : lossFunction.getILossFunction(); }

    /** Sets a loss instance such as {@code new LossMCXENT(classWeights)} (null: back to the named loss). */
    public void setLossFn(ILossFunction lossFn) { this.lossFn = lossFn; }

    /** The loss functions apply the activation by kind: parameters other than the defaults are refused. */
    @Override
    public void validate() {
        super.validate();
        if (getActivationSpec() != null && !getActivationSpec().isDefault()) {
            throw new IllegalArgumentException("layer '" + layerName + "': an output layer's activation takes its default parameters, got "
                    + getActivationSpec());
        }
    }

    /**
     * Output layer builders share the dense builder's settings; this generic wrapper keeps DL4J's fluent style.
     */
    public abstract static class Builder<T extends Builder<T>> extends FeedForwardLayer.Builder<T> {
        protected LossFunctions.LossFunction lossFunction = LossFunctions.LossFunction.MCXENT;
        protected ILossFunction lossFn;
        protected boolean hasBias = true;
        private DenseLayer.Builder dense;

        public T lossFunction(LossFunctions.LossFunction f) { this.lossFunction = f; this.lossFn = null; return self(); }

        /** A loss instance, as DL4J's {@code lossFunction(ILossFunction)}: e.g. {@code new LossMCXENT(classWeights)}. */
        public T lossFunction(ILossFunction f) {
            if (f == null) throw new IllegalArgumentException("lossFunction: the loss is null");
            this.lossFn = f;
            return self();
        }
        public T hasBias(boolean hasBias) { this.hasBias = hasBias; return self(); }

        /** Copies the common settings into a dense builder for the superclass constructor. */
        protected T prepare() {
            DenseLayer.Builder d = new DenseLayer.Builder();
            d.layerName = layerName; d.dropOut = dropOut; d.activation = activation; d.weightInit = weightInit; d.dist = dist;
            d.biasInit = biasInit; d.updater = updater; d.l2 = l2; d.l2Bias = l2Bias; d.nIn = nIn; d.nOut = nOut; d.hasBias = hasBias;
            this.dense = d;
            return self();
        }
    }
}
