package org.pydl4j.zoo.model;

import java.util.List;
import java.util.Map;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.learning.config.IUpdater;
import org.pydl4j.nd.learning.config.Nesterovs;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.graph.PreprocessorVertex;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.conf.layers.SubsamplingLayer;
import org.pydl4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.pydl4j.nn.weights.WeightInit;
import org.pydl4j.zoo.Checksum;
import org.pydl4j.zoo.ModelSpec;
import org.pydl4j.zoo.PretrainedType;
import org.pydl4j.zoo.WeightSource;
import org.pydl4j.zoo.ZooModel;

/**
 * The VGG family, built from a table of convolution widths per block. Vertex names are those of DL4J's pretrained
 * (Keras-imported) VGG zips — input_1, block1_conv1 ... block5_pool, flatten, fc1, fc2, predictions — so DL4J
 * transfer-learning code runs unchanged. Without the top the graph ends at block5_pool (Keras' "notop").
 */
public abstract class Vgg extends ZooModel {
    static final String DL4J_MODELS = "https://dl4jdata.blob.core.windows.net/models/";
    static final String KERAS_MODELS = "https://storage.googleapis.com/tensorflow/keras-applications/";
    /** DL4J's VGG16ImagePreProcessor: RGB means subtracted, no scaling. */
    static final double[] MEAN = {123.68, 116.779, 103.939};
    static final double[] STD = {1, 1, 1};

    protected int numClasses = 1000;
    protected long seed = 1234;
    protected int[] inputShape = {3, 224, 224};
    protected IUpdater updater = new Nesterovs(1e-2, 0.9);
    protected boolean includeTop = true;

    private final String family;
    private final int[][] blocks;
    private final long dl4jZipAdler32;
    private final String kerasMd5, kerasNotopMd5;

    /**
     * @param family         lower-case family name, "vgg16" or "vgg19": names the weight files
     * @param blocks         output channels of each convolution, block by block
     * @param dl4jZipAdler32 Adler-32 of DL4J's {@code <family>_dl4j_inference.zip}
     * @param kerasMd5       MD5 of Keras' {@code <family>_weights_tf_dim_ordering_tf_kernels.h5}
     * @param kerasNotopMd5  MD5 of the same file without top ({@code ..._notop.h5})
     */
    protected Vgg(String family, int[][] blocks, long dl4jZipAdler32, String kerasMd5, String kerasNotopMd5) {
        this.family = family;
        this.blocks = blocks;
        this.dl4jZipAdler32 = dl4jZipAdler32;
        this.kerasMd5 = kerasMd5;
        this.kerasNotopMd5 = kerasNotopMd5;
    }

    /** Output channels of each convolution, block by block. */
    protected final int[][] blocks() { return blocks; }

    /** Lower-case family name, "vgg16" or "vgg19". */
    protected final String family() { return family; }

    /** Keras' weight file name, with or without top. */
    private String kerasFile(boolean top) {
        return family + "_weights_tf_dim_ordering_tf_kernels" + (top ? "" : "_notop") + ".h5";
    }

    /** Weight sources of the full model (with top): DL4J's zip, a converted .safetensors, Keras' .h5. */
    protected List<WeightSource> topWeights() {
        String zip = family + "_dl4j_inference.zip";
        return List.of(
                new WeightSource(zip, DL4J_MODELS + zip, Checksum.adler32(dl4jZipAdler32), WeightSource.Format.DL4J_ZIP),
                converted(family),
                keras(family, kerasFile(true), kerasMd5));
    }

    /** Weight sources of the model without top: a converted .safetensors, Keras' notop .h5. */
    protected List<WeightSource> notopWeights() {
        return List.of(converted(family + "_notop"), keras(family, kerasFile(false), kerasNotopMd5));
    }

    @Override
    public ModelSpec spec() {
        String name = includeTop ? family : family + "_notop";
        String hint = "Alternatives: put a DL4J zip or a converted .safetensors into the cache directory, or import "
                + "Keras weights with `pydl4j-transfer import-weights " + name + " --file " + kerasFile(includeTop)
                + "` (Python).";
        return new ModelSpec(name, inputShape, MEAN, STD, "stretch", "input_1", includeTop ? "fc2" : "block5_pool",
                includeTop ? "predictions" : null, numClasses,
                Map.of(PretrainedType.IMAGENET, includeTop ? topWeights() : notopWeights()), hint);
    }

    static WeightSource converted(String name) {
        return new WeightSource(name + "_imagenet.safetensors", null, null, WeightSource.Format.SAFETENSORS);
    }

    static WeightSource keras(String family, String file, String md5) {
        return new WeightSource(file, KERAS_MODELS + family + "/" + file, Checksum.md5(md5), WeightSource.Format.KERAS_H5);
    }

    @Override
    public ComputationGraphConfiguration conf() {
        int c = inputShape[0], h = inputShape[1], w = inputShape[2];
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater)
                .activation(Activation.RELU)
                .weightInit(WeightInit.RELU)
                .graphBuilder()
                .addInputs("input_1");
        String last = "input_1";
        for (int b = 0; b < blocks.length; b++) {
            for (int i = 0; i < blocks[b].length; i++) {
                String name = "block" + (b + 1) + "_conv" + (i + 1);
                g.addLayer(name, new ConvolutionLayer.Builder(3, 3).stride(1, 1).padding(1, 1)
                        .nOut(blocks[b][i]).activation(Activation.RELU).build(), last);
                last = name;
            }
            String pool = "block" + (b + 1) + "_pool";
            g.addLayer(pool, new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                    .kernelSize(2, 2).stride(2, 2).build(), last);
            last = pool;
        }
        if (includeTop) {
            int fh = h >> blocks.length, fw = w >> blocks.length, fc = blocks[blocks.length - 1][0];
            g.addVertex("flatten", new PreprocessorVertex(new CnnToFeedForwardPreProcessor(fh, fw, fc)), last);
            g.addLayer("fc1", new DenseLayer.Builder().nIn((long) fh * fw * fc).nOut(4096).activation(Activation.RELU).build(), "flatten");
            g.addLayer("fc2", new DenseLayer.Builder().nOut(4096).activation(Activation.RELU).build(), "fc1");
            g.addLayer("predictions", new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD)
                    .nOut(numClasses).activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "fc2");
            last = "predictions";
        }
        return g.setOutputs(last).setInputTypes(InputType.convolutional(h, w, c)).build();
    }

    /** Builder settings shared by VGG16 and VGG19, as DL4J's zoo builders. */
    @SuppressWarnings("unchecked")
    public abstract static class Builder<M extends Vgg, B extends Builder<M, B>> {
        protected final M model;

        protected Builder(M model) { this.model = model; }

        public B numClasses(int n) { model.numClasses = n; return (B) this; }
        public B seed(long s) { model.seed = s; return (B) this; }
        public B inputShape(int[] chw) {
            if (chw.length != 3 || chw[1] % 32 != 0 || chw[2] % 32 != 0) {
                throw new IllegalArgumentException("VGG input shape must be {channels, height, width} with sizes divisible by 32");
            }
            model.inputShape = chw.clone();
            return (B) this;
        }
        public B updater(IUpdater u) { model.updater = u; return (B) this; }
        /** False gives the convolutional part only (ends at block5_pool), for "notop" weight files. */
        public B includeTop(boolean top) { model.includeTop = top; return (B) this; }
        public M build() { return model; }
    }
}
