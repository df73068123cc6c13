package org.pydl4j.nn.conf.layers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pydl4j.nn.conf.layers.LayerKind.Channels;
import org.pydl4j.nn.conf.layers.LayerKind.Fusion;
import org.pydl4j.nn.conf.layers.convolutional.Cropping2D;

/**
 * The registry of layer kinds: one line per built-in kind below; other kinds (tests, extensions) call
 * {@link #register}. Lookup by configuration class (exact class first, then its superclasses, so a subclass
 * without a kind of its own is treated as its parent) or by saved type name. Thread-safe.
 */
public final class LayerKinds {
    private LayerKinds() {}

    private static final Map<Class<?>, LayerKind<?>> BY_CLASS = new LinkedHashMap<>();
    private static final Map<String, LayerKind<?>> BY_NAME = new LinkedHashMap<>();

    public static final LayerKind<ConvolutionLayer> CONVOLUTION = register(LayerKind.of("Convolution", ConvolutionLayer.JSON, Fusion.CONVOLUTION, Channels.SETS_OUTPUT));
    public static final LayerKind<DepthwiseConvolution2D> DEPTHWISE_CONVOLUTION = register(LayerKind.of("DepthwiseConvolution2D", DepthwiseConvolution2D.JSON, Fusion.CONVOLUTION, Channels.SETS_OUTPUT)
            .channelRule((d, n) -> {   // one group per input channel: the output follows the input
                d.setNIn(n);
                d.setNOut(n * d.getDepthMultiplier());
                return n * d.getDepthMultiplier();
            }));
    public static final LayerKind<GroupedConvolution2D> GROUPED_CONVOLUTION = register(LayerKind.of("GroupedConvolution2D", GroupedConvolution2D.JSON, Fusion.CONVOLUTION, Channels.SETS_OUTPUT));
    public static final LayerKind<SubsamplingLayer> SUBSAMPLING = register(LayerKind.of("Subsampling", SubsamplingLayer.JSON, Fusion.POOLING, Channels.PASSES_THROUGH));
    public static final LayerKind<GlobalPoolingLayer> GLOBAL_POOLING = register(LayerKind.of("GlobalPooling", GlobalPoolingLayer.JSON, Fusion.GLOBAL_POOLING, Channels.PASSES_THROUGH));
    public static final LayerKind<BatchNormalization> BATCH_NORMALIZATION = register(LayerKind.of("BatchNormalization", BatchNormalization.JSON, Fusion.BATCH_NORMALIZATION, Channels.PASSES_THROUGH));
    public static final LayerKind<ActivationLayer> ACTIVATION = register(LayerKind.of("Activation", ActivationLayer.JSON, Fusion.ACTIVATION, Channels.PASSES_THROUGH));
    public static final LayerKind<DropoutLayer> DROPOUT = register(LayerKind.of("Dropout", DropoutLayer.JSON, Fusion.IDENTITY, Channels.PASSES_THROUGH));
    public static final LayerKind<ZeroPaddingLayer> ZERO_PADDING = register(LayerKind.of("ZeroPadding", ZeroPaddingLayer.JSON, Fusion.NONE, Channels.PASSES_THROUGH));
    public static final LayerKind<DenseLayer> DENSE = register(LayerKind.of("Dense", DenseLayer.JSON, Fusion.NONE, Channels.SETS_OUTPUT));
    public static final LayerKind<OutputLayer> OUTPUT = register(LayerKind.of("Output", OutputLayer.JSON, Fusion.NONE, Channels.SETS_OUTPUT));
    public static final LayerKind<Pooling2D> POOLING_2D = register(LayerKind.of("Pooling2D", Pooling2D.JSON, Fusion.POOLING, Channels.PASSES_THROUGH));
    public static final LayerKind<Upsampling2D> UPSAMPLING_2D = register(LayerKind.of("Upsampling2D", Upsampling2D.JSON, Fusion.NONE, Channels.PASSES_THROUGH));
    public static final LayerKind<Cropping2D> CROPPING_2D = register(LayerKind.of("Cropping2D", Cropping2D.JSON, Fusion.NONE, Channels.PASSES_THROUGH));
    public static final LayerKind<LocalResponseNormalization> LOCAL_RESPONSE_NORMALIZATION = register(LayerKind.of("LocalResponseNormalization", LocalResponseNormalization.JSON, Fusion.NONE, Channels.PASSES_THROUGH));
    public static final LayerKind<SpaceToDepthLayer> SPACE_TO_DEPTH = register(LayerKind.of("SpaceToDepth", SpaceToDepthLayer.JSON, Fusion.NONE, Channels.PASSES_THROUGH)
            .channelRule((s, n) -> n * s.getBlockSize() * s.getBlockSize()));   // each block becomes b*b channels
    public static final LayerKind<Deconvolution2D> DECONVOLUTION_2D = register(LayerKind.of("Deconvolution2D", Deconvolution2D.JSON, Fusion.NONE, Channels.SETS_OUTPUT));
    public static final LayerKind<SeparableConvolution2D> SEPARABLE_CONVOLUTION_2D = register(LayerKind.of("SeparableConvolution2D", SeparableConvolution2D.JSON, Fusion.NONE, Channels.SETS_OUTPUT));

    /** Registers a kind; a name or configuration class registered twice (by different kinds) is an error. */
    public static synchronized <C extends Layer> LayerKind<C> register(LayerKind<C> kind) {
        LayerKind<?> byName = BY_NAME.get(kind.name()), byClass = BY_CLASS.get(kind.configClass());
        if ((byName != null && byName != kind) || (byClass != null && byClass != kind)) {
            throw new IllegalArgumentException("layer kind " + kind + " clashes with " + (byName != null ? byName : byClass));
        }
        BY_NAME.put(kind.name(), kind);
        BY_CLASS.put(kind.configClass(), kind);
        org.pydl4j.util.json.TypeNames.register(kind.name(), kind.json());   // the saved configuration's type name
        return kind;
    }

    /** The kind of a layer configuration (frozen layers: see {@link org.pydl4j.nn.conf.layers.misc.FrozenLayer}). */
    public static LayerKind<?> of(Layer l) {
        LayerKind<?> k = find(l.getClass());
        if (k == null) throw new IllegalArgumentException("layer '" + l.getLayerName() + "': " + l.getClass().getName() + " has no registered LayerKind");
        return k;
    }

    /** The kind of a configuration class or its nearest registered superclass; null if none. */
    public static synchronized LayerKind<?> find(Class<?> c) {
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            LayerKind<?> kind = BY_CLASS.get(k);
            if (kind != null) return kind;
        }
        return null;
    }

    /** The kind saved under this type name; null if none. */
    public static synchronized LayerKind<?> named(String name) { return BY_NAME.get(name); }

    /** Every registered kind, in registration order. */
    public static synchronized List<LayerKind<?>> all() { return new ArrayList<>(BY_NAME.values()); }
}
