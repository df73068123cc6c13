package org.pydl4j.zoo.model;

import java.util.List;
import java.util.Map;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.learning.config.IUpdater;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.layers.ActivationLayer;
import org.pydl4j.nn.conf.layers.BatchNormalization;
import org.pydl4j.nn.conf.layers.GlobalPoolingLayer;
import org.pydl4j.nn.conf.layers.Layer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.conf.layers.PoolingType;
import org.pydl4j.nn.weights.WeightInit;
import org.pydl4j.zoo.Checksum;
import org.pydl4j.zoo.ModelSpec;
import org.pydl4j.zoo.PretrainedType;
import org.pydl4j.zoo.WeightSource;
import org.pydl4j.zoo.ZooModel;

/**
 * A model of Keras Applications with Keras' layer names, so Keras {@code .h5} weights (what users have) map by
 * name: its weight sources (a converted {@code .safetensors} in the cache, else Keras' file, converted by
 * {@code pydl4j-transfer import-weights}), the builder settings shared by the Keras models, and the layer helpers.
 */
public abstract class KerasApplication extends ZooModel {
    static final String KERAS_MODELS = "https://storage.googleapis.com/tensorflow/keras-applications/";

    protected int numClasses = 1000;
    protected long seed = 1234;
    protected int[] inputShape = {3, 224, 224};
    protected IUpdater updater = new Adam(1e-3);
    protected boolean includeTop = true;

    /** Lower-case model name ("resnet50"); "_notop" is appended without the top. */
    protected abstract String family();

    /** Keras' weight file: folder under keras-applications/, file name and its MD5 (null where Keras pins none). */
    protected abstract String[] kerasFile(boolean top);

    /** The pooled feature vertex (the default frozen boundary). */
    protected abstract String featureVertex();

    protected abstract double[] mean();

    protected abstract double[] std();

    /** What the spec's importHint adds about preprocessing or checksums. */
    protected String note() { return ""; }

    public String name() { return includeTop ? family() : family() + "_notop"; }

    @Override
    public ModelSpec spec() {
        String[] k = kerasFile(includeTop);
        WeightSource converted = new WeightSource(name() + "_imagenet.safetensors", null, null, WeightSource.Format.SAFETENSORS);
        WeightSource keras = new WeightSource(k[1], KERAS_MODELS + k[0] + "/" + k[1], k[2] == null ? null : Checksum.md5(k[2]),
                WeightSource.Format.KERAS_H5);
        String hint = "Import Keras weights with `pydl4j-transfer import-weights " + name() + " --file " + k[1]
                + "` (Python), or put a converted .safetensors into the cache directory." + note();
        return new ModelSpec(name(), inputShape, mean(), std(), "stretch", "input_1", featureVertex(),
                includeTop ? "predictions" : null, numClasses, Map.of(PretrainedType.IMAGENET, List.of(converted, keras)), hint);
    }

    /** The builder with the network defaults (identity activation unless a layer says otherwise). */
    protected ComputationGraphConfiguration.GraphBuilder graphBuilder() {
        return new NeuralNetConfiguration.Builder().seed(seed).updater(updater).weightInit(WeightInit.RELU)
                .activation(Activation.IDENTITY).graphBuilder().addInputs("input_1");
    }

    static String bn(ComputationGraphConfiguration.GraphBuilder g, String name, String in, double eps) {
        g.addLayer(name, new BatchNormalization.Builder().eps(eps).build(), in);
        return name;
    }

    static String act(ComputationGraphConfiguration.GraphBuilder g, String name, String in, Activation f) {
        g.addLayer(name, new ActivationLayer.Builder().activation(f).build(), in);
        return name;
    }

    static String layer(ComputationGraphConfiguration.GraphBuilder g, String name, String in, Layer l) {
        g.addLayer(name, l, in);
        return name;
    }

    /** Keras' top: global average pooling named {@code pool}, then the softmax classifier "predictions". */
    protected String top(ComputationGraphConfiguration.GraphBuilder g, String pool, String in, long channels) {
        g.addLayer(pool, new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), in);
        if (!includeTop) return pool;
        g.addLayer("predictions", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(channels).nOut(numClasses)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), pool);
        return "predictions";
    }

    /** Builder settings shared by the Keras models, as DL4J's zoo builders. */
    @SuppressWarnings("unchecked")
    public abstract static class Builder<M extends KerasApplication, B extends Builder<M, B>> {
        protected final M model;

        protected Builder(M model) { this.model = model; }

        public B numClasses(int n) { model.numClasses = n; return (B) this; }
        public B seed(long s) { model.seed = s; return (B) this; }
        public B updater(IUpdater u) { model.updater = u; return (B) this; }
        /** {channels, height, width}; channels must be 3, sizes at least 32. */
        public B inputShape(int[] chw) {
            if (chw.length != 3 || chw[0] != 3 || chw[1] < 32 || chw[2] < 32) {
                throw new IllegalArgumentException("input shape must be {3, height, width} with sizes >= 32, got " + java.util.Arrays.toString(chw));
            }
            model.inputShape = chw.clone();
            return (B) this;
        }
        /** False ends at the pooled features (Keras' "notop" weights with pooling="avg"). */
        public B includeTop(boolean top) { model.includeTop = top; return (B) this; }
        public M build() { return model; }
    }
}
