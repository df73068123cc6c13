package org.pydl4j.nn.conf.formats;

import java.util.List;
import org.pydl4j.nn.conf.layers.Layer;

/**
 * How one layer kind is written in, and read from, DL4J's ComputationGraphConfiguration JSON and parameter vector.
 * Registered per {@link org.pydl4j.nn.conf.layers.LayerKind} in {@code org.pydl4j.util.serde.Dl4jFormat}; a new
 * layer can keep its codec in its own configuration class.
 *
 * @param <C> the layer's configuration class
 */
public interface Dl4jLayerCodec<C extends Layer> {
    /** DL4J's class name under {@code org.deeplearning4j.nn.conf.layers.} (written on export, read on import). */
    String dl4jClass();

    /** Further type names DL4J files use for this layer (old Jackson wrapper names such as "convolution"); read only. */
    default List<String> legacyNames() { return List.of(); }

    /** The configuration from a DL4J layer object; name and dropout are set by {@link Dl4jLayerReader#common}/{@code base}. */
    C read(Dl4jLayerReader in);

    /** Writes the layer's DL4J fields (after "@class", "layerName" and the dropout, which the writer puts). */
    void write(C layer, Dl4jLayerWriter out);

    /** How the layer's parameters sit in DL4J's flat vector. */
    default Dl4jParamLayout paramLayout() { return Dl4jParamLayout.SAME; }
}
