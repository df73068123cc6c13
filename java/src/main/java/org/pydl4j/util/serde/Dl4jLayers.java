package org.pydl4j.util.serde;

import java.util.List;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nn.conf.formats.Dl4jLayerCodec;
import org.pydl4j.nn.conf.formats.Dl4jLayerReader;
import org.pydl4j.nn.conf.formats.Dl4jLayerWriter;
import org.pydl4j.nn.conf.formats.Dl4jParamLayout;
import org.pydl4j.nn.conf.layers.ActivationLayer;
import org.pydl4j.nn.conf.layers.BatchNormalization;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.DepthwiseConvolution2D;
import org.pydl4j.nn.conf.layers.DropoutLayer;
import org.pydl4j.nn.conf.layers.GlobalPoolingLayer;
import org.pydl4j.nn.conf.layers.Layer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.conf.layers.PoolingType;
import org.pydl4j.nn.conf.layers.SubsamplingLayer;
import org.pydl4j.nn.conf.layers.ZeroPaddingLayer;
import org.pydl4j.nn.conf.ConvolutionMode;

/** The DL4J codecs of the built-in layer kinds (registered in {@link Dl4jFormat}). */
final class Dl4jLayers {
    private Dl4jLayers() {}

    /** A codec from its parts. */
    record Codec<C extends Layer>(String dl4jClass, List<String> legacyNames, Dl4jParamLayout paramLayout,
                                          java.util.function.Function<Dl4jLayerReader, C> reader,
                                          java.util.function.BiConsumer<C, Dl4jLayerWriter> writer) implements Dl4jLayerCodec<C> {
        @Override
        public C read(Dl4jLayerReader in) { return reader.apply(in); }

        @Override
        public void write(C layer, Dl4jLayerWriter out) { writer.accept(layer, out); }
    }

    static final Dl4jLayerCodec<ConvolutionLayer> CONVOLUTION = new Codec<>("ConvolutionLayer", List.of("convolution"), Dl4jParamLayout.CONVOLUTION,
            in -> {
                ConvolutionLayer.Builder b = new ConvolutionLayer.Builder();
                in.convolution(b);
                return in.base(b).build();
            },
            (l, out) -> {
                out.base(l);
                out.convolution(l);
            });

    static final Dl4jLayerCodec<DepthwiseConvolution2D> DEPTHWISE_CONVOLUTION = new Codec<>("DepthwiseConvolution2D", List.of(),
            Dl4jParamLayout.DEPTHWISE_CONVOLUTION,
            in -> {
                DepthwiseConvolution2D.Builder b = new DepthwiseConvolution2D.Builder();
                in.convolution(b);
                b.depthMultiplier((int) in.asLong("depthMultiplier", 1));
                return in.base(b).build();
            },
            (l, out) -> {
                out.base(l);
                out.convolution(l);
                out.put("depthMultiplier", l.getDepthMultiplier());
            });

    static final Dl4jLayerCodec<DenseLayer> DENSE = new Codec<>("DenseLayer", List.of("dense"), Dl4jParamLayout.DENSE,
            in -> {
                DenseLayer.Builder b = new DenseLayer.Builder();
                b.hasBias(in.asBool("hasBias", true));
                if (in.asBool("hasLayerNorm", false)) throw in.unsupported("hasLayerNorm");
                return in.base(b).build();
            },
            (l, out) -> {
                out.base(l);
                out.put("hasBias", l.hasBias());
            });

    static final Dl4jLayerCodec<OutputLayer> OUTPUT = new Codec<>("OutputLayer", List.of("output"), Dl4jParamLayout.DENSE,
            in -> {
                OutputLayer.Builder b = new OutputLayer.Builder(in.loss());
                b.hasBias(in.asBool("hasBias", true));
                return in.base(b).build();
            },
            (l, out) -> {
                out.base(l);
                out.put("hasBias", l.hasBias());
                out.put("lossFn", out.loss(l.getLossFunction()));
            });

    static final Dl4jLayerCodec<SubsamplingLayer> SUBSAMPLING = new Codec<>("SubsamplingLayer", List.of("subsampling"), Dl4jParamLayout.SAME,
            in -> {
                String pt = String.valueOf(in.get("poolingType"));
                SubsamplingLayer.Builder b = new SubsamplingLayer.Builder();
                if (pt.equals("MAX")) b.poolingType(SubsamplingLayer.PoolingType.MAX);
                else if (pt.equals("AVG")) b.poolingType(SubsamplingLayer.PoolingType.AVG);
                else throw in.unsupported("poolingType " + pt);
                int[] padding = in.ints("padding", 0, 0);
                b.kernelSize(in.ints("kernelSize", 1, 1)).stride(in.ints("stride", 2, 2)).padding(padding);
                int[] dil = in.ints("dilation", 1, 1);
                if (dil[0] != 1 || dil[1] != 1) throw in.unsupported("dilation");
                ConvolutionMode mode = in.convolutionMode();
                if (mode != null) b.convolutionMode(mode);
                if (pt.equals("AVG") && in.asBool("avgPoolIncludePadInDivisor", false)
                        && (mode == ConvolutionMode.Same || padding[0] > 0 || padding[1] > 0)) {
                    throw in.unsupported("avgPoolIncludePadInDivisor with padding");
                }
                return in.common(b).build();
            },
            (l, out) -> {
                out.put("poolingType", l.getPoolingType().name());
                out.put("kernelSize", out.ints(l.getKernelSize()));
                out.put("stride", out.ints(l.getStride()));
                out.put("padding", out.ints(l.getPadding()));
                out.put("convolutionMode", l.getConvolutionMode() == null ? null : l.getConvolutionMode().name());
                out.put("avgPoolIncludePadInDivisor", false);
            });

    static final Dl4jLayerCodec<BatchNormalization> BATCH_NORMALIZATION = new Codec<>("BatchNormalization", List.of("batchNormalization"),
            Dl4jParamLayout.BATCH_NORMALIZATION,
            in -> {
                BatchNormalization.Builder b = new BatchNormalization.Builder();
                b.eps(in.asDouble("eps", 1e-5)).decay(in.asDouble("decay", 0.9));
                boolean lock = in.asBool("lockGammaBeta", false);
                in.note("lockGammaBeta", lock);
                in.note("useLogStd", in.asBool("useLogStd", false));
                if (lock) {
                    double gamma = in.asDouble("gamma", 1), beta = in.asDouble("beta", 0);
                    in.note("gamma", gamma);
                    in.note("beta", beta);
                    b.gamma(gamma).beta(beta);
                }
                return in.base(b).build();
            },
            (l, out) -> {
                out.base(l);
                out.put("decay", l.getDecay());
                out.put("eps", l.getEps());
                out.put("gamma", l.getGammaInit());
                out.put("beta", l.getBetaInit());
                out.put("lockGammaBeta", false);
                out.put("useLogStd", false);
            });

    static final Dl4jLayerCodec<ActivationLayer> ACTIVATION = new Codec<>("ActivationLayer", List.of("activation"), Dl4jParamLayout.SAME,
            in -> {
                ActivationSpec a = in.activation();
                return in.common(new ActivationLayer.Builder().activation(a == null ? ActivationSpec.of(Activation.IDENTITY) : a)).build();
            },
            (l, out) -> out.put("activationFn", out.activation(l.getActivationSpec())));

    static final Dl4jLayerCodec<DropoutLayer> DROPOUT = new Codec<>("DropoutLayer", List.of("dropout"), Dl4jParamLayout.SAME,
            in -> {
                Double p = in.dropout();
                return new DropoutLayer.Builder(p == null ? 1.0 : p).name(in.vertex()).build();
            },
            (l, out) -> { });

    static final Dl4jLayerCodec<GlobalPoolingLayer> GLOBAL_POOLING = new Codec<>("GlobalPoolingLayer", List.of("GlobalPooling"), Dl4jParamLayout.SAME,
            in -> {
                String pt = String.valueOf(in.get("poolingType"));
                PoolingType p;
                try {
                    p = PoolingType.valueOf(pt);
                } catch (IllegalArgumentException e) {
                    throw in.unsupported("poolingType " + pt);
                }
                if (!in.asBool("collapseDimensions", true)) throw in.unsupported("collapseDimensions=false");
                if (in.get("poolingDimensions") != null) {
                    int[] dims = in.ints("poolingDimensions", 2, 3);
                    if (dims[0] != 2 || dims[1] != 3) throw in.unsupported("poolingDimensions " + in.get("poolingDimensions"));
                }
                return in.common(new GlobalPoolingLayer.Builder(p)).build();
            },
            (l, out) -> {
                out.put("poolingType", l.getPoolingType().name());
                out.put("collapseDimensions", true);
                out.put("poolingDimensions", out.ints(new int[]{2, 3}));
            });

    static final Dl4jLayerCodec<ZeroPaddingLayer> ZERO_PADDING = new Codec<>("ZeroPaddingLayer", List.of("zeroPadding"), Dl4jParamLayout.SAME,
            in -> in.common(new ZeroPaddingLayer.Builder(in.ints("padding", 0, 0, 0, 0))).build(),
            (l, out) -> out.put("padding", out.ints(l.getPadding())));
}
