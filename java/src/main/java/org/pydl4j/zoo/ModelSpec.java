package org.pydl4j.zoo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One zoo model's table, as timm keeps one per model: input shape, preprocessing, the vertex names a transfer
 * job needs, and where pretrained weights come from. Python reads the same table through the bridge, so both
 * sides preprocess and name things identically.
 */
public final class ModelSpec {
    public final String name;
    /** [channels, height, width]. */
    public final int[] inputShape;
    /** Per-channel RGB mean and std applied to pixels in [0, 255]: (x - mean) / std. */
    public final double[] mean, std;
    /** How images are brought to the input size: "stretch" (bilinear resize of the whole image). */
    public final String resize;
    public final String inputName;
    /** Default frozen boundary for transfer learning (its output is the feature vector). */
    public final String featureVertex;
    /** The classifier vertex a transfer job replaces. */
    public final String outputVertex;
    public final int numClasses;
    private final Map<PretrainedType, List<WeightSource>> weights;
    /** What a user can do when no weights are available: named in every "unavailable" error. */
    public final String importHint;

    public ModelSpec(String name, int[] inputShape, double[] mean, double[] std, String resize, String inputName,
                     String featureVertex, String outputVertex, int numClasses,
                     Map<PretrainedType, List<WeightSource>> weights, String importHint) {
        this.name = name;
        this.inputShape = inputShape.clone();
        this.mean = mean.clone();
        this.std = std.clone();
        this.resize = resize;
        this.inputName = inputName;
        this.featureVertex = featureVertex;
        this.outputVertex = outputVertex;
        this.numClasses = numClasses;
        this.weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        this.importHint = importHint;
    }

    /** Weight sources for a data set, preferred first; empty when there are none. */
    public List<WeightSource> weights(PretrainedType type) { return weights.getOrDefault(type, List.of()); }

    public Map<PretrainedType, List<WeightSource>> allWeights() { return weights; }
}
