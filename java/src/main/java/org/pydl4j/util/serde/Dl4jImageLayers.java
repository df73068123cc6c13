package org.pydl4j.util.serde;

import java.util.List;
import org.pydl4j.nn.conf.formats.Dl4jLayerCodec;
import org.pydl4j.nn.conf.formats.Dl4jLayerReader;
import org.pydl4j.nn.conf.formats.Dl4jParamLayout;
import org.pydl4j.nn.conf.layers.Deconvolution2D;
import org.pydl4j.nn.conf.layers.LocalResponseNormalization;
import org.pydl4j.nn.conf.layers.Pooling2D;
import org.pydl4j.nn.conf.layers.SeparableConvolution2D;
import org.pydl4j.nn.conf.layers.SpaceToDepthLayer;
import org.pydl4j.nn.conf.layers.SubsamplingLayer;
import org.pydl4j.nn.conf.layers.Upsampling2D;
import org.pydl4j.nn.conf.layers.convolutional.Cropping2D;

/**
 * The DL4J codecs of the image layers DL4J programs use besides the basic ones (registered in {@link Dl4jFormat}):
 * Pooling2D, Upsampling2D, Cropping2D, LocalResponseNormalization, SpaceToDepthLayer, Deconvolution2D,
 * SeparableConvolution2D. Field names are DL4J's.
 */
final class Dl4jImageLayers {
    private Dl4jImageLayers() {}

    /** Pooling2D is a SubsamplingLayer under another DL4J class: the same fields. */
    static final Dl4jLayerCodec<Pooling2D> POOLING_2D = new Dl4jLayers.Codec<>("Pooling2D", List.of(), Dl4jParamLayout.SAME,
            in -> {
                SubsamplingLayer s = Dl4jLayers.SUBSAMPLING.read(in);
                Pooling2D.Builder b = new Pooling2D.Builder(s.getPoolingType(), s.getKernelSize(), s.getStride(), s.getPadding());
                if (s.getConvolutionMode() != null) b.convolutionMode(s.getConvolutionMode());
                return (Pooling2D) in.common(b).build();   // Pooling2D.Builder builds a Pooling2D
            },
            (l, out) -> Dl4jLayers.SUBSAMPLING.write(l, out));

    static final Dl4jLayerCodec<Upsampling2D> UPSAMPLING_2D = new Dl4jLayers.Codec<>("Upsampling2D", List.of("Upsampling2D"), Dl4jParamLayout.SAME,
            in -> in.common(new Upsampling2D.Builder().size(in.ints("size", 1, 1))).build(),   // a number (DL4J 0.9) or [h, w]
            (l, out) -> out.put("size", out.ints(l.getSize())));

    static final Dl4jLayerCodec<Cropping2D> CROPPING_2D = new Dl4jLayers.Codec<>("convolutional.Cropping2D", List.of("Cropping2D"), Dl4jParamLayout.SAME,
            in -> in.common(new Cropping2D.Builder(in.ints("cropping", 0, 0, 0, 0))).build(),
            (l, out) -> out.put("cropping", out.ints(l.getCropping())));

    static final Dl4jLayerCodec<LocalResponseNormalization> LOCAL_RESPONSE_NORMALIZATION = new Dl4jLayers.Codec<>("LocalResponseNormalization",
            List.of("localResponseNormalization"), Dl4jParamLayout.SAME,
            in -> in.common(new LocalResponseNormalization.Builder(in.asDouble("k", 2), in.asDouble("n", 5), in.asDouble("alpha", 1e-4),
                    in.asDouble("beta", 0.75))).build(),
            (l, out) -> {
                out.put("k", l.getK());
                out.put("n", l.getN());
                out.put("alpha", l.getAlpha());
                out.put("beta", l.getBeta());
            });

    static final Dl4jLayerCodec<SpaceToDepthLayer> SPACE_TO_DEPTH = new Dl4jLayers.Codec<>("SpaceToDepthLayer", List.of(), Dl4jParamLayout.SAME,
            in -> {
                Object format = in.get("dataFormat");
                if (format != null && !"NCHW".equals(String.valueOf(format))) throw in.unsupported("dataFormat " + format);
                return in.common(new SpaceToDepthLayer.Builder((int) in.asLong("blockSize", 2))).build();
            },
            (l, out) -> {
                out.put("blockSize", l.getBlockSize());
                out.put("dataFormat", "NCHW");
            });

    /** DL4J's deconvolution weights are [nIn, nOut, kH, kW] like ours, after the bias. */
    static final Dl4jLayerCodec<Deconvolution2D> DECONVOLUTION_2D = new Dl4jLayers.Codec<>("Deconvolution2D", List.of(), Dl4jParamLayout.CONVOLUTION,
            in -> {
                Deconvolution2D.Builder b = new Deconvolution2D.Builder();
                in.convolution(b);
                return in.base(b).build();
            },
            (l, out) -> Dl4jLayers.CONVOLUTION.write(l, out));

    /** Bias, then depthwise W [depthMultiplier, nIn, kH, kW], then pointwise pW [nOut, nIn*depthMultiplier, 1, 1]: as ours. */
    static final Dl4jLayerCodec<SeparableConvolution2D> SEPARABLE_CONVOLUTION_2D = new Dl4jLayers.Codec<>("SeparableConvolution2D", List.of(),
            Dl4jParamLayout.CONVOLUTION,
            in -> {
                SeparableConvolution2D.Builder b = new SeparableConvolution2D.Builder();
                in.convolution(b);
                b.depthMultiplier((int) in.asLong("depthMultiplier", 1));
                return in.base(b).build();
            },
            (l, out) -> {
                Dl4jLayers.CONVOLUTION.write(l, out);
                out.put("depthMultiplier", l.getDepthMultiplier());
            });
}
