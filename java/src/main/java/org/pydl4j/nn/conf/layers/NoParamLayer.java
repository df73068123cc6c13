package org.pydl4j.nn.conf.layers;

import org.pydl4j.util.json.JsonType;

/** A layer without parameters (pooling, activation, dropout, padding). */
public abstract class NoParamLayer extends Layer {
    /** The saved fields (after Layer's). */
    public static final JsonType<NoParamLayer> JSON = Layer.JSON.extendAbstract(NoParamLayer.class)
            .build();

    protected NoParamLayer() {}

    protected NoParamLayer(Builder<?> b) { super(b); }
}
