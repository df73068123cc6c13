package org.pydl4j.nn.multilayer;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nn.api.Layer;
import org.pydl4j.nn.api.Model;
import org.pydl4j.nn.api.NeuralNetwork;
import org.pydl4j.nn.conf.MultiLayerConfiguration;
import org.pydl4j.nn.gradient.Gradient;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.listeners.TrainingListener;
import org.pydl4j.nn.updater.ComputationGraphUpdater;
import org.pydl4j.util.ModelSerializer;

/**
 * A stack of layers, as DL4J's MultiLayerNetwork. It runs on the same engine as a ComputationGraph: a linear graph
 * (see {@link MultiLayerConfiguration}) whose parameters, updater, memory handling and fused inference it uses.
 * Layers are addressed by index; parameter keys are {@code "<index>_<param>"} ("0_W", "0_b", ...) as in DL4J.
 */
public class MultiLayerNetwork implements NeuralNetwork {
    private final MultiLayerConfiguration conf;
    private final ComputationGraph graph;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private final Forwarder forwarder = new Forwarder();
    private List<String> names;

    public MultiLayerNetwork(MultiLayerConfiguration conf) {
        if (conf == null) throw new IllegalArgumentException("MultiLayerNetwork: configuration is null");
        this.conf = conf;
        this.graph = new ComputationGraph(conf.getGraphConfiguration());
    }

    /** A network initialized with the given parameters (used as its parameter array, as DL4J). */
    public MultiLayerNetwork(MultiLayerConfiguration conf, INDArray params) {
        this(conf);
        init(params, false);
    }

    @Override
    public void init() { init(null, false); }

    @Override
    public void init(INDArray parameters, boolean cloneParametersArray) {
        graph.init(parameters, cloneParametersArray);
        names = conf.layerNames();
        syncForwarder();
    }

    /**
     * The graph carries the forwarder only while this network has listeners: a graph with listeners keeps every
     * activation for onForwardPass and trains without its fused kernels (TrainingFusion, FrozenPrefix), so an
     * always-attached forwarder would cost every MultiLayerNetwork those. Listeners put on
     * {@link #asComputationGraph()} directly are kept.
     */
    private void syncForwarder() {
        List<TrainingListener> onGraph = new ArrayList<>(graph.getListeners());
        onGraph.remove(forwarder);
        if (!listeners.isEmpty()) onGraph.add(forwarder);
        graph.setListeners(onGraph);
    }

    /** Hands the graph's callbacks to this network's listeners with this network as the model. */
    private final class Forwarder implements TrainingListener {
        @Override public void iterationDone(Model m, int iteration, int epoch) { for (TrainingListener l : listeners) l.iterationDone(MultiLayerNetwork.this, iteration, epoch); }
        @Override public void onEpochStart(Model m) { for (TrainingListener l : listeners) l.onEpochStart(MultiLayerNetwork.this); }
        @Override public void onEpochEnd(Model m) { for (TrainingListener l : listeners) l.onEpochEnd(MultiLayerNetwork.this); }
        @Override public void onGradientCalculation(Model m) { for (TrainingListener l : listeners) l.onGradientCalculation(MultiLayerNetwork.this); }
        @Override public void onBackwardPass(Model m) { for (TrainingListener l : listeners) l.onBackwardPass(MultiLayerNetwork.this); }

        @Override
        public void onForwardPass(Model m, Map<String, INDArray> activations) {
            if (listeners.isEmpty()) return;
            List<INDArray> list = new ArrayList<>();
            list.add(activations.get(conf.inputName()));
            for (String n : names) list.add(activations.get(n));
            for (TrainingListener l : listeners) l.onForwardPass(MultiLayerNetwork.this, list);
        }
    }

    private void checkInit() {
        if (names == null) throw new IllegalStateException("MultiLayerNetwork: call init() first");
    }

    // ---------------------------------------------------------------- structure

    public MultiLayerConfiguration getLayerWiseConfigurations() { return conf; }

    public Layer getLayer(int i) {
        checkInit();
        if (i < 0 || i >= names.size()) throw new IllegalArgumentException("layer index " + i + " out of range: the network has " + names.size() + " layers");
        return graph.getLayer(names.get(i));
    }

    public Layer getLayer(String name) { return graph.getLayer(name); }

    public Layer[] getLayers() {
        checkInit();
        Layer[] out = new Layer[names.size()];
        for (int i = 0; i < out.length; i++) out[i] = graph.getLayer(names.get(i));
        return out;
    }

    public int getnLayers() { return conf.layerNames().size(); }

    public Layer getOutputLayer() { return getLayer(getnLayers() - 1); }

    /** Layer names in stack order (indices unless the layers were named). */
    public List<String> getLayerNames() {
        checkInit();
        return Collections.unmodifiableList(names);
    }

    /**
     * The linear ComputationGraph this network runs on; it shares this network's parameters, configuration and
     * counters (a view, unlike {@link #toComputationGraph()}).
     */
    public ComputationGraph asComputationGraph() { return graph; }

    /** An independent ComputationGraph with the same layers and a copy of the parameters, as DL4J's toComputationGraph. */
    public ComputationGraph toComputationGraph() { return graph.clone(); }

    // ---------------------------------------------------------------- parameters

    @Override public INDArray params() { return graph.params(); }
    @Override public long numParams() { return graph.numParams(); }
    @Override public void setParams(INDArray params) { graph.setParams(params); }

    /** Parameters by "index_key" ("0_W", "0_b", ...), live views. */
    public Map<String, INDArray> paramTable() {
        checkInit();
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            for (Map.Entry<String, INDArray> e : graph.getLayer(names.get(i)).paramTable().entrySet()) m.put(i + "_" + e.getKey(), e.getValue());
        }
        return m;
    }

    /** One parameter by "index_key", e.g. "0_W" (a live view). */
    public INDArray getParam(String key) {
        INDArray p = paramTable().get(key);
        if (p == null) throw new IllegalArgumentException("no parameter '" + key + "' (parameters: " + paramTable().keySet() + ")");
        return p;
    }

    @Override public DataType getDataType() { return graph.getDataType(); }
    @Override public ComputationGraphUpdater getUpdater() { return graph.getUpdater(); }
    public Gradient gradient() { return graph.gradient(); }

    // ---------------------------------------------------------------- counters and listeners

    @Override public int getIterationCount() { return graph.getIterationCount(); }
    @Override public int getEpochCount() { return graph.getEpochCount(); }
    @Override public void setIterationCount(int n) { graph.setIterationCount(n); }
    @Override public void setEpochCount(int n) { graph.setEpochCount(n); }

    @Override
    public void setListeners(TrainingListener... ls) {
        listeners.clear();
        addListeners(ls);
    }

    public void setListeners(Collection<? extends TrainingListener> ls) {
        listeners.clear();
        for (TrainingListener l : ls) if (l != null) listeners.add(l);
        syncForwarder();
    }

    @Override
    public void addListeners(TrainingListener... ls) {
        for (TrainingListener l : ls) if (l != null) listeners.add(l);
        syncForwarder();
    }

    @Override public List<TrainingListener> getListeners() { return Collections.unmodifiableList(listeners); }

    // ---------------------------------------------------------------- training and inference

    @Override
    public void fit(DataSet ds) {
        checkInit();
        graph.fit(ds);
    }

    /** One training step on features and labels. */
    public void fit(INDArray features, INDArray labels) {
        checkInit();
        graph.fit(new INDArray[]{features}, new INDArray[]{labels});
    }

    @Override
    public void fit(DataSetIterator iterator) {
        checkInit();
        graph.fit(iterator);
    }

    @Override
    public void fit(DataSetIterator iterator, int numEpochs) {
        checkInit();
        graph.fit(iterator, numEpochs);
    }

    /** Sets the input for {@link #computeGradientAndScore()}. */
    public void setInput(INDArray input) { graph.setInputs(input); }

    public void setLabels(INDArray labels) { graph.setLabels(labels); }

    /** Forward (training mode) and backward on the input and labels set; fills {@link #gradient()} and {@link #score()}. */
    public void computeGradientAndScore() {
        checkInit();
        graph.computeGradientAndScore();
    }

    /** The network output in inference mode. */
    public INDArray output(INDArray input) { return output(input, false); }

    /** The output for one input array (a stack has one input and one output), as ComputationGraph's outputSingle. */
    @Override
    public INDArray outputSingle(boolean train, INDArray... input) {
        checkInit();
        return graph.outputSingle(train, input);
    }

    /** The network output; train enables dropout and batch statistics. */
    public INDArray output(INDArray input, boolean train) { return outputSingle(train, input); }

    /** The outputs for every batch of an iterator (reset first when it can be), stacked; inference mode. */
    public INDArray output(DataSetIterator iterator) { return output(iterator, false); }

    public INDArray output(DataSetIterator iterator, boolean train) {
        checkInit();
        if (iterator.resetSupported()) iterator.reset();
        List<INDArray> outs = new ArrayList<>();
        while (iterator.hasNext()) outs.add(output(iterator.next().getFeatures(), train));
        if (outs.isEmpty()) throw new IllegalArgumentException("output: the iterator has no data");
        return outs.size() == 1 ? outs.get(0) : org.pydl4j.nd.Nd4j.vstack(outs.toArray(new INDArray[0]));
    }

    /** The index of the largest output per example. */
    public int[] predict(INDArray input) {
        INDArray out = output(input, false);
        int[] res = new int[(int) out.size(0)];
        for (int i = 0; i < res.length; i++) {
            int best = 0;
            for (int j = 1; j < out.size(1); j++) if (out.getDouble(i, j) > out.getDouble(i, best)) best = j;
            res[i] = best;
        }
        return res;
    }

    /** The input followed by every layer's activations (inference mode unless train). */
    public List<INDArray> feedForward(INDArray input, boolean train) {
        checkInit();
        Map<String, INDArray> acts = graph.feedForward(input, train);
        List<INDArray> out = new ArrayList<>();
        out.add(acts.get(conf.inputName()));
        for (String n : names) out.add(acts.get(n));
        return out;
    }

    public List<INDArray> feedForward(INDArray input) { return feedForward(input, false); }

    @Override public double score() { return graph.score(); }

    /** Loss plus regularization on a data set, inference mode. */
    public double score(DataSet ds) { return score(ds, false); }

    public double score(DataSet ds, boolean training) {
        checkInit();
        return graph.score(ds, training);
    }

    // ---------------------------------------------------------------- evaluation, summary, saving

    @Override
    public String summary() {
        checkInit();
        return graph.summary();
    }

    public static MultiLayerNetwork load(File file, boolean loadUpdater) throws IOException {
        return ModelSerializer.restoreMultiLayerNetwork(file, loadUpdater);
    }

    /** A deep copy: configuration, parameters, updater state and counters (not listeners). */
    @Override
    public MultiLayerNetwork clone() {
        checkInit();
        MultiLayerNetwork n = new MultiLayerNetwork(conf.clone());
        n.init(graph.paramsView(), true);
        n.getUpdater().setStateViewArray(getUpdater().getStateViewArray());
        return n;
    }

    @Override
    public String toString() { return "MultiLayerNetwork(" + (names != null ? numParams() + " parameters" : "not initialized") + ")"; }
}
