package org.pydl4j.nn.conf.layers;

import java.util.Objects;
import org.pydl4j.util.json.JsonType;

/**
 * Everything the engine needs to know about one kind of layer besides its configuration and runtime classes:
 * the stable type name saved model files use for it (never a Java class name, so classes can move), the
 * version of its saved fields, how the fused inference pass treats it, and how a change in the number of
 * channels in front of it passes through. Format registries (DL4J JSON today; ONNX, MultiLayerNetwork later)
 * are keyed by kind. Registered in {@link LayerKinds}.
 *
 * @param <C> the configuration class
 */
public final class LayerKind<C extends Layer> {
    /** What the fused inference pass (nn.graph.InferenceFusion) can do with a layer of this kind. */
    public enum Fusion {
        /** A convolution (weights OIHW, optional bias, fusable activation): a program node. */
        CONVOLUTION,
        /** A batch normalization: folded into the convolution in front of it, else a per-channel affine node. */
        BATCH_NORMALIZATION,
        /** A spatial max/average pooling node. */
        POOLING,
        /** A global pooling over H and W: a pooling node, flattened to [N, C] after the program. */
        GLOBAL_POOLING,
        /** An elementwise activation node (identity: no node). */
        ACTIVATION,
        /** The identity at inference (dropout): no node, the activation is its input. */
        IDENTITY,
        /** Not compiled: runs by itself between segments. */
        NONE
    }

    /** How the number of channels (features) in front of a layer relates to the number after it. */
    public enum Channels {
        /** The layer sets its own output size (nOut); a change in front changes only its nIn. */
        SETS_OUTPUT,
        /** Output channels equal input channels (normalization, activation, pooling, dropout, padding). */
        PASSES_THROUGH
    }

    /**
     * What a layer does when the number of channels in front of it changes (TransferLearning's nOutReplace): updates
     * its configuration and returns the number of channels after it, or {@link #ABSORBED} when its own output size
     * stays (the change stops there).
     */
    @FunctionalInterface
    public interface ChannelRule<C extends Layer> {
        long ABSORBED = -1;

        long inputChannelsChanged(C layer, long channels);
    }

    private final String name;
    private final int version;
    private final JsonType<C> json;
    private final Class<C> configClass;
    private final Fusion fusion;
    private final Channels channels;
    private final ChannelRule<C> channelRule;

    private LayerKind(String name, int version, JsonType<C> json, Fusion fusion, Channels channels, ChannelRule<C> channelRule) {
        if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_.]*")) throw new IllegalArgumentException("layer kind name must be an identifier, got '" + name + "'");
        if (version < 1) throw new IllegalArgumentException("layer kind '" + name + "': version must be >= 1, got " + version);
        this.name = name;
        this.version = version;
        this.json = Objects.requireNonNull(json, "json");
        if (json.isAbstract()) throw new IllegalArgumentException("layer kind '" + name + "': " + json.javaClass().getName() + " is abstract");
        this.configClass = json.javaClass();
        this.fusion = Objects.requireNonNull(fusion, "fusion");
        this.channels = Objects.requireNonNull(channels, "channels");
        this.channelRule = channelRule != null ? channelRule : defaultRule(channels);
    }

    /** SETS_OUTPUT: a feed-forward layer takes the new nIn and keeps its nOut; PASSES_THROUGH: nIn = nOut = channels. */
    private static <C extends Layer> ChannelRule<C> defaultRule(Channels channels) {
        return (layer, n) -> {
            if (layer instanceof FeedForwardLayer) {
                ((FeedForwardLayer) layer).setNIn(n);
                if (channels == Channels.PASSES_THROUGH) ((FeedForwardLayer) layer).setNOut(n);
            }
            return channels == Channels.PASSES_THROUGH ? n : ChannelRule.ABSORBED;
        };
    }

    /** A kind with saved-field version 1; json is the configuration class's declared fields (its {@code JSON} constant). */
    public static <C extends Layer> LayerKind<C> of(String name, JsonType<C> json, Fusion fusion, Channels channels) {
        return new LayerKind<>(name, 1, json, fusion, channels, null);
    }

    /** The same kind with another saved-field version (raise it when the saved fields change meaning). */
    public LayerKind<C> version(int v) { return new LayerKind<>(name, v, json, fusion, channels, channelRule); }

    /** The same kind with its own rule for a change of input channels (instead of the one {@link Channels} implies). */
    public LayerKind<C> channelRule(ChannelRule<C> rule) { return new LayerKind<>(name, version, json, fusion, channels, Objects.requireNonNull(rule)); }

    /** The stable type name written to model files. */
    public String name() { return name; }

    public int version() { return version; }

    public Class<C> configClass() { return configClass; }

    /** The declared (saved, compared, copied) fields of the configuration class. */
    public JsonType<C> json() { return json; }

    public Fusion fusion() { return fusion; }

    public Channels channels() { return channels; }

    /** Applies a change of the number of input channels to layer; returns the channels after it (or ABSORBED). */
    public long inputChannelsChanged(Layer layer, long channels) { return channelRule.inputChannelsChanged(cast(layer), channels); }

    /** l as this kind's configuration class (the caller looked the kind up for l). */
    public C cast(Layer l) { return configClass.cast(l); }

    @Override
    public String toString() { return "LayerKind[" + name + " v" + version + ", " + configClass.getSimpleName() + ", " + fusion + ", " + channels + "]"; }
}
