package org.pydl4j.nn.transferlearning;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.pydl4j.nn.conf.layers.LayerKind;
import org.pydl4j.nn.conf.layers.LayerKinds;
import java.util.Set;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nn.api.Layer;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.MultiLayerConfiguration;
import org.pydl4j.nn.conf.InputPreProcessor;
import org.pydl4j.nn.conf.graph.GraphVertex;
import org.pydl4j.nn.conf.graph.LayerVertex;
import org.pydl4j.nn.conf.graph.PreprocessorVertex;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.BaseLayer;
import org.pydl4j.nn.conf.layers.BatchNormalization;
import org.pydl4j.nn.conf.layers.DepthwiseConvolution2D;
import org.pydl4j.nn.conf.layers.FeedForwardLayer;
import org.pydl4j.nn.conf.layers.NoParamLayer;
import org.pydl4j.nn.conf.layers.misc.FrozenLayer;
import org.pydl4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.multilayer.MultiLayerNetwork;
import org.pydl4j.nn.weights.WeightInit;

/**
 * Edits a trained network into a new one, as DL4J's TransferLearning: freeze a feature extractor, replace or add
 * layers, change a layer's nOut, override training settings with a {@link FineTuneConfiguration}. The original
 * network is left unchanged; the new one holds copies of the retained layers' parameters, while new and changed
 * layers are initialized from the (fine-tune) seed.
 * {@link GraphBuilder} edits a ComputationGraph, {@link Builder} a MultiLayerNetwork.
 */
public final class TransferLearning {
    private TransferLearning() {}

    /**
     * Edits a {@link ComputationGraph}:
     * <pre>{@code
     * ComputationGraph vgg16Transfer = new TransferLearning.GraphBuilder(vgg16)
     *         .fineTuneConfiguration(fineTuneConf)
     *         .setFeatureExtractor("fc2")
     *         .removeVertexKeepConnections("predictions")
     *         .addLayer("predictions", new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD)
     *                 .nIn(4096).nOut(numClasses).weightInit(WeightInit.XAVIER).activation(Activation.SOFTMAX).build(), "fc2")
     *         .build();
     * }</pre>
     */
    public static class GraphBuilder {
        private final ComputationGraph origGraph;
        private final ComputationGraphConfiguration origConfig;
        private final ComputationGraphConfiguration.GraphBuilder edited;
        private final Set<String> origLayers = new HashSet<>();
        private FineTuneConfiguration fineTuneConfiguration;
        private final Set<String> featureExtractors = new LinkedHashSet<>();
        /** Names whose original vertex was removed: a vertex added under such a name is new. */
        private final Set<String> removed = new HashSet<>();
        /** Layers to initialize afresh (nOutReplace) and with which scheme. */
        private final Map<String, WeightInit> reinit = new LinkedHashMap<>();
        private boolean shareParams;

        public GraphBuilder(ComputationGraph origGraph) {
            if (origGraph == null) throw new IllegalArgumentException("TransferLearning.GraphBuilder: graph is null");
            this.origGraph = origGraph;
            this.origConfig = origGraph.getConfiguration();
            this.edited = new ComputationGraphConfiguration.GraphBuilder(origConfig,
                    FineTuneConfiguration.builderOf(origConfig.getDefaultConfiguration()));
            for (Layer l : origGraph.getLayers()) origLayers.add(l.getName());
        }

        /** Settings applied to every layer that is not frozen and used as defaults of the layers added. */
        public GraphBuilder fineTuneConfiguration(FineTuneConfiguration ftc) {
            this.fineTuneConfiguration = ftc;
            return this;
        }

        /**
         * Freezes the given vertices and everything upstream of them: their parameters never change, no gradient is
         * computed for them, and they always run in inference mode (no dropout, batch norm on running statistics).
         */
        public GraphBuilder setFeatureExtractor(String... vertexNames) {
            if (vertexNames == null || vertexNames.length == 0) throw new IllegalArgumentException("setFeatureExtractor: no vertex names given");
            for (String n : vertexNames) {
                requireVertex("setFeatureExtractor", n);
                featureExtractors.add(n);
            }
            return this;
        }

        /**
         * Changes the nIn of a layer (for a new input size) and initializes its parameters with the given scheme; the
         * layers in front are unchanged (give the new input type with setInputTypes when the layer reads the input).
         */
        public GraphBuilder nInReplace(String layerName, int nIn, WeightInit scheme) {
            String op = "nInReplace('" + layerName + "')";
            if (nIn < 1) throw new IllegalArgumentException(op + ": nIn must be >= 1, got " + nIn);
            if (scheme == null) throw new IllegalArgumentException(op + ": weight init scheme must not be null");
            FeedForwardLayer l = editableFeedForward(op, layerName);
            l.setNIn(nIn);
            l.setWeightInit(scheme);
            reinit.put(layerName, scheme);
            return this;
        }

        /** Changes nOut of a layer, initializing it and the layers it feeds with the given scheme. */
        public GraphBuilder nOutReplace(String layerName, int nOut, WeightInit scheme) {
            return nOutReplace(layerName, nOut, scheme, scheme);
        }

        /** A new number of channels reaching vertex from vertex from (nOutReplace's work list). */
        private record SizeChange(String vertex, long channels, String from) {}

        /**
         * Changes nOut of a layer and initializes its parameters with {@code scheme}; the layers that take its output
         * get the new nIn and are initialized with {@code schemeNext}. Parameter-free layers (pooling, activation,
         * dropout, padding), batch normalization and depthwise convolutions in between pass the change on; a
         * flattening preprocessor is resized. Merge and elementwise vertices in the way are not supported (as DL4J).
         */
        public GraphBuilder nOutReplace(String layerName, int nOut, WeightInit scheme, WeightInit schemeNext) {
            String op = "nOutReplace('" + layerName + "')";
            if (nOut < 1) throw new IllegalArgumentException(op + ": nOut must be >= 1, got " + nOut);
            if (scheme == null || schemeNext == null) throw new IllegalArgumentException(op + ": weight init schemes must not be null");
            FeedForwardLayer l = editableFeedForward(op, layerName);
            if (LayerKinds.of(l).channels() == LayerKind.Channels.PASSES_THROUGH || l instanceof DepthwiseConvolution2D) {
                throw new IllegalArgumentException(op + ": the nOut of a " + l.getClass().getSimpleName()
                        + " follows its nIn; change the nOut of the layer before it");
            }
            l.setNOut(nOut);
            l.setWeightInit(scheme);
            reinit.put(layerName, scheme);
            Deque<SizeChange> todo = new ArrayDeque<>();
            for (String c : consumers(layerName)) todo.add(new SizeChange(c, nOut, layerName));
            while (!todo.isEmpty()) {
                SizeChange t = todo.poll();
                String name = t.vertex(), from = t.from();
                long n = t.channels();
                GraphVertex v = edited.getVertices().get(name);
                if (v instanceof LayerVertex) {
                    LayerVertex lv = (LayerVertex) v;
                    if (lv.getLayerConf() instanceof FrozenLayer) {
                        throw new IllegalArgumentException(op + ": layer '" + name + "' takes its output but is frozen");
                    }
                    long in = n;
                    InputPreProcessor p = lv.getPreProcessor();
                    if (p instanceof CnnToFeedForwardPreProcessor) {
                        CnnToFeedForwardPreProcessor c = (CnnToFeedForwardPreProcessor) p;
                        lv.setPreProcessor(new CnnToFeedForwardPreProcessor(c.getInputHeight(), c.getInputWidth(), n));
                        in = c.getInputHeight() * c.getInputWidth() * n;
                    }
                    org.pydl4j.nn.conf.layers.Layer lc = lv.getLayerConf();
                    long out = LayerKinds.of(lc).inputChannelsChanged(lc, in);   // the layer kind says how the change passes
                    if (lc.numParams() > 0) markNext(name, lc, schemeNext);
                    if (out != LayerKind.ChannelRule.ABSORBED) for (String c : consumers(name)) todo.add(new SizeChange(c, out, name));
                } else if (v instanceof PreprocessorVertex && ((PreprocessorVertex) v).getPreProcessor() instanceof CnnToFeedForwardPreProcessor) {
                    CnnToFeedForwardPreProcessor c = (CnnToFeedForwardPreProcessor) ((PreprocessorVertex) v).getPreProcessor();
                    edited.getVertices().put(name, new PreprocessorVertex(new CnnToFeedForwardPreProcessor(c.getInputHeight(), c.getInputWidth(), n)));
                    for (String cc : consumers(name)) todo.add(new SizeChange(cc, c.getInputHeight() * c.getInputWidth() * n, name));
                } else {
                    throw new IllegalArgumentException(op + ": vertex '" + name + "' (" + v + ") takes the output of '" + from
                            + "'; changing nOut through non-layer vertices is not supported");
                }
            }
            return this;
        }

        private void markNext(String name, org.pydl4j.nn.conf.layers.Layer lc, WeightInit schemeNext) {
            if (lc instanceof BaseLayer) ((BaseLayer) lc).setWeightInit(schemeNext);
            reinit.putIfAbsent(name, schemeNext);
        }

        private List<String> consumers(String name) {
            List<String> out = new ArrayList<>();
            for (Map.Entry<String, List<String>> e : edited.getVertexInputs().entrySet()) if (e.getValue().contains(name)) out.add(e.getKey());
            return out;
        }

        private FeedForwardLayer editableFeedForward(String op, String name) {
            GraphVertex v = requireVertex(op, name);
            if (!(v instanceof LayerVertex)) throw new IllegalArgumentException(op + ": vertex '" + name + "' is a " + v + ", not a layer");
            org.pydl4j.nn.conf.layers.Layer l = ((LayerVertex) v).getLayerConf();
            if (l instanceof FrozenLayer) throw new IllegalArgumentException(op + ": layer '" + name + "' is frozen");
            if (!(l instanceof FeedForwardLayer)) {
                throw new IllegalArgumentException(op + ": layer '" + name + "' (" + l.getClass().getSimpleName() + ") has no nOut");
            }
            return (FeedForwardLayer) l;
        }

        private GraphVertex requireVertex(String op, String name) {
            GraphVertex v = name == null ? null : edited.getVertices().get(name);
            if (v == null) {
                throw new IllegalArgumentException(op + ": no vertex named '" + name + "' ("
                        + GraphUtil.describeNames(name, edited.getVertices().keySet()) + ")");
            }
            return v;
        }

        /**
         * Removes a vertex but keeps the references to its name: the vertices it fed and the network outputs still
         * name it, so a vertex added under the same name (with its own inputs) takes its place.
         */
        public GraphBuilder removeVertexKeepConnections(String vertexName) {
            requireVertex("removeVertexKeepConnections", vertexName);
            edited.removeVertex(vertexName, false);
            removed.add(vertexName);
            reinit.remove(vertexName);
            return this;
        }

        /** Removes a vertex and every reference to it (as another vertex's input and as a network output). */
        public GraphBuilder removeVertexAndConnections(String vertexName) {
            requireVertex("removeVertexAndConnections", vertexName);
            edited.removeVertex(vertexName, true);
            removed.add(vertexName);
            reinit.remove(vertexName);
            featureExtractors.remove(vertexName);
            return this;
        }

        /** Adds a new layer (initialized at build); settings it leaves unset come from the fine-tune configuration. */
        public GraphBuilder addLayer(String layerName, org.pydl4j.nn.conf.layers.Layer layer, String... layerInputs) {
            return addLayer(layerName, layer, null, layerInputs);
        }

        public GraphBuilder addLayer(String layerName, org.pydl4j.nn.conf.layers.Layer layer, InputPreProcessor preProcessor, String... layerInputs) {
            checkInputs("addLayer('" + layerName + "')", layerInputs);
            edited.addLayer(layerName, layer, preProcessor, layerInputs);
            return this;
        }

        public GraphBuilder addVertex(String vertexName, GraphVertex vertex, String... vertexInputs) {
            checkInputs("addVertex('" + vertexName + "')", vertexInputs);
            edited.addVertex(vertexName, vertex, vertexInputs);
            return this;
        }

        private void checkInputs(String op, String[] inputs) {
            if (inputs == null) return;
            for (String in : inputs) {
                if (!edited.getVertices().containsKey(in) && !edited.getNetworkInputs().contains(in)) {
                    throw new IllegalArgumentException(op + ": input '" + in + "' is not a vertex or network input ("
                            + GraphUtil.describeNames(in, edited.getVertices().keySet()) + ", inputs: " + edited.getNetworkInputs() + ")");
                }
            }
        }

        /** Adds network inputs. */
        public GraphBuilder addInputs(String... inputNames) {
            edited.addInputs(inputNames);
            return this;
        }

        /** Replaces the network outputs. */
        public GraphBuilder setOutputs(String... outputNames) {
            edited.setOutputs(outputNames);
            return this;
        }

        /** Replaces the network input types (nIn inference, preprocessors, input shape checks). */
        public GraphBuilder setInputTypes(InputType... types) {
            edited.setInputTypes(types);
            return this;
        }

        /** Internal: the new graph shares the original's parameter array when the structure allows it (same layers, same order). */
        GraphBuilder shareParameters() {
            this.shareParams = true;
            return this;
        }

        /** The new network: retained layers hold copies of their parameters, new and changed ones are initialized. */
        public ComputationGraph build() {
            Map<String, GraphVertex> vertices = edited.getVertices();
            // names removed with removeVertexKeepConnections that were not added back
            for (Map.Entry<String, List<String>> e : edited.getVertexInputs().entrySet()) {
                for (String in : e.getValue()) {
                    if (!vertices.containsKey(in) && !edited.getNetworkInputs().contains(in)) {
                        throw new IllegalArgumentException("vertex '" + in + "' was removed but is still an input of '" + e.getKey()
                                + "': add a vertex named '" + in + "' or use removeVertexAndConnections");
                    }
                }
            }
            for (String out : edited.getNetworkOutputs()) {
                if (!vertices.containsKey(out)) {
                    throw new IllegalArgumentException("network output '" + out + "' was removed: add a vertex named '" + out
                            + "' or call setOutputs (" + GraphUtil.describeNames(out, vertices.keySet()) + ")");
                }
            }
            Set<String> frozen = new HashSet<>();
            if (!featureExtractors.isEmpty()) {
                for (String n : featureExtractors) requireVertex("setFeatureExtractor", n);
                frozen = GraphUtil.withAncestors(featureExtractors, edited.getVertexInputs(), edited.getNetworkInputs());
            }
            for (Map.Entry<String, GraphVertex> e : vertices.entrySet()) {
                if (!(e.getValue() instanceof LayerVertex)) continue;
                LayerVertex lv = (LayerVertex) e.getValue();
                if (lv.getLayerConf() instanceof FrozenLayer) continue;
                if (frozen.contains(e.getKey())) {
                    lv.setLayerConf(new FrozenLayer(lv.getLayerConf()));
                } else if (fineTuneConfiguration != null && origLayers.contains(e.getKey()) && !removed.contains(e.getKey())) {
                    // an unfrozen layer of the original (kept or resized): fine-tune settings overwrite its own,
                    // except the weight init scheme given to nOutReplace
                    fineTuneConfiguration.applyToLayer(lv.getLayerConf());
                    WeightInit w = reinit.get(e.getKey());
                    if (w != null && lv.getLayerConf() instanceof BaseLayer) ((BaseLayer) lv.getLayerConf()).setWeightInit(w);
                }
            }
            if (fineTuneConfiguration != null) fineTuneConfiguration.applyToDefaults(edited.getGlobalConfiguration());
            ComputationGraphConfiguration conf = edited.build();
            ComputationGraph g = new ComputationGraph(conf);

            List<String> layers = GraphUtil.layerOrder(conf);
            if (shareParams && reinit.isEmpty() && removed.isEmpty() && layers.equals(layerNames(origGraph))
                    && GraphUtil.numParams(conf) == origGraph.numParams()) {
                g.init(origGraph.paramsView(), false);
                return g;
            }
            long n = GraphUtil.numParams(conf);
            g.init(n == 0 ? null : Nd4j.zeros(origGraph.getDataType(), n), false);
            long seed = conf.getDefaultConfiguration().getSeed();
            for (String name : layers) {
                Layer nl = g.getLayer(name);
                if (isRetained(name)) {
                    Map<String, long[]> before = origGraph.getLayer(name).layerConf().paramShapes(), after = nl.layerConf().paramShapes();
                    if (!sameShapes(before, after)) {
                        throw new IllegalArgumentException("layer '" + name + "': its parameter shapes changed from " + shapes(before) + " to "
                                + shapes(after) + "; use nOutReplace, or remove the layer and add a new one");
                    }
                    for (Map.Entry<String, INDArray> p : nl.paramTable().entrySet()) p.getValue().assign(origGraph.getLayer(name).getParam(p.getKey()));
                } else {
                    GraphUtil.initLayer(nl, seed);
                }
            }
            return g;
        }

        private boolean isRetained(String name) { return origLayers.contains(name) && !removed.contains(name) && !reinit.containsKey(name); }

        private static List<String> layerNames(ComputationGraph g) {
            List<String> out = new ArrayList<>();
            for (Layer l : g.getLayers()) out.add(l.getName());
            return out;
        }

        private static boolean sameShapes(Map<String, long[]> a, Map<String, long[]> b) {
            if (!a.keySet().equals(b.keySet())) return false;
            for (String k : a.keySet()) if (!Arrays.equals(a.get(k), b.get(k))) return false;
            return true;
        }

        private static String shapes(Map<String, long[]> m) {
            StringBuilder sb = new StringBuilder("{");
            for (Map.Entry<String, long[]> e : m.entrySet()) sb.append(sb.length() > 1 ? ", " : "").append(e.getKey()).append('=').append(Arrays.toString(e.getValue()));
            return sb.append('}').toString();
        }
    }

    /**
     * Edits a {@link MultiLayerNetwork}, layers addressed by index, as DL4J's TransferLearning.Builder:
     * <pre>{@code
     * MultiLayerNetwork edited = new TransferLearning.Builder(net)
     *         .fineTuneConfiguration(fineTuneConf)
     *         .setFeatureExtractor(1)
     *         .removeOutputLayer()
     *         .addLayer(new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD).nOut(5)
     *                 .activation(Activation.SOFTMAX).build())
     *         .build();
     * }</pre>
     * The stack is edited as the linear graph it runs on, with {@link GraphBuilder}'s semantics.
     */
    public static class Builder {
        private final GraphBuilder graphBuilder;
        private final String input;
        private final List<String> names;

        public Builder(MultiLayerNetwork origModel) {
            if (origModel == null) throw new IllegalArgumentException("TransferLearning.Builder: network is null");
            this.graphBuilder = new GraphBuilder(origModel.asComputationGraph());
            this.input = origModel.getLayerWiseConfigurations().inputName();
            this.names = new ArrayList<>(origModel.getLayerNames());
        }

        private String name(String op, int layerNum) {
            if (layerNum < 0 || layerNum >= names.size()) {
                throw new IllegalArgumentException(op + ": layer index " + layerNum + " out of range: the network has " + names.size() + " layers");
            }
            return names.get(layerNum);
        }

        public Builder fineTuneConfiguration(FineTuneConfiguration ftc) {
            graphBuilder.fineTuneConfiguration(ftc);
            return this;
        }

        /** Freezes layers 0..layerNum (inclusive). */
        public Builder setFeatureExtractor(int layerNum) {
            graphBuilder.setFeatureExtractor(name("setFeatureExtractor", layerNum));
            return this;
        }

        public Builder nOutReplace(int layerNum, int nOut, WeightInit scheme) { return nOutReplace(layerNum, nOut, scheme, scheme); }

        /** Changes a layer's nOut (initialized with scheme) and the next layer's nIn (initialized with schemeNext). */
        public Builder nOutReplace(int layerNum, int nOut, WeightInit scheme, WeightInit schemeNext) {
            graphBuilder.nOutReplace(name("nOutReplace", layerNum), nOut, scheme, schemeNext);
            return this;
        }

        /** Changes a layer's nIn (initialized with scheme); see {@link GraphBuilder#nInReplace}. */
        public Builder nInReplace(int layerNum, int nIn, WeightInit scheme) {
            graphBuilder.nInReplace(name("nInReplace", layerNum), nIn, scheme);
            return this;
        }

        public Builder removeOutputLayer() { return removeLayersFromOutput(1); }

        /** Removes the last layers. */
        public Builder removeLayersFromOutput(int layerNum) {
            if (layerNum < 1 || layerNum > names.size()) {
                throw new IllegalArgumentException("removeLayersFromOutput(" + layerNum + "): the network has " + names.size() + " layers");
            }
            for (int i = 0; i < layerNum; i++) graphBuilder.removeVertexAndConnections(names.remove(names.size() - 1));
            return this;
        }

        /** Appends a layer (named by its index unless named); unset settings come from the fine-tune configuration. */
        public Builder addLayer(org.pydl4j.nn.conf.layers.Layer layer) {
            String name = layer.getLayerName() != null ? layer.getLayerName() : String.valueOf(names.size());
            while (names.contains(name) || name.equals(input)) name = "layer" + name;
            graphBuilder.addLayer(name, layer, names.isEmpty() ? input : names.get(names.size() - 1));
            names.add(name);
            return this;
        }

        /** Sets (replaces) the input preprocessor of a layer. */
        public Builder setInputPreProcessor(int layer, InputPreProcessor processor) {
            graphBuilder.edited.inputPreProcessor(name("setInputPreProcessor", layer), processor);
            return this;
        }

        /** Replaces the input type (nIn inference and preprocessors for added layers). */
        public Builder setInputType(InputType type) {
            graphBuilder.setInputTypes(type);
            return this;
        }

        public MultiLayerNetwork build() {
            if (names.isEmpty()) throw new IllegalArgumentException("TransferLearning.Builder: every layer was removed");
            graphBuilder.setOutputs(names.get(names.size() - 1));
            ComputationGraph g = graphBuilder.build();
            return new MultiLayerNetwork(new MultiLayerConfiguration(g.getConfiguration()), g.paramsView());
        }
    }
}
