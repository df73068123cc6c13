package org.pydl4j.util.serde;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pydl4j.nn.conf.formats.Dl4jLayerCodec;
import org.pydl4j.nn.conf.formats.Dl4jLayerWriter;
import org.pydl4j.nn.conf.layers.LayerKind;
import org.pydl4j.nn.conf.layers.LayerKinds;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.learning.config.IUpdater;
import org.pydl4j.nd.learning.config.Nesterovs;
import org.pydl4j.nd.learning.config.Sgd;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.graph.ElementWiseVertex;
import org.pydl4j.nn.conf.graph.GraphVertex;
import org.pydl4j.nn.conf.graph.LayerVertex;
import org.pydl4j.nn.conf.graph.MergeVertex;
import org.pydl4j.nn.conf.graph.PreprocessorVertex;
import org.pydl4j.nn.conf.layers.BaseLayer;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DepthwiseConvolution2D;
import org.pydl4j.nn.conf.layers.FeedForwardLayer;
import org.pydl4j.nn.conf.layers.Layer;
import org.pydl4j.nn.conf.layers.misc.FrozenLayer;
import org.pydl4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.pydl4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.util.json.Json;

/**
 * Writes a ComputationGraph as a model zip in DL4J's own format: {@code configuration.json} in DL4J's
 * ComputationGraphConfiguration JSON ("@class" style, DL4J 1.0) and {@code coefficients.bin} with the parameters in
 * DL4J's flattened layout ({@link Dl4jParams}), as one [1, n] ND4J array in the new or the old (ND4J 0.x) buffer
 * variant. No updater state is written. Used to hand models to DL4J and to test the DL4J importer.
 */
public final class Dl4jZipExporter {
    private Dl4jZipExporter() {}

    private static final String LAYERS = "org.deeplearning4j.nn.conf.layers.";
    private static final String GRAPH = "org.deeplearning4j.nn.conf.graph.";
    private static final String PREPROC = "org.deeplearning4j.nn.conf.preprocessor.";

    /** Writes atomically; legacyBuffers selects the ND4J 0.x array variant (INT shape, int lengths). */
    public static void write(ComputationGraph graph, Path file, boolean legacyBuffers) throws IOException {
        AtomicFiles.write(file, out -> write(graph, out, legacyBuffers));
    }

    public static void write(ComputationGraph graph, OutputStream stream, boolean legacyBuffers) throws IOException {
        String json = Json.write(configurationJson(graph.getConfiguration()));
        writeZip(json, flatParams(graph, json), legacyBuffers, stream);
    }

    /** The graph's parameters in DL4J's flat layout for the DL4J graph configuration JSON json: [1, n]. */
    static INDArray flatParams(ComputationGraph graph, String json) {
        Dl4jGraph g = Dl4jConfigReader.read(json, "exported configuration");
        long total = 0;
        List<String> order = g.dl4jTopologicalOrder();
        for (String name : order) {
            Dl4jGraph.Vertex v = g.vertices.get(name);
            if (v != null && v.isLayer()) total += Dl4jParams.numParams(v);
        }
        INDArray flat = Nd4j.zeros(graph.getDataType(), 1, total);
        long off = 0;
        for (String name : order) {
            Dl4jGraph.Vertex v = g.vertices.get(name);
            if (v == null || !v.isLayer()) continue;
            Dl4jParams.exportLayer(v, graph.getLayer(name).paramTable(), flat, off);
            off += Dl4jParams.numParams(v);
        }
        return flat;
    }

    /** A DL4J model zip: configuration.json and coefficients.bin. */
    static void writeZip(String json, INDArray flat, boolean legacyBuffers, OutputStream stream) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(stream);
        zip.putNextEntry(new ZipEntry("configuration.json"));
        zip.write(json.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
        ModelZips.putStored(zip, "coefficients.bin", out -> {
            if (legacyBuffers) Nd4jBinary.writeLegacy(flat, out, "HEAP"); else Nd4jBinary.write(flat, out);
        });
        zip.finish();
        zip.flush();
    }

    /** DL4J's JSON tree of a configuration. */
    static Map<String, Object> configurationJson(ComputationGraphConfiguration conf) {
        NeuralNetConfiguration d = conf.getDefaultConfiguration();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("backpropType", "Standard");
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("seed", d.getSeed());
        Object u = updater(d.getUpdater());
        if (u != null) defaults.put("iupdater", u);
        root.put("defaultConfiguration", defaults);
        root.put("epochCount", conf.getEpochCount());
        root.put("iterationCount", conf.getIterationCount());
        root.put("networkInputs", new ArrayList<Object>(conf.getNetworkInputs()));
        root.put("networkOutputs", new ArrayList<Object>(conf.getNetworkOutputs()));
        Map<String, Object> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) inputs.put(e.getKey(), new ArrayList<Object>(e.getValue()));
        root.put("vertexInputs", inputs);
        Map<String, Object> vertices = new LinkedHashMap<>();
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            vertices.put(e.getKey(), vertex(e.getKey(), e.getValue(), d.getSeed(), conf.getNetworkOutputs().contains(e.getKey())));
        }
        root.put("vertices", vertices);
        return root;
    }

    private static Map<String, Object> vertex(String name, GraphVertex v, long seed, boolean output) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (v instanceof LayerVertex) {
            LayerVertex lv = (LayerVertex) v;
            m.put("@class", GRAPH + "LayerVertex");
            Map<String, Object> layerConf = new LinkedHashMap<>();
            layerConf.put("layer", layer(name, lv.getLayerConf()));
            layerConf.put("seed", seed);
            m.put("layerConf", layerConf);
            m.put("outputVertex", output);
            m.put("preProcessor", lv.getPreProcessor() == null ? null : preProcessor(name, lv.getPreProcessor()));
        } else if (v instanceof MergeVertex) {
            m.put("@class", GRAPH + "MergeVertex");
        } else if (v instanceof ElementWiseVertex) {
            m.put("@class", GRAPH + "ElementWiseVertex");
            m.put("op", ((ElementWiseVertex) v).getOp().name());
        } else if (v instanceof PreprocessorVertex) {
            m.put("@class", GRAPH + "PreprocessorVertex");
            m.put("preProcessor", preProcessor(name, ((PreprocessorVertex) v).getPreProcessor()));
        } else {
            throw new IllegalArgumentException("vertex '" + name + "': " + v.getClass().getSimpleName() + " has no DL4J equivalent here");
        }
        return m;
    }

    private static Map<String, Object> preProcessor(String name, InputPreProcessor p) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (p instanceof CnnToFeedForwardPreProcessor) {
            CnnToFeedForwardPreProcessor c = (CnnToFeedForwardPreProcessor) p;
            m.put("@class", PREPROC + "CnnToFeedForwardPreProcessor");
            m.put("inputHeight", c.getInputHeight());
            m.put("inputWidth", c.getInputWidth());
            m.put("numChannels", c.getNumChannels());
        } else if (p instanceof FeedForwardToCnnPreProcessor) {
            FeedForwardToCnnPreProcessor c = (FeedForwardToCnnPreProcessor) p;
            m.put("@class", PREPROC + "FeedForwardToCnnPreProcessor");
            m.put("inputHeight", c.getInputHeight());
            m.put("inputWidth", c.getInputWidth());
            m.put("numChannels", c.getNumChannels());
        } else {
            throw new IllegalArgumentException("vertex '" + name + "': preprocessor " + p.getClass().getSimpleName() + " has no DL4J equivalent here");
        }
        return m;
    }

    private static Map<String, Object> layer(String name, Layer l) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (l instanceof FrozenLayer) {
            m.put("@class", LAYERS + "misc.FrozenLayer");
            m.put("layer", layer(name, ((FrozenLayer) l).getLayer()));
            return m;
        }
        LayerKind<?> kind = LayerKinds.of(l);
        write(name, kind, l, m);
        return m;
    }

    private static <C extends Layer> void write(String name, LayerKind<C> kind, Layer l, Map<String, Object> m) {
        Dl4jLayerCodec<C> codec = Dl4jFormat.codec(kind);
        if (codec == null) throw new IllegalArgumentException("vertex '" + name + "': layer kind " + kind.name() + " has no DL4J equivalent here");
        m.put("@class", LAYERS + codec.dl4jClass());
        m.put("layerName", name);
        if (l.getDropOut() != null) {
            Map<String, Object> dr = new LinkedHashMap<>();
            dr.put("@class", "org.deeplearning4j.nn.conf.dropout.Dropout");
            dr.put("p", l.getDropOut());
            m.put("idropout", dr);
        } else {
            m.put("idropout", null);
        }
        codec.write(kind.cast(l), new Writer(m));
    }

    /** A DL4J layer object as the registry's codecs write it. */
    private record Writer(Map<String, Object> m) implements Dl4jLayerWriter {
        @Override
        public void put(String key, Object value) { m.put(key, value); }

        @Override
        public void base(BaseLayer b) {
            m.put("activationFn", activation(b.getActivationSpec()));
            if (b.getBiasInit() != null) m.put("biasInit", b.getBiasInit());
            if (b.getWeightInit() != null) m.put("weightInit", b.getWeightInit().name());
            Object u = updater(b.getIUpdater());
            if (u != null) m.put("iupdater", u);
            if (b.getL2() != null) m.put("l2", b.getL2());
            if (b.getL2Bias() != null) m.put("l2Bias", b.getL2Bias());
            if (b.getL1() != null) m.put("l1", b.getL1());
            if (b.getL1Bias() != null) m.put("l1Bias", b.getL1Bias());
            if (b.getGradientNormalization() != null) m.put("gradientNormalization", b.getGradientNormalization().name());
            m.put("gradientNormalizationThreshold", b.getGradientNormalizationThreshold());
            if (b instanceof FeedForwardLayer) {
                m.put("nin", ((FeedForwardLayer) b).getNIn());
                m.put("nout", ((FeedForwardLayer) b).getNOut());
            }
        }

        @Override
        public void convolution(ConvolutionLayer c) {
            m.put("kernelSize", ints(c.getKernelSize()));
            m.put("stride", ints(c.getStride()));
            m.put("padding", ints(c.getPadding()));
            m.put("dilation", ints(c.getDilation()));
            m.put("convolutionMode", c.getConvolutionMode() == null ? null : c.getConvolutionMode().name());
            m.put("hasBias", c.hasBias());
            m.put("cnn2dDataFormat", "NCHW");
        }

        @Override
        public Object activation(ActivationSpec a) { return Dl4jZipExporter.activation(a); }

        @Override
        public Object loss(LossFunctions.LossFunction f) { return Dl4jZipExporter.loss(f); }

        @Override
        public List<Object> ints(int[] values) { return Dl4jZipExporter.ints(values); }
    }

    private static List<Object> ints(int[] a) {
        List<Object> l = new ArrayList<>();
        for (int v : a) l.add((long) v);
        return l;
    }

    /** DL4J's activation object; HARDSWISH (no DL4J class) and a HARDSIGMOID other than DL4J's fixed one are refused. */
    private static Map<String, Object> activation(ActivationSpec spec) {
        Activation a = spec == null ? Activation.IDENTITY : spec.kind();
        String n;
        switch (a) {
            case RELU: n = "ActivationReLU"; break;
            case RELU6: n = "ActivationReLU6"; break;
            case SIGMOID: n = "ActivationSigmoid"; break;
            case TANH: n = "ActivationTanH"; break;
            case SOFTMAX: n = "ActivationSoftmax"; break;
            case LEAKYRELU: n = "ActivationLReLU"; break;
            case HARDSIGMOID:
                if (!spec.isDefault()) throw new IllegalArgumentException("activation " + spec + " has no DL4J form (DL4J's HardSigmoid is 0.2x + 0.5)");
                n = "ActivationHardSigmoid";
                break;
            case SWISH: n = "ActivationSwish"; break;
            case IDENTITY: n = "ActivationIdentity"; break;
            default: throw new IllegalArgumentException("activation " + spec + " has no DL4J form");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("@class", "org.nd4j.linalg.activations.impl." + n);
        if (a == Activation.LEAKYRELU) m.put("alpha", spec.alpha());
        return m;
    }

    private static Map<String, Object> loss(LossFunctions.LossFunction f) {
        String n = f.getILossFunction().getClass().getSimpleName();   // our impl classes carry ND4J's names
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("@class", "org.nd4j.linalg.lossfunctions.impl." + n);
        m.put("weights", null);
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> updater(IUpdater u) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (u instanceof Sgd) {
            m.put("@class", "org.nd4j.linalg.learning.config.Sgd");
            m.put("learningRate", ((Sgd) u).getLearningRate());
        } else if (u instanceof Nesterovs) {
            m.put("@class", "org.nd4j.linalg.learning.config.Nesterovs");
            m.put("learningRate", ((Nesterovs) u).getLearningRate());
            m.put("momentum", ((Nesterovs) u).getMomentum());
        } else if (u instanceof Adam) {
            Adam a = (Adam) u;
            m.put("@class", "org.nd4j.linalg.learning.config.Adam");
            m.put("learningRate", a.getLearningRate());
            m.put("beta1", a.getBeta1());
            m.put("beta2", a.getBeta2());
            m.put("epsilon", a.getEpsilon());
        } else if (u instanceof org.pydl4j.nd.learning.config.BaseUpdaterConfig) {
            // the other ND4J updaters: our fields carry ND4J's JSON names (learningRate, rmsDecay, rho, beta1, ...)
            m.put("@class", "org.nd4j.linalg.learning.config." + u.getClass().getSimpleName());
            Map<String, Object> tree = (Map<String, Object>) org.pydl4j.util.json.JsonMapper.toTree(u);
            for (Map.Entry<String, Object> e : tree.entrySet()) {
                if (e.getValue() instanceof Number) m.put(e.getKey(), e.getValue());
            }
        } else {
            return null;
        }
        if (u instanceof org.pydl4j.nd.learning.config.BaseLearningRateConfig && ((org.pydl4j.nd.learning.config.BaseLearningRateConfig) u).getLearningRateSchedule() != null) {
            m.put("learningRateSchedule", Dl4jSchedules.toJson(((org.pydl4j.nd.learning.config.BaseLearningRateConfig) u).getLearningRateSchedule()));
        }
        return m;
    }
}
