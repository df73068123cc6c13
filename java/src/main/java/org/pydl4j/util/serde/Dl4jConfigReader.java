package org.pydl4j.util.serde;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.learning.config.IUpdater;
import org.pydl4j.nd.learning.config.Nesterovs;
import org.pydl4j.nd.learning.config.Sgd;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.ConvolutionMode;
import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.graph.ElementWiseVertex;
import org.pydl4j.nn.conf.graph.MergeVertex;
import org.pydl4j.nn.conf.graph.PreprocessorVertex;
import org.pydl4j.nn.conf.layers.BaseLayer;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.DepthwiseConvolution2D;
import org.pydl4j.nn.conf.layers.DropoutLayer;
import org.pydl4j.nn.conf.layers.Layer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.conf.formats.Dl4jLayerReader;
import org.pydl4j.nn.conf.layers.LayerKind;
import org.pydl4j.nn.conf.layers.misc.FrozenLayer;
import org.pydl4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.pydl4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.pydl4j.nn.weights.WeightInit;
import org.pydl4j.util.json.Json;

/**
 * Reads DL4J's ComputationGraphConfiguration JSON ({@code configuration.json} of a DL4J model zip) into
 * {@link Dl4jGraph}, building this project's layer and vertex configurations with their builders.
 *
 * <p>Both JSON styles DL4J has written are read: since 1.0.0-alpha, polymorphic objects carry
 * {@code "@class" : "org.deeplearning4j..."}; before, Jackson wrapper objects named the subtype
 * ({@code "layer" : { "convolution" : {...} }}, {@code "activationFn" : { "ReLU" : {} }}, {@code "lossFn" :
 * { "MCXENT" : {...} }}, {@code "preProcessor" : { "cnnToFeedForward" : {...} }}, vertices as
 * {@code { "LayerVertex" : {...} }}; names as in DL4J's LegacyJsonFormat mixins), and the oldest files give
 * activations as strings ({@code "activationFunction" : "relu"}). Unsupported layers, vertices, preprocessors,
 * activations or losses are an {@link IllegalArgumentException} naming the vertex and the DL4J class.
 */
final class Dl4jConfigReader {
    private Dl4jConfigReader() {}

    private static final String LAYERS = "org.deeplearning4j.nn.conf.layers.";
    private static final String GRAPH = "org.deeplearning4j.nn.conf.graph.";
    private static final String PREPROC = "org.deeplearning4j.nn.conf.preprocessor.";
    private static final String KERAS_PREPROC = "org.deeplearning4j.nn.modelimport.keras.preprocessors.";

    static Dl4jGraph read(String json, String source) {
        Object parsed;
        try {
            parsed = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(source, source + ": configuration.json is not valid JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map)) throw new InvalidConfigurationException(source, source + ": configuration.json is not a JSON object", null);
        Map<String, Object> root = map(parsed);
        if (!root.containsKey("vertices") || !root.containsKey("networkInputs")) {
            throw new InvalidConfigurationException(source, source + ": configuration.json is not a DL4J ComputationGraph configuration"
                    + (root.containsKey("confs") ? " (it is a MultiLayerNetwork configuration, which is not supported)" : " (no vertices/networkInputs)"), null);
        }
        Dl4jGraph g = new Dl4jGraph();
        for (Object o : list(root.get("networkInputs"))) g.networkInputs.add(String.valueOf(o));
        for (Object o : list(root.get("networkOutputs"))) g.networkOutputs.add(String.valueOf(o));
        if (root.get("topologicalOrderStr") instanceof List) {
            List<String> t = new ArrayList<>();
            for (Object o : list(root.get("topologicalOrderStr"))) t.add(String.valueOf(o));
            g.topologicalOrderStr = t;
        }
        g.iterationCount = asLong(root.get("iterationCount"), 0);
        g.epochCount = asLong(root.get("epochCount"), 0);
        Map<String, Object> defaults = root.get("defaultConfiguration") instanceof Map ? map(root.get("defaultConfiguration")) : null;
        if (defaults != null) {
            g.seed = asLong(defaults.get("seed"), 0);
            g.defaultUpdater = updater(defaults);
        }
        Map<String, Object> vertexInputs = root.get("vertexInputs") instanceof Map ? map(root.get("vertexInputs")) : Map.of();
        for (Map.Entry<String, Object> e : map(root.get("vertices")).entrySet()) {
            String name = e.getKey();
            Dl4jGraph.Vertex v;
            try {
                v = vertex(name, map(e.getValue()));
            } catch (ClassCastException | NullPointerException ex) {
                throw new InvalidConfigurationException(source, source + ": vertex '" + name + "': malformed configuration (" + ex + ")", ex);
            }
            Object ins = vertexInputs.get(name);
            if (ins != null) for (Object o : list(ins)) v.inputs.add(String.valueOf(o));
            g.vertices.put(name, v);
        }
        checkTensorFlowFlattens(g, source);
        mergeLossLayers(g, source);
        return g;
    }

    /**
     * DL4J's Keras import ends a model with a LossLayer (no parameters) behind the last dense layer. This project has
     * no LossLayer, so the pair becomes one OutputLayer under the dense layer's name with the same parameters; the
     * network output is renamed accordingly. Exact: a loss layer only applies its activation (identity in practice).
     */
    private static void mergeLossLayers(Dl4jGraph g, String source) {
        for (Dl4jGraph.Vertex v : new ArrayList<>(g.vertices.values())) {
            if (v.lossLayerLoss == null) continue;
            String where = source + ": vertex '" + v.name + "' (" + v.dl4jClass + ")";
            if (v.inputs.size() != 1) throw new IllegalArgumentException(where + ": a LossLayer needs exactly one input");
            Dl4jGraph.Vertex d = g.vertices.get(v.inputs.get(0));
            if (d == null || !(d.layer instanceof DenseLayer) || d.layer instanceof OutputLayer) {
                throw new IllegalArgumentException(where + ": a LossLayer is only supported directly behind a DenseLayer");
            }
            for (Dl4jGraph.Vertex o : g.vertices.values()) {
                if (o != v && o.inputs.contains(d.name)) {
                    throw new IllegalArgumentException(where + ": the dense layer '" + d.name + "' in front of the LossLayer feeds other vertices too");
                }
            }
            DenseLayer dense = (DenseLayer) d.layer;
            ActivationSpec act, denseAct = dense.getActivationSpec();
            if (v.lossLayerActivation.kind() == Activation.IDENTITY) act = denseAct;
            else if (denseAct == null || denseAct.kind() == Activation.IDENTITY) act = v.lossLayerActivation;
            else throw new IllegalArgumentException(where + ": both the LossLayer and the dense layer in front of it have activations");
            OutputLayer.Builder b = new OutputLayer.Builder(v.lossLayerLoss);
            b.name(d.name).nIn(dense.getNIn()).nOut(dense.getNOut()).hasBias(dense.hasBias());
            if (act != null) b.activation(act);
            if (dense.getWeightInit() != null) b.weightInit(dense.getWeightInit());
            if (dense.getBiasInit() != null) b.biasInit(dense.getBiasInit());
            if (dense.getIUpdater() != null) b.updater(dense.getIUpdater());
            if (dense.getL2() != null) b.l2(dense.getL2());
            if (dense.getL2Bias() != null) b.l2Bias(dense.getL2Bias());
            if (dense.getDropOut() != null) b.dropOut(dense.getDropOut());
            d.layer = b.build();
            g.vertices.remove(v.name);
            int at = g.networkOutputs.indexOf(v.name);
            if (at >= 0) g.networkOutputs.set(at, d.name);
            if (g.topologicalOrderStr != null) {
                List<String> t = new ArrayList<>(g.topologicalOrderStr);
                t.remove(v.name);
                g.topologicalOrderStr = t;
            }
        }
    }

    /**
     * A TensorFlow-order flatten in a PreprocessorVertex is replaced by a channel-major one; that is exact only when
     * every consumer is a dense layer (whose weight rows are then permuted), possibly behind dropout layers.
     */
    private static void checkTensorFlowFlattens(Dl4jGraph g, String source) {
        for (Dl4jGraph.Vertex v : g.vertices.values()) {
            if (v.nhwcFlatten != null) markConsumers(g, v, v.nhwcFlatten, source);
        }
    }

    private static void markConsumers(Dl4jGraph g, Dl4jGraph.Vertex from, long[] hwc, String source) {
        if (g.networkOutputs.contains(from.name)) {
            throw new InvalidConfigurationException(source, source + ": vertex '" + from.name + "': a TensorFlow-order flatten feeding a network output is not supported", null);
        }
        for (Dl4jGraph.Vertex c : g.vertices.values()) {
            if (!c.inputs.contains(from.name)) continue;
            Layer inner = c.layer instanceof FrozenLayer ? ((FrozenLayer) c.layer).getLayer() : c.layer;
            if (inner instanceof DropoutLayer && c.preProcessor == null) {
                markConsumers(g, c, hwc, source);
            } else if (inner instanceof DenseLayer && (c.preProcessor == null || c.preProcessor instanceof CnnToFeedForwardPreProcessor)) {
                c.nhwcFlattenedInput = hwc;
            } else {
                throw new InvalidConfigurationException(source, source + ": vertex '" + c.name + "' (" + c.dl4jClass + ") takes a TensorFlow-order flatten from '"
                        + from.name + "'; only dense and output layers (possibly behind dropout) are supported there", null);
            }
        }
    }

    // ---------------------------------------------------------------- polymorphic objects

    /** A polymorphic JSON object as (type name, fields): "@class" style or a one-member wrapper object. */
    private static final class Typed {
        final String type;
        final Map<String, Object> fields;

        Typed(String type, Map<String, Object> fields) { this.type = type; this.fields = fields; }

        String simpleName() { return type.substring(type.lastIndexOf('.') + 1); }
    }

    private static Typed typed(Object o) {
        if (!(o instanceof Map)) return null;
        Map<String, Object> m = map(o);
        if (m.containsKey("@class")) return new Typed(String.valueOf(m.get("@class")), m);
        if (m.size() == 1) {
            Map.Entry<String, Object> e = m.entrySet().iterator().next();
            if (e.getValue() instanceof Map) return new Typed(e.getKey(), map(e.getValue()));
        }
        return null;
    }

    private static Dl4jGraph.Vertex vertex(String name, Map<String, Object> json) {
        Typed t = typed(json);
        if (t == null) throw new IllegalArgumentException("vertex '" + name + "': no vertex type (neither \"@class\" nor a wrapper object)");
        Dl4jGraph.Vertex v = new Dl4jGraph.Vertex(name, t.type);
        switch (t.type) {
            case GRAPH + "LayerVertex": case "LayerVertex": {
                Object layerConf = t.fields.get("layerConf");
                Object layerJson = layerConf instanceof Map ? map(layerConf).get("layer") : null;
                Typed lt = typed(layerJson);
                if (lt == null) throw new IllegalArgumentException("vertex '" + name + "': LayerVertex without a layer configuration");
                Dl4jGraph.Vertex lv = new Dl4jGraph.Vertex(name, lt.type);
                lv.layer = layer(name, lt, lv);
                if (lv.layer == null) {
                    if (t.fields.get("preProcessor") != null) throw new IllegalArgumentException("vertex '" + name + "': LossLayer with a preprocessor is not supported");
                    return lv;
                }
                lv.layer.setLayerName(name);
                Object pp = t.fields.get("preProcessor");
                if (pp != null) lv.preProcessor = preProcessor(name, pp, lv);
                if (lv.nhwcFlatten != null) {
                    Layer inner = lv.layer instanceof FrozenLayer ? ((FrozenLayer) lv.layer).getLayer() : lv.layer;
                    if (!(inner instanceof DenseLayer)) {
                        throw new IllegalArgumentException("vertex '" + name + "': a TensorFlow-order flatten in front of " + lt.type
                                + " is not supported (only in front of dense and output layers)");
                    }
                    lv.nhwcFlattenedInput = lv.nhwcFlatten;
                    lv.nhwcFlatten = null;
                }
                return lv;
            }
            case GRAPH + "MergeVertex": case "MergeVertex":
                Object axis = t.fields.get("mergeAxis");
                if (axis != null && asLong(axis, 1) != 1) {
                    throw new IllegalArgumentException("vertex '" + name + "': MergeVertex along axis " + axis + " is not supported (axis 1 is)");
                }
                v.vertex = new MergeVertex();
                return v;
            case GRAPH + "ElementWiseVertex": case "ElementWiseVertex": {
                String op = String.valueOf(t.fields.get("op"));
                ElementWiseVertex.Op o;
                try {
                    o = ElementWiseVertex.Op.valueOf(op);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("vertex '" + name + "': ElementWiseVertex op '" + op + "' is not supported");
                }
                v.vertex = new ElementWiseVertex(o);
                return v;
            }
            case GRAPH + "PreprocessorVertex": case "PreprocessorVertex":
                v.vertex = new PreprocessorVertex(preProcessor(name, t.fields.get("preProcessor"), v));
                return v;
            default:
                throw new IllegalArgumentException("vertex '" + name + "': DL4J vertex type " + t.type + " is not supported"
                        + " (LayerVertex, MergeVertex, ElementWiseVertex, PreprocessorVertex are)");
        }
    }

    private static InputPreProcessor preProcessor(String vertex, Object json, Dl4jGraph.Vertex v) {
        Typed t = typed(json);
        if (t == null) throw new IllegalArgumentException("vertex '" + vertex + "': preprocessor without a type");
        Map<String, Object> f = t.fields;
        Object format = f.get("format");
        if (format != null && !"NCHW".equals(String.valueOf(format))) {
            throw new IllegalArgumentException("vertex '" + vertex + "': preprocessor " + t.type + " with data format " + format + " is not supported (NCHW is)");
        }
        switch (t.type) {
            case PREPROC + "CnnToFeedForwardPreProcessor": case "cnnToFeedForward": case "CnnToFeedForwardPreProcessor":
                return new CnnToFeedForwardPreProcessor(asLong(f.get("inputHeight"), 0), asLong(f.get("inputWidth"), 0), asLong(f.get("numChannels"), 0));
            case PREPROC + "FeedForwardToCnnPreProcessor": case "feedForwardToCnn": case "FeedForwardToCnnPreProcessor":
                return new FeedForwardToCnnPreProcessor(asLong(f.get("inputHeight"), 0), asLong(f.get("inputWidth"), 0), asLong(f.get("numChannels"), 0));
            case KERAS_PREPROC + "TensorFlowCnnToFeedForwardPreProcessor": case "TensorFlowCnnToFeedForwardPreProcessor": {
                // DL4J permutes [n, c, h, w] to [n, h, w, c] before flattening; see Dl4jGraph.Vertex.nhwcFlatten
                long h = asLong(f.get("inputHeight"), 0), w = asLong(f.get("inputWidth"), 0), c = asLong(f.get("numChannels"), 0);
                if (h <= 0 || w <= 0 || c <= 0) {
                    throw new IllegalArgumentException("vertex '" + vertex + "': TensorFlowCnnToFeedForwardPreProcessor without input sizes");
                }
                v.nhwcFlatten = new long[]{h, w, c};
                return new CnnToFeedForwardPreProcessor(h, w, c);
            }
            case KERAS_PREPROC + "ReshapePreprocessor": case "ReshapePreprocessor": {
                // DL4J reshapes the NCHW activations in C order, i.e. a channel-major flatten when the target is 1-d
                List<Object> in = list(f.get("inputShape")), target = list(f.get("targetShape"));
                long[] is = new long[in.size()];
                for (int i = 0; i < is.length; i++) is[i] = asLong(in.get(i), 0);
                long prod = 1;
                for (long d : is) prod *= d;
                boolean flatten = target.size() == 1 && asLong(target.get(0), 0) == prod
                        || target.size() == 2 && asLong(target.get(0), 0) <= 0 && asLong(target.get(1), 0) == prod;
                if (is.length == 3 && flatten) return new CnnToFeedForwardPreProcessor(is[1], is[2], is[0]);
                throw new IllegalArgumentException("vertex '" + vertex + "': ReshapePreprocessor from " + in + " to " + target
                        + " is not supported (only flattening [c, h, w] to a vector is)");
            }
            default:
                throw new IllegalArgumentException("vertex '" + vertex + "': DL4J preprocessor " + t.type + " is not supported"
                        + " (CnnToFeedForwardPreProcessor, FeedForwardToCnnPreProcessor and Keras TensorFlowCnnToFeedForwardPreProcessor/ReshapePreprocessor are)");
        }
    }

    // ---------------------------------------------------------------- layers

    private static Layer layer(String vertex, Typed t, Dl4jGraph.Vertex v) {
        Map<String, Object> f = t.fields;
        Object dataFormat = f.containsKey("cnn2dDataFormat") ? f.get("cnn2dDataFormat") : f.get("dataFormat");
        if (dataFormat != null && !"NCHW".equals(String.valueOf(dataFormat))) {
            throw new IllegalArgumentException("vertex '" + vertex + "': " + t.type + " with data format " + dataFormat + " is not supported (NCHW is)");
        }
        switch (t.type) {
            case LAYERS + "LossLayer": case "loss": {
                // kept aside and merged into the dense layer in front of it (Keras import adds these); see mergeLossLayers
                v.lossLayerLoss = loss(vertex, t);
                ActivationSpec a = activation(vertex, t);
                v.lossLayerActivation = a == null ? ActivationSpec.of(Activation.IDENTITY) : a;
                return null;
            }
            case LAYERS + "misc.FrozenLayer": case "FrozenLayer": case LAYERS + "misc.FrozenLayerWithBackprop": {
                Typed inner = typed(f.get("layer"));
                if (inner == null) throw new IllegalArgumentException("vertex '" + vertex + "': " + t.type + " without an inner layer");
                Layer in = layer(vertex, inner, v);
                in.setLayerName(vertex);
                return new FrozenLayer(in);
            }
            default:
                LayerKind<?> kind = Dl4jFormat.kindOf(t.type);
                if (kind == null) {
                    throw new IllegalArgumentException("vertex '" + vertex + "': DL4J layer " + t.type + " is not supported (" + Dl4jFormat.supported()
                            + ", LossLayer behind a dense layer, and FrozenLayer are)");
                }
                return Dl4jFormat.codec(kind).read(new Reader(vertex, t, v));
        }
    }

    /** A DL4J layer object as the registry's codecs read it. */
    private static final class Reader implements Dl4jLayerReader {
        private final String vertex;
        private final Typed t;
        private final Dl4jGraph.Vertex v;

        Reader(String vertex, Typed t, Dl4jGraph.Vertex v) {
            this.vertex = vertex;
            this.t = t;
            this.v = v;
        }

        @Override public String vertex() { return vertex; }
        @Override public Object get(String key) { return t.fields.get(key); }
        @Override public long asLong(String key, long dflt) { return Dl4jConfigReader.asLong(get(key), dflt); }
        @Override public double asDouble(String key, double dflt) { return Dl4jConfigReader.asDouble(get(key), dflt); }
        @Override public boolean asBool(String key, boolean dflt) { return Dl4jConfigReader.asBool(get(key), dflt); }
        @Override public int[] ints(String key, int... dflt) { return Dl4jConfigReader.ints(get(key), dflt); }
        @Override public ActivationSpec activation() { return Dl4jConfigReader.activation(vertex, t); }
        @Override public LossFunctions.LossFunction loss() { return Dl4jConfigReader.loss(vertex, t); }
        @Override public Double dropout() { return Dl4jConfigReader.dropout(vertex, t); }
        @Override public ConvolutionMode convolutionMode() { return Dl4jConfigReader.convolutionMode(t.fields); }
        @Override public <B extends Layer.Builder<B>> B common(B b) { return layerCommon(vertex, t, b); }
        @Override public <B extends BaseLayer.Builder<B>> B base(B b) { return Dl4jConfigReader.base(vertex, t, b); }
        @Override public void convolution(ConvolutionLayer.BaseConvBuilder<?> b) { conv(vertex, t, b); }
        @Override public IllegalArgumentException unsupported(String what) { return unsupportedOption(vertex, t, what); }

        @Override
        public void note(String key, Object value) {
            switch (key) {
                case "lockGammaBeta": v.bnLockGammaBeta = (Boolean) value; break;
                case "useLogStd": v.bnLogStd = (Boolean) value; break;
                case "gamma": v.bnGamma = (Double) value; break;
                case "beta": v.bnBeta = (Double) value; break;
                default: throw new IllegalArgumentException("vertex '" + vertex + "': unknown parameter-layout note '" + key + "'");
            }
        }
    }

    private static IllegalArgumentException unsupportedOption(String vertex, Typed t, String what) {
        return new IllegalArgumentException("vertex '" + vertex + "': " + t.type + " with " + what + " is not supported");
    }

    private static void conv(String vertex, Typed t, ConvolutionLayer.BaseConvBuilder<?> b) {
        Map<String, Object> f = t.fields;
        b.kernelSize(ints(f.get("kernelSize"), 5, 5)).stride(ints(f.get("stride"), 1, 1)).padding(ints(f.get("padding"), 0, 0));
        b.dilation(ints(f.get("dilation"), 1, 1));
        b.hasBias(asBool(f.get("hasBias"), true));
        ConvolutionMode mode = convolutionMode(f);
        if (mode != null) b.convolutionMode(mode);
    }

    private static ConvolutionMode convolutionMode(Map<String, Object> f) {
        Object m = f.get("convolutionMode");
        if (m == null) return null;
        try {
            return ConvolutionMode.valueOf(String.valueOf(m));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("convolution mode '" + m + "' is not supported (Strict, Truncate, Same are)");
        }
    }

    /** Layer name and dropout, for every layer. */
    private static <B extends Layer.Builder<B>> B layerCommon(String vertex, Typed t, B b) {
        b.name(vertex);
        Double p = dropout(vertex, t);
        if (p != null) b.dropOut(p);
        return b;
    }

    /** Settings of layers with weights: sizes, activation, weight init, bias init, updater, l2. */
    private static <B extends BaseLayer.Builder<B>> B base(String vertex, Typed t, B b) {
        Map<String, Object> f = t.fields;
        layerCommon(vertex, t, b);
        if (b instanceof org.pydl4j.nn.conf.layers.FeedForwardLayer.Builder) {
            org.pydl4j.nn.conf.layers.FeedForwardLayer.Builder<?> fb = (org.pydl4j.nn.conf.layers.FeedForwardLayer.Builder<?>) b;
            long nIn = asLong(first(f, "nin", "nIn"), 0), nOut = asLong(first(f, "nout", "nOut"), 0);
            if (nIn <= 0 || nOut <= 0) {
                throw new IllegalArgumentException("vertex '" + vertex + "': " + t.type + " has no nIn/nOut (" + nIn + ", " + nOut + ")");
            }
            fb.nIn(nIn).nOut(nOut);
        }
        ActivationSpec a = activation(vertex, t);
        if (a != null) b.activation(a);
        WeightInit w = weightInit(f);
        if (w != null) b.weightInit(w);
        if (f.get("biasInit") instanceof Number) b.biasInit(asDouble(f.get("biasInit"), 0));
        IUpdater u = updater(f);
        if (u != null) b.updater(u);
        double l2 = asDouble(f.get("l2"), Double.NaN);
        if (!Double.isNaN(l2) && l2 > 0) b.l2(l2);
        double l2b = asDouble(f.get("l2Bias"), Double.NaN);
        if (!Double.isNaN(l2b) && l2b > 0) b.l2Bias(l2b);
        Double rl2 = fromRegularization(f.get("regularization"), "L2Regularization", "l2");
        if (rl2 != null) b.l2(rl2);
        Double rl2b = fromRegularization(f.get("regularizationBias"), "L2Regularization", "l2");
        if (rl2b != null) b.l2Bias(rl2b);
        double l1 = asDouble(f.get("l1"), 0), l1b = asDouble(f.get("l1Bias"), 0);
        Double rl1 = fromRegularization(f.get("regularization"), "L1Regularization", "l1");
        Double rl1b = fromRegularization(f.get("regularizationBias"), "L1Regularization", "l1");
        if (rl1 != null || l1 > 0) b.l1(rl1 != null ? rl1 : l1);
        if (rl1b != null || l1b > 0) b.l1Bias(rl1b != null ? rl1b : l1b);
        Object gn = f.get("gradientNormalization");
        if (gn != null) {
            try {
                b.gradientNormalization(org.pydl4j.nn.conf.GradientNormalization.valueOf(String.valueOf(gn)));
            } catch (IllegalArgumentException e) {
                throw unsupportedOption(vertex, t, "gradientNormalization " + gn);
            }
        }
        if (f.get("gradientNormalizationThreshold") instanceof Number) b.gradientNormalizationThreshold(asDouble(f.get("gradientNormalizationThreshold"), 1));
        return b;
    }

    /** The coefficient of DL4J's regularization of the given class (L1Regularization "l1", L2Regularization "l2"). */
    private static Double fromRegularization(Object o, String className, String field) {
        if (!(o instanceof List)) return null;
        for (Object r : list(o)) {
            Typed t = typed(r);
            if (t != null && t.simpleName().equals(className)) {
                Object l2 = t.fields.get(field);
                if (l2 instanceof Number) return ((Number) l2).doubleValue();
                Typed sched = typed(l2);
                if (sched != null && sched.fields.get("value") instanceof Number) return ((Number) sched.fields.get("value")).doubleValue();
            }
        }
        return null;
    }

    private static Double dropout(String vertex, Typed t) {
        Map<String, Object> f = t.fields;
        Object id = f.containsKey("idropout") ? f.get("idropout") : f.get("iDropout");
        if (id != null) {
            Typed d = typed(id);
            if (d == null || !d.simpleName().equals("Dropout")) {
                throw new IllegalArgumentException("vertex '" + vertex + "': dropout " + (d == null ? id : d.type) + " is not supported (Dropout is)");
            }
            if (d.fields.get("pSchedule") != null) throw unsupportedOption(vertex, t, "a dropout schedule");
            double p = asDouble(d.fields.get("p"), 0);
            return p <= 0 || p >= 1 ? null : p;   // DL4J: 0 disables dropout
        }
        double p = asDouble(f.get("dropOut"), 0);
        return p <= 0 || p >= 1 ? null : p;
    }

    private static ActivationSpec activation(String vertex, Typed t) {
        Activation a = activationKind(vertex, t);
        if (a != Activation.LEAKYRELU) return a == null ? null : ActivationSpec.of(a);
        Typed fn = typed(t.fields.get("activationFn"));
        double alpha = fn == null ? ActivationSpec.LEAKYRELU_ALPHA : asDouble(fn.fields.get("alpha"), ActivationSpec.LEAKYRELU_ALPHA);
        try {
            return ActivationSpec.leakyRelu(alpha);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("vertex '" + vertex + "': LReLU " + e.getMessage(), e);
        }
    }

    private static Activation activationKind(String vertex, Typed t) {
        Map<String, Object> f = t.fields;
        Object fn = f.get("activationFn");
        if (fn != null) {
            Typed a = typed(fn);
            if (a == null) throw new IllegalArgumentException("vertex '" + vertex + "': activationFn " + fn + " has no type");
            String n = a.simpleName();
            switch (n) {
                case "ActivationReLU": case "ReLU": {
                    double max = asDouble(a.fields.get("max"), 0);
                    if (max != 0 && max != 6.0 || asDouble(a.fields.get("threshold"), 0) != 0 || asDouble(a.fields.get("negativeSlope"), 0) != 0) {
                        throw unsupportedOption(vertex, t, "a parametrised ReLU activation " + Json.writeCompact(a.fields));
                    }
                    return max == 6.0 ? Activation.RELU6 : Activation.RELU;
                }
                case "ActivationReLU6": return Activation.RELU6;
                case "ActivationSoftmax": case "Softmax": return Activation.SOFTMAX;
                case "ActivationIdentity": case "Identity": return Activation.IDENTITY;
                case "ActivationSigmoid": case "Sigmoid": return Activation.SIGMOID;
                case "ActivationTanH": case "TanH": return Activation.TANH;
                case "ActivationLReLU": case "LReLU": return Activation.LEAKYRELU;   // alpha: see activation()
                case "ActivationHardSigmoid": case "HardSigmoid": return Activation.HARDSIGMOID;
                case "ActivationSwish": case "Swish": return Activation.SWISH;
                default:
                    throw new IllegalArgumentException("vertex '" + vertex + "': activation " + a.type + " is not supported");
            }
        }
        Object s = f.get("activationFunction");
        if (s == null) return null;
        switch (String.valueOf(s).toLowerCase()) {
            case "relu": return Activation.RELU;
            case "relu6": return Activation.RELU6;
            case "softmax": return Activation.SOFTMAX;
            case "identity": case "linear": return Activation.IDENTITY;
            case "sigmoid": return Activation.SIGMOID;
            case "tanh": return Activation.TANH;
            case "leakyrelu": return Activation.LEAKYRELU;
            case "hardsigmoid": return Activation.HARDSIGMOID;
            case "swish": return Activation.SWISH;
            default: throw new IllegalArgumentException("vertex '" + vertex + "': activation '" + s + "' is not supported");
        }
    }

    private static LossFunctions.LossFunction loss(String vertex, Typed t) {
        Object fn = t.fields.get("lossFn");
        String n;
        if (fn != null) {
            Typed l = typed(fn);
            if (l == null) throw new IllegalArgumentException("vertex '" + vertex + "': lossFn " + fn + " has no type");
            if (l.fields.get("weights") != null) throw unsupportedOption(vertex, t, "loss weights");
            n = l.simpleName();
        } else {
            n = String.valueOf(t.fields.get("lossFunction"));
        }
        switch (n) {
            case "LossMCXENT": case "MCXENT": return LossFunctions.LossFunction.MCXENT;
            case "LossNegativeLogLikelihood": case "NegativeLogLikelihood": case "NEGATIVELOGLIKELIHOOD": return LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD;
            case "LossMSE": case "MSE": return LossFunctions.LossFunction.MSE;
            default:
                for (LossFunctions.LossFunction lf : LossFunctions.LossFunction.values()) {   // ND4J's enum or impl class name
                    if (lf.name().equals(n) || lf.getILossFunction().getClass().getSimpleName().equals(n)) return lf;
                }
                throw new IllegalArgumentException("vertex '" + vertex + "': loss function " + n + " is not supported (supported: "
                        + java.util.Arrays.toString(LossFunctions.LossFunction.values()) + ")");
        }
    }

    private static WeightInit weightInit(Map<String, Object> f) {
        Object w = f.get("weightInit");
        String n = null;
        if (w != null) n = String.valueOf(w);
        Typed fn = typed(f.get("weightInitFn"));
        if (fn != null) {
            n = fn.simpleName().replace("WeightInit", "").toUpperCase();
            if (n.equals("RELUUNIFORM")) n = "RELU_UNIFORM";
            if (n.equals("XAVIERUNIFORM")) n = "XAVIER_UNIFORM";
            if (n.equals("LECUNNORMAL")) n = "LECUN_NORMAL";
        }
        if (n == null) return null;
        try {
            return WeightInit.valueOf(n);
        } catch (IllegalArgumentException e) {
            return null;   // only used to re-initialise; the network default applies
        }
    }

    /** The updater of a layer or of the network defaults ("iupdater" object, or the old "updater" enum). */
    private static IUpdater updater(Map<String, Object> f) {
        Typed u = typed(f.get("iupdater") != null ? f.get("iupdater") : f.get("iUpdater"));
        IUpdater made = updaterOf(u, f);
        Object schedule = u == null ? null : u.fields.get("learningRateSchedule");
        if (made != null && schedule != null && made.hasLearningRate()) {
            made.setLrAndSchedule(made.getLearningRate(0, 0), Dl4jSchedules.fromJson(schedule, "updater " + u.simpleName()));
        }
        return made;
    }

    private static IUpdater updaterOf(Typed u, Map<String, Object> f) {
        if (u != null) {
            Map<String, Object> p = u.fields;
            switch (u.simpleName()) {
                case "Sgd": return new Sgd(asDouble(p.get("learningRate"), Sgd.DEFAULT_SGD_LR));
                case "Nesterovs": return new Nesterovs(asDouble(p.get("learningRate"), 0.1), asDouble(p.get("momentum"), 0.9));
                case "Adam": return new Adam(asDouble(p.get("learningRate"), 1e-3), asDouble(p.get("beta1"), 0.9),
                        asDouble(p.get("beta2"), 0.999), asDouble(p.get("epsilon"), 1e-8));
                case "RmsProp": return new org.pydl4j.nd.learning.config.RmsProp(asDouble(p.get("learningRate"), 0.1),
                        asDouble(p.get("rmsDecay"), 0.95), asDouble(p.get("epsilon"), 1e-8));
                case "AdaGrad": return new org.pydl4j.nd.learning.config.AdaGrad(asDouble(p.get("learningRate"), 0.1), asDouble(p.get("epsilon"), 1e-6));
                case "AdaDelta": return new org.pydl4j.nd.learning.config.AdaDelta(asDouble(p.get("rho"), 0.95), asDouble(p.get("epsilon"), 1e-6));
                case "AdaMax": return new org.pydl4j.nd.learning.config.AdaMax(asDouble(p.get("learningRate"), 1e-3), asDouble(p.get("beta1"), 0.9),
                        asDouble(p.get("beta2"), 0.999), asDouble(p.get("epsilon"), 1e-8));
                case "Nadam": return new org.pydl4j.nd.learning.config.Nadam(asDouble(p.get("learningRate"), 1e-3), asDouble(p.get("beta1"), 0.9),
                        asDouble(p.get("beta2"), 0.999), asDouble(p.get("epsilon"), 1e-8));
                case "AMSGrad": return new org.pydl4j.nd.learning.config.AMSGrad(asDouble(p.get("learningRate"), 1e-3), asDouble(p.get("beta1"), 0.9),
                        asDouble(p.get("beta2"), 0.999), asDouble(p.get("epsilon"), 1e-8));
                case "NoOp": return new org.pydl4j.nd.learning.config.NoOp();
                default: return null;
            }
        }
        Object old = f.get("updater");
        if (old == null) return null;
        double lr = asDouble(f.get("learningRate"), Double.NaN);
        switch (String.valueOf(old)) {
            case "SGD": return Double.isNaN(lr) ? new Sgd() : new Sgd(lr);
            case "NESTEROVS": return new Nesterovs(Double.isNaN(lr) ? 0.1 : lr, asDouble(f.get("momentum"), 0.9));
            case "ADAM": return new Adam(Double.isNaN(lr) ? 1e-3 : lr, asDouble(f.get("adamMeanDecay"), 0.9),
                    asDouble(f.get("adamVarDecay"), 0.999), asDouble(f.get("epsilon"), 1e-8));
            default: return null;
        }
    }

    // ---------------------------------------------------------------- JSON helpers

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        if (!(o instanceof Map)) throw new IllegalArgumentException("expected a JSON object, got " + (o == null ? "null" : Json.writeCompact(o)));
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        if (!(o instanceof List)) throw new IllegalArgumentException("expected a JSON array, got " + (o == null ? "null" : Json.writeCompact(o)));
        return (List<Object>) o;
    }

    private static Object first(Map<String, Object> f, String... keys) {
        for (String k : keys) if (f.get(k) != null) return f.get(k);
        return null;
    }

    static long asLong(Object o, long dflt) {
        if (o instanceof Number) return ((Number) o).longValue();
        if (o instanceof String) {
            try { return Long.parseLong((String) o); } catch (NumberFormatException e) { return dflt; }
        }
        return dflt;
    }

    static double asDouble(Object o, double dflt) {
        if (o instanceof Number) return ((Number) o).doubleValue();
        if (o instanceof String) {
            try { return Double.parseDouble((String) o); } catch (NumberFormatException e) { return dflt; }
        }
        return dflt;
    }

    static boolean asBool(Object o, boolean dflt) { return o instanceof Boolean ? (Boolean) o : dflt; }

    /** Integer array (DL4J writes int[]); a missing value gives the defaults, a single value is repeated. */
    private static int[] ints(Object o, int... dflt) {
        if (o == null) return dflt.clone();
        List<Object> l = list(o);
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) out[i] = (int) asLong(l.get(i), 0);
        if (out.length == 1 && dflt.length > 1) {
            int[] r = new int[dflt.length];
            java.util.Arrays.fill(r, out[0]);
            return r;
        }
        if (out.length != dflt.length) throw new IllegalArgumentException("expected " + dflt.length + " values, got " + l);
        return out;
    }
}
