package org.pydl4j.nn.conf.layers;

/** A layer without parameters (pooling, activation, dropout, padding). */
public abstract class NoParamLayer extends Layer {
    protected NoParamLayer() {}

    protected NoParamLayer(Builder<?> b) { super(b); }
}
