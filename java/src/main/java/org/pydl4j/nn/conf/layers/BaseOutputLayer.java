package org.pydl4j.nn.conf.layers;

import org.pydl4j.nd.lossfunctions.ILossFunction;
import org.pydl4j.nd.lossfunctions.LossFunctions;

/** A dense layer with a loss function, as DL4J's BaseOutputLayer. */
public abstract class BaseOutputLayer extends DenseLayer {
    protected LossFunctions.LossFunction lossFunction = LossFunctions.LossFunction.MCXENT;

    protected BaseOutputLayer() {}

    protected BaseOutputLayer(Builder<?> b) {
        super(b.dense);
        this.lossFunction = b.lossFunction;
    }

    public LossFunctions.LossFunction getLossFunction() { return lossFunction; }
    public void setLossFunction(LossFunctions.LossFunction f) { this.lossFunction = f; }

    /** The loss implementation. */
    public ILossFunction getLossFn() { return lossFunction.getILossFunction(); }

    /**
     * Output layer builders share the dense builder's settings; this generic wrapper keeps DL4J's fluent style.
     */
    public abstract static class Builder<T extends Builder<T>> extends FeedForwardLayer.Builder<T> {
        protected LossFunctions.LossFunction lossFunction = LossFunctions.LossFunction.MCXENT;
        protected boolean hasBias = true;
        private DenseLayer.Builder dense;

        public T lossFunction(LossFunctions.LossFunction f) { this.lossFunction = f; return self(); }
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
