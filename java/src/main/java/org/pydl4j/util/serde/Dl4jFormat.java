package org.pydl4j.util.serde;

import java.util.LinkedHashMap;
import java.util.Map;
import org.pydl4j.nn.conf.formats.Dl4jLayerCodec;
import org.pydl4j.nn.conf.layers.LayerKind;
import org.pydl4j.nn.conf.layers.LayerKinds;

/**
 * The DL4J format's registry: one {@link Dl4jLayerCodec} per layer kind (one line per built-in kind below), used
 * by the configuration reader ({@code configuration.json} of DL4J zips), the zip exporter and the parameter
 * layout. Other kinds call {@link #register}. Thread-safe.
 */
public final class Dl4jFormat {
    private Dl4jFormat() {}

    static final String LAYERS = "org.deeplearning4j.nn.conf.layers.";

    private static final Map<LayerKind<?>, Dl4jLayerCodec<?>> BY_KIND = new LinkedHashMap<>();
    private static final Map<String, LayerKind<?>> BY_DL4J_TYPE = new LinkedHashMap<>();

    static {
        register(LayerKinds.CONVOLUTION, Dl4jLayers.CONVOLUTION);
        register(LayerKinds.DEPTHWISE_CONVOLUTION, Dl4jLayers.DEPTHWISE_CONVOLUTION);
        register(LayerKinds.SUBSAMPLING, Dl4jLayers.SUBSAMPLING);
        register(LayerKinds.GLOBAL_POOLING, Dl4jLayers.GLOBAL_POOLING);
        register(LayerKinds.BATCH_NORMALIZATION, Dl4jLayers.BATCH_NORMALIZATION);
        register(LayerKinds.ACTIVATION, Dl4jLayers.ACTIVATION);
        register(LayerKinds.DROPOUT, Dl4jLayers.DROPOUT);
        register(LayerKinds.ZERO_PADDING, Dl4jLayers.ZERO_PADDING);
        register(LayerKinds.DENSE, Dl4jLayers.DENSE);
        register(LayerKinds.OUTPUT, Dl4jLayers.OUTPUT);
    }

    /** Registers the DL4J codec of a kind (its DL4J class and legacy names become readable). */
    public static synchronized <C extends org.pydl4j.nn.conf.layers.Layer> void register(LayerKind<C> kind, Dl4jLayerCodec<C> codec) {
        BY_KIND.put(kind, codec);
        BY_DL4J_TYPE.put(LAYERS + codec.dl4jClass(), kind);
        for (String legacy : codec.legacyNames()) BY_DL4J_TYPE.put(legacy, kind);
    }

    /** The codec of a kind; null when the kind has no DL4J form. */
    @SuppressWarnings("unchecked")
    static synchronized <C extends org.pydl4j.nn.conf.layers.Layer> Dl4jLayerCodec<C> codec(LayerKind<C> kind) {
        return (Dl4jLayerCodec<C>) BY_KIND.get(kind);
    }

    /** The kind a DL4J type name (full class name or legacy wrapper name) reads as; null if none. */
    static synchronized LayerKind<?> kindOf(String dl4jType) { return BY_DL4J_TYPE.get(dl4jType); }

    /** The DL4J class names readable now (for error messages). */
    static synchronized String supported() {
        StringBuilder sb = new StringBuilder();
        for (Dl4jLayerCodec<?> c : BY_KIND.values()) sb.append(sb.length() == 0 ? "" : ", ").append(c.dl4jClass());
        return sb.toString();
    }
}
