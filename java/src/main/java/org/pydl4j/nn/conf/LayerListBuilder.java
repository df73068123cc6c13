package org.pydl4j.nn.conf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.Layer;

/**
 * Collects the layers of a stack, as DL4J's {@code NeuralNetConfiguration.ListBuilder} (the user-facing type; this is
 * its body). {@link #build()} makes the linear graph configuration: input, then each layer fed by the one before,
 * with nIn inference and preprocessors from {@link #setInputType} exactly as a ComputationGraph's setInputTypes.
 */
public abstract class LayerListBuilder<T extends LayerListBuilder<T>> {
    private final NeuralNetConfiguration.Builder global;
    private final TreeMap<Integer, Layer> layers = new TreeMap<>();
    private final Map<Integer, InputPreProcessor> preProcessors = new LinkedHashMap<>();
    private InputType inputType;

    protected LayerListBuilder(NeuralNetConfiguration.Builder global) { this.global = global; }

    @SuppressWarnings("unchecked")
    private T self() { return (T) this; }

    /** Sets the layer at an index (indices must end up 0..n-1 without gaps). */
    public T layer(int index, Layer layer) {
        if (index < 0) throw new IllegalArgumentException("layer index must be >= 0, got " + index);
        if (layer == null) throw new IllegalArgumentException("layer " + index + " is null");
        layers.put(index, layer.clone());
        return self();
    }

    /** Appends a layer. */
    public T layer(Layer layer) { return layer(layers.isEmpty() ? 0 : layers.lastKey() + 1, layer); }

    /** The type of the network input: infers every nIn and adds the preprocessors the layers need. */
    public T setInputType(InputType inputType) { this.inputType = inputType; return self(); }

    public T inputPreProcessor(Integer layer, InputPreProcessor processor) {
        if (layer == null || layer < 0) throw new IllegalArgumentException("inputPreProcessor: layer index must be >= 0, got " + layer);
        preProcessors.put(layer, processor == null ? null : processor.clone());
        return self();
    }

    public T inputPreProcessors(Map<Integer, InputPreProcessor> processors) {
        preProcessors.clear();
        for (Map.Entry<Integer, InputPreProcessor> e : processors.entrySet()) inputPreProcessor(e.getKey(), e.getValue());
        return self();
    }

    /** Accepted for old DL4J code ({@code .backprop(true)}); training is always by backpropagation here. */
    public T backprop(boolean backprop) {
        if (!backprop) throw new UnsupportedOperationException("backprop(false): networks here always train by backpropagation");
        return self();
    }

    /** Standard only: there are no recurrent layers here, so no truncated BPTT. */
    public T backpropType(BackpropType type) {
        if (type != BackpropType.Standard) throw new UnsupportedOperationException("backpropType(" + type + "): only Standard is supported");
        return self();
    }

    /** Accepted for old DL4J code ({@code .pretrain(false)}); layer-wise pretraining does not exist here. */
    public T pretrain(boolean pretrain) {
        if (pretrain) throw new UnsupportedOperationException("pretrain(true): layer-wise unsupervised pretraining is not supported");
        return self();
    }

    /** Accepted: the output layer's loss/activation pairing is not checked here either way. */
    public T validateOutputLayerConfig(boolean validate) { return self(); }

    /** The layers set so far, by index (copies). */
    public Map<Integer, Layer> getLayerwise() { return new TreeMap<>(layers); }

    public MultiLayerConfiguration build() {
        if (layers.isEmpty()) throw new IllegalArgumentException("list(): no layers given");
        List<String> names = new ArrayList<>();
        for (int i = 0; i <= layers.lastKey(); i++) {
            Layer l = layers.get(i);
            if (l == null) throw new IllegalArgumentException("list(): layer " + i + " is not set (layers given: " + layers.keySet() + ")");
            names.add(MultiLayerConfiguration.layerName(l, i));
        }
        for (Integer i : preProcessors.keySet()) {
            if (i >= names.size()) throw new IllegalArgumentException("inputPreProcessor for layer " + i + ", but the network has " + names.size() + " layers");
        }
        String input = "input";
        while (names.contains(input)) input = "_" + input;
        ComputationGraphConfiguration.GraphBuilder gb = global.graphBuilder().addInputs(input);
        String prev = input;
        for (int i = 0; i < names.size(); i++) {
            gb.addLayer(names.get(i), layers.get(i), preProcessors.get(i), prev);
            prev = names.get(i);
        }
        gb.setOutputs(prev);
        if (inputType != null) gb.setInputTypes(inputType);
        return new MultiLayerConfiguration(gb.build());
    }
}
