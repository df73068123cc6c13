package org.pydl4j.nn.conf.kinds;

import static org.pydl4j.util.json.JsonCodecs.DOUBLE;
import static org.pydl4j.util.json.JsonCodecs.SIZE;
import static org.pydl4j.util.json.JsonCodecs.object;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.config.IUpdater;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.formats.Dl4jLayerCodec;
import org.pydl4j.nn.conf.formats.Dl4jLayerReader;
import org.pydl4j.nn.conf.formats.Dl4jLayerWriter;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.Layer;
import org.pydl4j.nn.conf.layers.LayerKind;
import org.pydl4j.util.json.JsonType;

/**
 * A TEST-ONLY layer kind: multiplies each feature of [minibatch, n] by a learned factor (parameter "s", [1, n],
 * initialized to a constant). With {@link ScaleLayerRuntime} it is everything a new layer kind needs besides one
 * registration line per format (LayerKindRegistryTest registers it): its descriptor, configuration and DL4J codec
 * here, its runtime there.
 */
public class ScaleLayer extends Layer {
    /** Its saved fields (declared before KIND, which takes them). */
    public static final JsonType<ScaleLayer> JSON = Layer.JSON.extend(ScaleLayer.class, ScaleLayer::new)
            .field("n", SIZE, o -> o.n, (o, v) -> o.n = v)
            .field("init", DOUBLE, o -> o.init, (o, v) -> o.init = v)
            .field("updater", object(IUpdater.class), o -> o.updater, (o, v) -> o.updater = v)
            .build();
    public static final LayerKind<ScaleLayer> KIND = LayerKind.of("test.Scale", JSON, LayerKind.Fusion.NONE, LayerKind.Channels.PASSES_THROUGH);

    /** DL4J has no such layer: it is written under a made-up DL4J class name, enough to round-trip. */
    public static final Dl4jLayerCodec<ScaleLayer> DL4J = new Dl4jLayerCodec<>() {
        @Override
        public String dl4jClass() { return "custom.ScaleLayer"; }

        @Override
        public ScaleLayer read(Dl4jLayerReader in) {
            ScaleLayer l = new ScaleLayer(in.asLong("n", 0), in.asDouble("init", 1));
            l.setLayerName(in.vertex());
            return l;
        }

        @Override
        public void write(ScaleLayer layer, Dl4jLayerWriter out) {
            out.put("n", layer.n);
            out.put("init", layer.init);
        }
    };

    private long n;
    private double init;
    private IUpdater updater;   // the network default

    protected ScaleLayer() {}

    public ScaleLayer(long n, double init) {
        if (n < 1) throw new IllegalArgumentException("ScaleLayer: n must be >= 1, got " + n);
        this.n = n;
        this.init = init;
    }

    public long getN() { return n; }

    public double getInit() { return init; }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) { return inputType; }

    @Override
    public Map<String, long[]> paramShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("s", new long[]{1, n});
        return m;
    }

    @Override
    public void applyGlobalConfiguration(NeuralNetConfiguration g) {
        super.applyGlobalConfiguration(g);
        if (updater == null) updater = g.getUpdater().clone();
    }

    @Override
    public IUpdater getUpdaterByParam(String key) { return updater; }

    @Override
    public void initializeParams(Map<String, INDArray> params, Random rng) { params.get("s").assign(init); }

    @Override
    public org.pydl4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, int layerIndex) { return new ScaleLayerRuntime(conf, layerIndex); }

    @Override
    public String describeSizes() { return n + "->" + n; }
}
