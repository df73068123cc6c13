package org.pydl4j.nn.graph;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.MemoryScope;
import org.pydl4j.nd.NDArrayIndex;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nn.api.Layer;
import org.pydl4j.nn.api.NeuralNetwork;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.gradient.DefaultGradient;
import org.pydl4j.nn.gradient.Gradient;
import org.pydl4j.nn.graph.vertex.GraphVertex;
import org.pydl4j.nn.graph.vertex.impl.InputVertex;
import org.pydl4j.nn.layers.AbstractLayer;
import org.pydl4j.nn.layers.FrozenLayer;
import org.pydl4j.nn.layers.OutputLayer;
import org.pydl4j.nn.listeners.TrainingListener;
import org.pydl4j.nn.updater.ComputationGraphUpdater;
import org.pydl4j.nn.updater.GradientNormalizer;
import org.pydl4j.util.ModelSerializer;

/**
 * A network of layers and vertices, as DL4J's ComputationGraph. Parameters live in one flat array (layers in
 * topological order, each layer's parameters in its key order: W then b; gamma, beta, mean, var); layers hold
 * views of it. Training is minibatch gradient descent: loss averaged over the minibatch plus L2, then each
 * parameter's updater.
 */
public class ComputationGraph implements NeuralNetwork {
    protected final ComputationGraphConfiguration configuration;
    protected boolean initCalled;
    protected List<String> topologicalOrder;
    protected final LinkedHashMap<String, GraphVertex> vertices = new LinkedHashMap<>();
    protected final List<Layer> layers = new ArrayList<>();
    protected long[] layerOffsets;
    protected INDArray flatParams, flatGradients;
    protected DataType dataType;
    protected ComputationGraphUpdater updater;
    protected final List<TrainingListener> listeners = new ArrayList<>();
    protected double score;
    protected INDArray[] inputs, labels;
    protected INDArray[] inputGradients;
    protected Map<String, InputType> activationTypes = new HashMap<>();

    public ComputationGraph(ComputationGraphConfiguration configuration) {
        if (configuration == null) throw new IllegalArgumentException("configuration is null");
        this.configuration = configuration;
    }

    public ComputationGraphConfiguration getConfiguration() { return configuration; }

    // ---------------------------------------------------------------- initialization

    /** Creates the layers and initializes parameters (seeded from the configuration). */
    @Override
    public void init() { init(null, false); }

    /**
     * Creates the layers with the given parameters (length numParams), copied when cloneParametersArray is true,
     * otherwise used as the network's parameter array (shared).
     */
    public void init(INDArray parameters, boolean cloneParametersArray) {
        if (initCalled) return;
        configuration.validate();
        activationTypes = configuration.inferTypes(false);
        topologicalOrder = configuration.topologicalOrder();
        int vIdx = 0, lIdx = 0;
        for (String name : topologicalOrder) {
            if (configuration.getNetworkInputs().contains(name)) {
                vertices.put(name, new InputVertex(name, vIdx++));
                continue;
            }
            org.pydl4j.nn.conf.graph.GraphVertex gv = configuration.getVertices().get(name);
            boolean isLayer = gv instanceof org.pydl4j.nn.conf.graph.LayerVertex;
            GraphVertex v = gv.instantiate(name, vIdx++, configuration.getDefaultConfiguration(), isLayer ? lIdx++ : -1);
            vertices.put(name, v);
            if (v.hasLayer()) layers.add(v.getLayer());
        }
        long total = 0;
        layerOffsets = new long[layers.size()];
        for (int i = 0; i < layers.size(); i++) {
            layerOffsets[i] = total;
            total += layers.get(i).layerConf().numParams();
        }
        if (parameters != null) {
            if (parameters.length() != total) {
                throw new IllegalArgumentException("init: network has " + total + " parameters, got an array of " + parameters.length());
            }
            dataType = parameters.dataType();
            flatParams = cloneParametersArray ? parameters.dup().reshape(total) : parameters.reshape(total);
        } else {
            dataType = Nd4j.defaultFloatingPointType();
            flatParams = Nd4j.zeros(dataType, total);
        }
        long seed = configuration.getDefaultConfiguration().getSeed();
        for (int i = 0; i < layers.size(); i++) {
            AbstractLayer<?> base = base(layers.get(i));
            long off = layerOffsets[i], n = layers.get(i).layerConf().numParams();
            base.setParamViews(flatParams.get(NDArrayIndex.interval(off, off + n)), null);
            if (parameters == null) base.initParams(new Random(seed * 1_000_003L + 7919L * i + layers.get(i).getName().hashCode()));
        }
        initCalled = true;
    }

    /**
     * The gradient array and the updater (with its state), made on first use: a graph that only runs inference
     * (featurizing with a zoo model) never holds them, which for VGG-16 is twice its parameters' size or more.
     * Made outside any MemoryScope, since they live as long as the network.
     */
    private void ensureTrainingState() {
        checkInit();
        if (updater != null) return;
        MemoryScope.outside(() -> {
            flatGradients = Nd4j.zeros(flatParams.dataType(), flatParams.length());
            for (int i = 0; i < layers.size(); i++) {
                long off = layerOffsets[i], n = layers.get(i).layerConf().numParams();
                base(layers.get(i)).setGradientView(flatGradients.get(NDArrayIndex.interval(off, off + n)));
            }
            updater = new ComputationGraphUpdater(layers, layerOffsets, flatParams, flatGradients);
        });
    }

    private static AbstractLayer<?> base(Layer l) {
        if (l instanceof FrozenLayer) return base(((FrozenLayer) l).getInsideLayer());
        return (AbstractLayer<?>) l;
    }

    private void checkInit() {
        if (!initCalled) throw new IllegalStateException("ComputationGraph: call init() first");
    }

    // ---------------------------------------------------------------- structure access

    /** The runtime layer of a layer vertex; an unknown name is an error naming it. */
    public Layer getLayer(String name) {
        checkInit();
        GraphVertex v = vertices.get(name);
        if (v == null) throw new IllegalArgumentException("no layer named '" + name + "' (layers: " + layerNames() + ")");
        if (!v.hasLayer()) throw new IllegalArgumentException("vertex '" + name + "' is a " + v.getClass().getSimpleName() + ", not a layer");
        return v.getLayer();
    }

    public Layer getLayer(int index) {
        checkInit();
        return layers.get(index);
    }

    /** Layers in topological (parameter) order. */
    public Layer[] getLayers() {
        checkInit();
        return layers.toArray(new Layer[0]);
    }

    public int getNumLayers() { return layers.size(); }

    private List<String> layerNames() {
        List<String> out = new ArrayList<>();
        for (Layer l : layers) out.add(l.getName());
        return out;
    }

    public GraphVertex getVertex(String name) {
        checkInit();
        GraphVertex v = vertices.get(name);
        if (v == null) throw new IllegalArgumentException("no vertex named '" + name + "' (vertices: " + vertices.keySet() + ")");
        return v;
    }

    /** Runtime vertices in topological order (inputs first). */
    public GraphVertex[] getVertices() {
        checkInit();
        return vertices.values().toArray(new GraphVertex[0]);
    }

    public List<String> getTopologicalOrder() { return Collections.unmodifiableList(topologicalOrder); }

    public int getNumInputArrays() { return configuration.getNetworkInputs().size(); }

    public int getNumOutputArrays() { return configuration.getNetworkOutputs().size(); }

    /** The parameters' data type (FLOAT, or DOUBLE when the default type was DOUBLE at init). */
    public DataType getDataType() { return dataType; }

    // ---------------------------------------------------------------- parameters

    /** A copy of all parameters, [1, numParams], in topological layer order. */
    @Override
    public INDArray params() {
        checkInit();
        return flatParams.dup().reshape(1, flatParams.length());
    }

    @Override
    public long numParams() {
        checkInit();
        return flatParams.length();
    }

    /**
     * The network's flat parameter array itself, [numParams] (not a copy: writes change the network). Another
     * graph can share a contiguous part of it through {@code init(view, false)} (transfer learning).
     */
    public INDArray paramsView() {
        checkInit();
        return flatParams;
    }

    /** Copies all parameters (same length as params()). */
    @Override
    public void setParams(INDArray params) {
        checkInit();
        if (params.length() != flatParams.length()) {
            throw new IllegalArgumentException("setParams: network has " + flatParams.length() + " parameters, got " + params.length());
        }
        flatParams.assign(params);
    }

    /** Parameters by "layer_key" (live views). */
    public Map<String, INDArray> paramTable() {
        checkInit();
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (Layer l : layers) for (Map.Entry<String, INDArray> e : l.paramTable().entrySet()) m.put(l.getName() + "_" + e.getKey(), e.getValue());
        return m;
    }

    /** Number of parameters that training changes (not frozen, not running statistics). */
    public long numTrainableParams() {
        long n = 0;
        for (ComputationGraphUpdater.Block b : getUpdater().getBlocks()) n += b.length;
        return n;
    }

    public ComputationGraphUpdater getUpdater() {
        ensureTrainingState();
        return updater;
    }

    /** The gradients of the last computeGradientAndScore / fit step. */
    public Gradient gradient() {
        ensureTrainingState();
        DefaultGradient g = new DefaultGradient(flatGradients.reshape(1, flatGradients.length()));
        for (Layer l : layers) for (Map.Entry<String, INDArray> e : l.gradientTable().entrySet()) g.setGradientFor(l.getName() + "_" + e.getKey(), e.getValue());
        return g;
    }

    // ---------------------------------------------------------------- counters and listeners

    public int getIterationCount() { return configuration.getIterationCount(); }
    public int getEpochCount() { return configuration.getEpochCount(); }
    public void setIterationCount(int n) { configuration.setIterationCount(n); }
    public void setEpochCount(int n) { configuration.setEpochCount(n); }

    public void setListeners(TrainingListener... ls) {
        listeners.clear();
        addListeners(ls);
    }

    public void setListeners(Collection<? extends TrainingListener> ls) {
        listeners.clear();
        listeners.addAll(ls);
    }

    public void addListeners(TrainingListener... ls) {
        for (TrainingListener l : ls) if (l != null) listeners.add(l);
    }

    public List<TrainingListener> getListeners() { return Collections.unmodifiableList(listeners); }

    @Override
    public double score() { return score; }

    // ---------------------------------------------------------------- forward

    private INDArray[] prepareInputs(INDArray[] in, String what) {
        checkInit();
        List<String> names = configuration.getNetworkInputs();
        if (in == null || in.length != names.size()) {
            throw new IllegalArgumentException(what + ": network has " + names.size() + " inputs " + names + ", got " + (in == null ? 0 : in.length) + " arrays");
        }
        INDArray[] out = new INDArray[in.length];
        List<InputType> types = configuration.getNetworkInputTypes();
        for (int i = 0; i < in.length; i++) {
            if (in[i] == null) throw new IllegalArgumentException(what + ": input '" + names.get(i) + "' is null");
            if (!types.isEmpty()) {
                long[] expected = types.get(i).getShape(in[i].rank() > 0 ? in[i].size(0) : 1);
                if (!Arrays.equals(expected, in[i].shape())) {
                    throw new IllegalArgumentException(what + ": input vertex '" + names.get(i) + "' expects shape " + shapeText(types.get(i))
                            + " (" + types.get(i) + "), got " + Arrays.toString(in[i].shape()));
                }
            }
            out[i] = in[i].castTo(dataType);
        }
        return out;
    }

    private static String shapeText(InputType t) {
        long[] s = t.getShape(-1);
        StringBuilder sb = new StringBuilder("[minibatch");
        for (int i = 1; i < s.length; i++) sb.append(", ").append(s[i]);
        return sb.append(']').toString();
    }

    private void setDropoutSeeds() {
        long seed = configuration.getDefaultConfiguration().getSeed();
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).setDropoutSeed(seed * 6364136223846793005L + 1442695040888963407L * (configuration.getIterationCount() + 1) + 31L * i);
        }
    }

    /**
     * Runs every vertex; returns all activations by vertex name (inputs included). With release (inference, not
     * training) the pass goes through {@link InferenceFusion}: compiled segments, batch norm folded into
     * convolutions, activations given back as soon as their last consumer ran; only outputs are returned then.
     */
    protected Map<String, INDArray> forward(INDArray[] in, boolean training, boolean release) {
        if (release && !training && InferenceFusion.enabled()) return inferenceFusion(in).run(in);
        synchronized (vertices) {   // runtime layers hold per-pass state: one pass at a time (see InferenceFusion.run)
            return forwardLayerByLayer(in, training, release, null, null);
        }
    }

    /**
     * With a ledger (the training pass of computeGradientAndScore), activations go into it and those no backward
     * step reads are closed as soon as their consumers ran (see {@link ActivationLedger}). With a prefix (ledger
     * only), its vertices run first as an inference pass and only its outputs enter the ledger.
     */
    private Map<String, INDArray> forwardLayerByLayer(INDArray[] in, boolean training, boolean release, ActivationLedger ledger,
                                                      FrozenPrefix prefix) {
        setDropoutSeeds();
        Map<String, INDArray> acts = ledger != null ? ledger.activations() : new LinkedHashMap<>();
        Set<String> skipped = prefix == null ? Set.of() : prefix.members();
        Map<String, Integer> remaining = new HashMap<>();
        if (release || ledger != null) {
            for (Map.Entry<String, List<String>> e : configuration.getVertexInputs().entrySet()) {
                if (skipped.contains(e.getKey())) continue;
                for (String s : e.getValue()) remaining.merge(s, 1, Integer::sum);
            }
        }
        if (prefix != null) {
            for (Map.Entry<String, INDArray> e : prefix.run(in).entrySet()) {
                ledger.put(e.getKey(), e.getValue());
                if (configuration.getNetworkOutputs().contains(e.getKey())) ledger.keep(e.getValue());
            }
        }
        List<String> netIn = configuration.getNetworkInputs();
        for (String name : topologicalOrder) {
            if (skipped.contains(name)) continue;
            GraphVertex v = vertices.get(name);
            if (v.isInputVertex()) {
                INDArray x = in[netIn.indexOf(name)];
                if (ledger != null) {
                    ledger.put(name, x);
                    ledger.keep(x);
                } else {
                    acts.put(name, x);
                }
                continue;
            }
            List<String> srcNames = configuration.getVertexInputs().get(name);
            INDArray[] src = new INDArray[srcNames.size()];
            for (int i = 0; i < src.length; i++) src[i] = acts.get(srcNames.get(i));
            INDArray out = v.doForward(src, training);
            if (ledger != null) {
                ledger.put(name, out);
                if (configuration.getNetworkOutputs().contains(name)) ledger.keep(out);
                if (!ledger.neededForBackward(name)) v.clear();
                for (String s : srcNames) {
                    if (remaining.merge(s, -1, Integer::sum) == 0 && !ledger.neededForBackward(s)) ledger.release(s);
                }
            } else {
                acts.put(name, out);
            }
            if (release) {
                v.clear();
                for (String s : srcNames) {
                    if (remaining.merge(s, -1, Integer::sum) == 0 && !configuration.getNetworkOutputs().contains(s)) acts.remove(s);
                }
            }
        }
        return acts;
    }

    private InferenceFusion inferenceFusion;
    private TrainingFusion trainingFusion;

    private List<Object> frozenPrefixKey;
    private FrozenPrefix frozenPrefix;

    /** The frozen part of a training pass with this reach and these inputs, planned once per both (null: none). */
    private synchronized FrozenPrefix frozenPrefix(Map<String, Boolean> reach, INDArray[] in) {
        List<Object> key = new ArrayList<>();
        for (String name : topologicalOrder) key.add(reach.get(name));
        for (INDArray a : in) key.add(a.rank());
        if (!key.equals(frozenPrefixKey)) {
            if (frozenPrefix != null) frozenPrefix.close();
            int[] ranks = new int[in.length];
            for (int i = 0; i < in.length; i++) ranks[i] = in[i].rank();
            frozenPrefix = FrozenPrefix.plan(configuration, topologicalOrder, vertices, reach, ranks);
            frozenPrefixKey = key;
        }
        return frozenPrefix;
    }

    /** The batch norm + activation pairs a training pass fuses, found once (the vertices do not change). */
    private synchronized TrainingFusion trainingFusion() {
        if (trainingFusion == null) trainingFusion = TrainingFusion.plan(configuration, vertices);
        return trainingFusion;
    }

    /**
     * The inference pass of this graph, planned once per input ranks. A plan replaced for other ranks is closed at
     * once: a thread still running it keeps its leased programs until its run ends (ProgramCache).
     */
    private synchronized InferenceFusion inferenceFusion(INDArray[] in) {
        if (inferenceFusion == null || !inferenceFusion.fits(in)) {
            if (inferenceFusion != null) inferenceFusion.close();
            int[] ranks = new int[in.length];
            for (int i = 0; i < in.length; i++) ranks[i] = in[i].rank();
            inferenceFusion = InferenceFusion.plan(configuration, topologicalOrder, vertices, ranks);
        }
        return inferenceFusion;
    }

    /** Activations of every vertex (inputs included) for a single-input network. */
    public Map<String, INDArray> feedForward(INDArray input, boolean train) { return feedForward(new INDArray[]{input}, train); }

    public Map<String, INDArray> feedForward(INDArray[] input, boolean train) {
        Map<String, INDArray> acts = forward(prepareInputs(input, "feedForward"), train, false);
        clearCaches();
        return acts;
    }

    /** Network outputs in inference mode. */
    public INDArray[] output(INDArray... input) { return output(false, input); }

    /** Network outputs; train enables dropout and batch statistics. */
    public INDArray[] output(boolean train, INDArray... input) {
        INDArray[] x = prepareInputs(input, "output");
        checkFinite(x, "output", "input", configuration.getNetworkInputs());
        Map<String, INDArray> acts = forward(x, train, !train);
        clearCaches();
        List<String> outs = configuration.getNetworkOutputs();
        INDArray[] res = new INDArray[outs.size()];
        for (int i = 0; i < res.length; i++) res[i] = acts.get(outs.get(i));
        return res;
    }

    /** The single output of a single-output network, inference mode. */
    public INDArray outputSingle(INDArray... input) { return outputSingle(false, input); }

    @Override
    public INDArray outputSingle(boolean train, INDArray... input) {
        if (getNumOutputArrays() != 1) {
            throw new IllegalArgumentException("outputSingle: network has " + getNumOutputArrays() + " outputs " + configuration.getNetworkOutputs());
        }
        return output(train, input)[0];
    }

    private void clearCaches() {
        synchronized (vertices) {
            for (GraphVertex v : vertices.values()) v.clear();
        }
    }

    // ---------------------------------------------------------------- loss and gradients

    private OutputLayer outputLayer(String name) {
        GraphVertex v = vertices.get(name);
        Layer l = v.hasLayer() ? v.getLayer() : null;
        while (l instanceof FrozenLayer) l = ((FrozenLayer) l).getInsideLayer();
        if (!(l instanceof OutputLayer)) {
            throw new IllegalArgumentException("network output '" + name + "' is not an output layer: no loss to compute");
        }
        return (OutputLayer) l;
    }

    private INDArray[] prepareLabels(INDArray[] lab, String what) {
        List<String> outs = configuration.getNetworkOutputs();
        if (lab == null || lab.length != outs.size()) {
            throw new IllegalArgumentException(what + ": network has " + outs.size() + " outputs " + outs + ", got " + (lab == null ? 0 : lab.length) + " label arrays");
        }
        INDArray[] out = new INDArray[lab.length];
        for (int i = 0; i < lab.length; i++) {
            if (lab[i] == null) throw new IllegalArgumentException(what + ": labels for output '" + outs.get(i) + "' are null");
            out[i] = lab[i].castTo(dataType);
        }
        return out;
    }

    private double scoreOutputs(INDArray[] lab) {
        double s = 0;
        List<String> outs = configuration.getNetworkOutputs();
        for (int i = 0; i < outs.size(); i++) {
            OutputLayer ol = outputLayer(outs.get(i));
            ol.setLabels(lab[i]);
            s += ol.computeScore();
        }
        return s;
    }

    /** p . p as a [1, n] x [n, 1] product on the backend, so only one number leaves a device. */
    private static double sumOfSquares(INDArray p) {
        INDArray row = p.reshape(1, p.length()), out = Nd4j.createUninitialized(p.dataType(), 1, 1);
        Nd4j.getBackend().gemm(row, false, row, true, out, 1.0, 0.0);
        double ss = out.getDoubleLinear(0);
        out.close();
        row.close();
        return ss;
    }

    /** 0.5 * l2 * sum(w^2) + l1 * sum|w| over the trainable layers. */
    private double l2Score() {
        double s = 0;
        for (Layer l : layers) {
            if (l.isFrozen()) continue;
            for (Map.Entry<String, INDArray> e : l.paramTable().entrySet()) {
                double c = l.layerConf().getL2ByParam(e.getKey()), c1 = l.layerConf().getL1ByParam(e.getKey());
                if (c > 0) s += 0.5 * c * sumOfSquares(e.getValue());
                if (c1 > 0) s += c1 * e.getValue().map(Math::abs, false).sumNumber().doubleValue();
            }
        }
        return s;
    }

    /** Sets inputs for {@link #computeGradientAndScore()}. */
    public void setInputs(INDArray... in) { this.inputs = in; }

    public void setLabels(INDArray... lab) { this.labels = lab; }

    public void setInput(int i, INDArray in) {
        if (inputs == null) inputs = new INDArray[getNumInputArrays()];
        inputs[i] = in;
    }

    /** Forward (training mode) and backward on the inputs and labels set; fills gradient() and score(). */
    public void computeGradientAndScore() { computeGradientAndScore(false); }

    /**
     * As {@link #computeGradientAndScore()}; with inputGradients, also the gradient of the score with respect to
     * each network input ({@link #getInputGradients()}).
     */
    public void computeGradientAndScore(boolean inputGradients) {
        if (inputs == null || labels == null) throw new IllegalStateException("computeGradientAndScore: set inputs and labels first");
        computeGradientAndScore(prepareInputs(inputs, "computeGradientAndScore"), prepareLabels(labels, "computeGradientAndScore"), inputGradients);
    }

    /** Gradients with respect to the network inputs from the last computeGradientAndScore(true). */
    public INDArray[] getInputGradients() { return inputGradients; }

    protected void computeGradientAndScore(INDArray[] in, INDArray[] lab, boolean wantInputGradients) {
        Map<String, Boolean> reach = new HashMap<>();
        for (String name : topologicalOrder) {
            GraphVertex v = vertices.get(name);
            if (v.isInputVertex()) { reach.put(name, wantInputGradients); continue; }
            if (v.isFrozen()) { reach.put(name, false); continue; }
            boolean r = false;
            if (v.hasLayer()) {
                org.pydl4j.nn.conf.layers.Layer lc = v.getLayer().layerConf();
                for (String k : lc.paramShapes().keySet()) if (lc.isTrainableParam(k)) r = true;
            }
            for (String src : configuration.getVertexInputs().get(name)) r |= reach.get(src);
            reach.put(name, r);
        }
        // a backward step reads its vertex's output and inputs: keep those of every vertex the backward pass visits
        Set<String> needed = new HashSet<>();
        for (String name : topologicalOrder) {
            if (!reach.get(name)) continue;
            needed.add(name);
            needed.addAll(configuration.getVertexInputs().getOrDefault(name, List.of()));
        }
        if (!listeners.isEmpty()) needed.addAll(topologicalOrder);   // onForwardPass sees every activation, as before
        ActivationLedger ledger = new ActivationLedger(needed);
        Map<String, INDArray> acts;
        double s;
        // listeners see every activation as the layers define it: no fusion for them
        try (TrainingFusion.Applied fused = listeners.isEmpty() && TrainingFusion.enabled()
                ? trainingFusion().apply(Nd4j.getBackend()) : TrainingFusion.Applied.NONE) {
            FrozenPrefix prefix = listeners.isEmpty() && InferenceFusion.enabled() ? frozenPrefix(reach, in) : null;
            synchronized (vertices) { acts = forwardLayerByLayer(in, true, false, ledger, prefix); }
            if (!listeners.isEmpty()) MemoryScope.outside(() -> { for (TrainingListener l : listeners) l.onForwardPass(this, acts); });
            s = scoreOutputs(lab);
            ensureTrainingState();
            Nd4j.getBackend().fill(flatGradients, 0);   // where the gradients live (a device, or the host)

            List<String> netIn = configuration.getNetworkInputs();
            inputGradients = new INDArray[netIn.size()];
            Map<String, INDArray> eps = new HashMap<>();
            for (int k = topologicalOrder.size() - 1; k >= 0; k--) {
                String name = topologicalOrder.get(k);
                backpropVertex(name, reach, eps, wantInputGradients);
                ledger.release(name);   // every consumer and the vertex itself are done with it
            }
        }
        for (Layer l : layers) {
            if (l.isFrozen()) continue;
            GradientNormalizer.apply(l);   // on the loss gradient, before regularization (as DL4J)
            for (Map.Entry<String, INDArray> p : l.paramTable().entrySet()) {
                double c = l.layerConf().getL2ByParam(p.getKey()), c1 = l.layerConf().getL1ByParam(p.getKey());
                if (c > 0) Nd4j.getBackend().axpy(c, p.getValue(), l.gradientTable().get(p.getKey()));
                if (c1 > 0) Nd4j.getBackend().axpy(c1, p.getValue().map(Math::signum, false), l.gradientTable().get(p.getKey()));
            }
        }
        score = s + l2Score();
        if (!listeners.isEmpty()) {
            MemoryScope.outside(() -> {
                for (TrainingListener l : listeners) l.onGradientCalculation(this);
                for (TrainingListener l : listeners) l.onBackwardPass(this);
            });
        }
    }

    /**
     * One vertex of the backward pass: takes its epsilon out of eps, adds the gradients for its inputs into eps.
     * Epsilons are closed once used (sums replace their terms), so the pass holds only the live ones.
     */
    private void backpropVertex(String name, Map<String, Boolean> reach, Map<String, INDArray> eps, boolean wantInputGradients) {
        GraphVertex v = vertices.get(name);
        if (v.isInputVertex()) {
            if (wantInputGradients) inputGradients[configuration.getNetworkInputs().indexOf(name)] = eps.get(name);
            return;
        }
        if (!reach.get(name)) return;
        INDArray e = eps.remove(name);
        if (e == null && !configuration.getNetworkOutputs().contains(name)) return;
        List<String> srcNames = configuration.getVertexInputs().get(name);
        boolean[] need = new boolean[srcNames.size()];
        for (int i = 0; i < need.length; i++) need[i] = reach.get(srcNames.get(i));
        INDArray[] g = v.doBackward(e, need);
        boolean passedOn = false;
        for (int i = 0; i < need.length; i++) {
            if (!need[i] || g[i] == null) continue;
            passedOn |= g[i] == e;
            eps.merge(srcNames.get(i), g[i], (a, b) -> {
                INDArray sum = Nd4j.getBackend().add(a, b);
                if (a != b) a.close();   // the same array twice (one gradient for two inputs): close it once
                b.close();
                return sum;
            });
        }
        if (e != null && !passedOn) e.close();
    }

    // ---------------------------------------------------------------- fitting

    /**
     * Rejects NaN and infinite values (one tight pass over each array), naming the array and the first bad position:
     * a NaN would otherwise spread silently (through training into every parameter; at inference ReLU and max
     * pooling turn it into plausible-looking probabilities).
     */
    private static void checkFinite(INDArray[] arrays, String what, String kind, List<String> names) {
        for (int i = 0; i < arrays.length; i++) {
            if (arrays[i] == null) continue;
            int bad = arrays[i].firstNonFinite();
            if (bad >= 0) {
                double v = arrays[i].getDoubleLinear(bad);
                throw new IllegalArgumentException(what + ": " + kind + " '" + names.get(i) + "' of shape " + Arrays.toString(arrays[i].shape())
                        + " holds " + v + " at " + Arrays.toString(arrays[i].ind2subC(bad)) + " (the first NaN or infinite value)");
            }
        }
    }

    /** One training step on a minibatch (single input, single output). */
    public void fit(DataSet ds) {
        if (ds.getLabels() == null) throw new IllegalArgumentException("fit: the DataSet has no labels");
        fit(new INDArray[]{ds.getFeatures()}, new INDArray[]{ds.getLabels()});
    }

    /** One training step on a minibatch. */
    public void fit(INDArray[] in, INDArray[] lab) {
        checkInit();
        // every array this step allocates (casts, activations, gradients, temporaries) goes back to the memory pool
        // when the step ends, so that training runs in constant memory
        try (MemoryScope step = MemoryScope.open()) {
            INDArray[] x = prepareInputs(in, "fit");
            INDArray[] y = prepareLabels(lab, "fit");
            checkFinite(x, "fit", "input features", configuration.getNetworkInputs());
            checkFinite(y, "fit", "labels", configuration.getNetworkOutputs());
            for (int i = 0; i < y.length; i++) {
                if (y[i].size(0) != x[0].size(0)) {
                    throw new IllegalArgumentException("fit: " + x[0].size(0) + " examples but " + y[i].size(0) + " label rows for output '"
                            + configuration.getNetworkOutputs().get(i) + "'");
                }
            }
            computeGradientAndScore(x, y, false);
            getUpdater().update(getIterationCount(), getEpochCount());
        } finally {
            clearCaches();   // no layer keeps a handle on the step's closed arrays
        }
        for (TrainingListener l : listeners) l.iterationDone(this, getIterationCount(), getEpochCount());
        configuration.setIterationCount(getIterationCount() + 1);
    }

    /** One epoch over the iterator (reset first when it is exhausted and resettable). */
    public void fit(DataSetIterator iterator) { fit(new org.pydl4j.nd.dataset.MultiDataSetIteratorAdapter(iterator)); }

    /** One training step on a multi-input / multi-output minibatch. */
    public void fit(org.pydl4j.nd.dataset.MultiDataSet mds) {
        if (mds.getLabels() == null) throw new IllegalArgumentException("fit: the MultiDataSet has no labels");
        fit(mds.getFeatures(), mds.getLabels());
    }

    /** One epoch over a MultiDataSetIterator (reset first when it is exhausted and resettable). */
    public void fit(org.pydl4j.nd.dataset.MultiDataSetIterator iterator) {
        checkInit();
        if (!iterator.hasNext() && iterator.resetSupported()) iterator.reset();
        for (TrainingListener l : listeners) l.onEpochStart(this);
        while (iterator.hasNext()) fit(iterator.next());
        for (TrainingListener l : listeners) l.onEpochEnd(this);
        configuration.setEpochCount(getEpochCount() + 1);
    }

    /** numEpochs epochs over a MultiDataSetIterator, resetting it before each. */
    public void fit(org.pydl4j.nd.dataset.MultiDataSetIterator iterator, int numEpochs) {
        if (numEpochs > 1 && !iterator.resetSupported()) throw new IllegalArgumentException("fit: " + numEpochs + " epochs need a resettable iterator");
        for (int e = 0; e < numEpochs; e++) {
            if (iterator.resetSupported()) iterator.reset();
            fit(iterator);
        }
    }

    /** numEpochs epochs, resetting the iterator before each. */
    public void fit(DataSetIterator iterator, int numEpochs) { fit(new org.pydl4j.nd.dataset.MultiDataSetIteratorAdapter(iterator), numEpochs); }

    /** Loss (averaged over examples) plus L2 on a data set, inference mode. */
    public double score(DataSet ds) { return score(ds, false); }

    public double score(DataSet ds, boolean training) {
        return score(new INDArray[]{ds.getFeatures()}, new INDArray[]{ds.getLabels()}, training);
    }

    /**
     * Loss plus L2 for given inputs and labels. In training mode dropout masks are those of the current iteration
     * (the same as computeGradientAndScore would use) and batch norm uses batch statistics.
     */
    public double score(INDArray[] features, INDArray[] labelArrays, boolean training) {
        checkInit();
        try (MemoryScope scope = MemoryScope.open()) {
            INDArray[] x = prepareInputs(features, "score");
            INDArray[] y = prepareLabels(labelArrays, "score");
            forward(x, training, false);
            return scoreOutputs(y) + l2Score();
        } finally {
            clearCaches();
        }
    }

    // ---------------------------------------------------------------- evaluation and saving

    /** Restores a graph saved by {@link #save} (or by DL4J). */
    public static ComputationGraph load(File file, boolean loadUpdater) throws IOException {
        return ModelSerializer.restoreComputationGraph(file, loadUpdater);
    }

    // ---------------------------------------------------------------- misc

    /** A deep copy: configuration, parameters, updater state and counters (not listeners). */
    @Override
    public ComputationGraph clone() {
        checkInit();
        ComputationGraph g = new ComputationGraph(configuration.clone());
        g.init(flatParams, true);
        g.getUpdater().setStateViewArray(getUpdater().getStateViewArray());
        return g;
    }

    /**
     * One row per vertex in topological order: name, type, sizes, parameter count and how its parameters train
     * (what {@link #summary} prints, as values: the training UI shows the same table).
     */
    public List<VertexSummary> vertexSummaries() {
        checkInit();
        List<VertexSummary> rows = new ArrayList<>();
        for (String name : topologicalOrder) {
            GraphVertex v = vertices.get(name);
            boolean isFrozen = v.isFrozen();
            InputType t = activationTypes.get(name);
            String output = "-";
            if (t != null) {
                long[] shape = t.getShape(1);
                StringBuilder sb = new StringBuilder();
                for (int d = 1; d < shape.length; d++) sb.append(d > 1 ? "x" : "").append(shape[d]);
                output = sb.toString();
            }
            if (v.isInputVertex()) {
                rows.add(new VertexSummary(name, "Input", t == null ? "-" : t.toString(), output, 0, 0, 0, false));
            } else if (v.hasLayer()) {
                org.pydl4j.nn.conf.layers.Layer lc = v.getLayer().layerConf();
                org.pydl4j.nn.conf.layers.Layer inner = lc instanceof org.pydl4j.nn.conf.layers.misc.FrozenLayer
                        ? ((org.pydl4j.nn.conf.layers.misc.FrozenLayer) lc).getLayer() : lc;
                long trainable = 0, frozen = 0, fixed = 0;
                for (Map.Entry<String, long[]> e : lc.paramShapes().entrySet()) {
                    long len = 1;
                    for (long d : e.getValue()) len *= d;
                    if (isFrozen) frozen += len; else if (lc.isTrainableParam(e.getKey())) trainable += len; else fixed += len;
                }
                rows.add(new VertexSummary(name, inner.getClass().getSimpleName(), lc.describeSizes(), output, trainable,
                        frozen, fixed, isFrozen));
            } else {
                rows.add(new VertexSummary(name, configuration.getVertices().get(name).toString(), "-", output, 0, 0, 0,
                        isFrozen));
            }
        }
        return rows;
    }

    /** A table of vertices: name, type, sizes, parameter count, frozen; with totals. */
    @Override
    public String summary() {
        String fmt = "%-24s %-28s %-44s %-12s %-6s%n";
        StringBuilder sb = new StringBuilder();
        String rule = "=".repeat(118) + "\n";
        sb.append(rule).append(String.format(fmt, "VertexName", "Type", "nIn -> nOut / geometry", "Params", "Frozen")).append(rule);
        long trainable = 0, frozen = 0, fixed = 0;
        for (VertexSummary row : vertexSummaries()) {
            sb.append(String.format(fmt, row.name(), row.type(), row.sizes(), row.params(), row.frozen() ? "yes" : "-"));
            trainable += row.trainableParams();
            frozen += row.frozenParams();
            fixed += row.fixedParams();
        }
        sb.append(rule);
        sb.append("Total parameters: ").append(trainable + frozen + fixed).append('\n');
        sb.append("Trainable parameters: ").append(trainable).append('\n');
        sb.append("Frozen parameters: ").append(frozen).append('\n');
        if (fixed > 0) sb.append("Non-trainable statistics (batch norm mean/var): ").append(fixed).append('\n');
        sb.append(rule);
        return sb.toString();
    }

    @Override
    public String toString() { return "ComputationGraph(" + (initCalled ? numParams() + " parameters" : "not initialized") + ")"; }
}
