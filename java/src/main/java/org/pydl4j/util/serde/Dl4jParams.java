package org.pydl4j.util.serde;

import java.util.Map;
import org.pydl4j.nn.conf.formats.Dl4jParamLayout;
import org.pydl4j.nn.conf.layers.LayerKinds;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.conf.layers.BatchNormalization;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.DepthwiseConvolution2D;
import org.pydl4j.nn.conf.layers.Layer;
import org.pydl4j.nn.conf.layers.misc.FrozenLayer;

/**
 * DL4J's flattened-parameter layout per layer, and its mapping to this project's parameter arrays. The network's
 * flat vector is the concatenation of the layers' segments in DL4J's topological order
 * ({@link Dl4jGraph#dl4jTopologicalOrder}); within a layer, as DL4J's parameter initializers define it
 * (deeplearning4j-nn, package org.deeplearning4j.nn.params):
 * <ul>
 * <li>DefaultParamInitializer (DenseLayer, OutputLayer): W first, nIn*nOut values reshaped to [nIn, nOut] in 'f'
 * order (WeightInitUtil.DEFAULT_WEIGHT_INIT_ORDER = 'f'), then b (nOut) when hasBias.</li>
 * <li>ConvolutionParamInitializer: b FIRST (nOut, when hasBias), then W as [nOut, nIn, kH, kW] in 'c' order.</li>
 * <li>DepthwiseConvolutionParamInitializer: b first (nOut), then W as [kH, kW, nIn, depthMultiplier] in 'c' order;
 * output channel c*depthMultiplier + m.</li>
 * <li>BatchNormalizationParamInitializer: gamma, beta (absent when lockGammaBeta), global mean, then global variance,
 * or log10 of the global standard deviation when useLogStd (DL4J 1.0.0-beta4+, s = sqrt(var)).</li>
 * <li>No parameters: subsampling, activation, dropout, global pooling, zero padding layers and non-layer vertices.</li>
 * </ul>
 * This project keeps W [nOut, nIn, kH, kW] and b [1, nOut] for convolutions, W [nIn*depthMultiplier, 1, kH, kW]
 * for depthwise convolutions, W [nIn, nOut] (C order) for dense layers and [1, nOut] vectors for batch norm.
 */
final class Dl4jParams {
    private Dl4jParams() {}

    static Layer unwrap(Layer l) { return l instanceof FrozenLayer ? ((FrozenLayer) l).getLayer() : l; }

    /** Length of the layer's segment in DL4J's flat vector. */
    static long numParams(Dl4jGraph.Vertex v) {
        Layer l = unwrap(v.layer);
        if (layout(v) == Dl4jParamLayout.BATCH_NORMALIZATION) return (v.bnLockGammaBeta ? 2 : 4) * ((BatchNormalization) l).getNOut();
        return l.numParams();
    }

    /** Copies the layer's DL4J segment flat[offset, offset + numParams) into this project's parameter arrays. */
    static void importLayer(Dl4jGraph.Vertex v, INDArray flat, long offset, Map<String, INDArray> ours) {
        transfer(v, flat, offset, ours, true);
    }

    /** Writes the layer's parameters into its DL4J segment of flat. */
    static void exportLayer(Dl4jGraph.Vertex v, Map<String, INDArray> ours, INDArray flat, long offset) {
        transfer(v, flat, offset, ours, false);
    }

    /** The layer's DL4J parameter layout, from its kind's codec in {@link Dl4jFormat}. */
    private static Dl4jParamLayout layout(Dl4jGraph.Vertex v) {
        Layer l = unwrap(v.layer);
        org.pydl4j.nn.conf.formats.Dl4jLayerCodec<?> codec = Dl4jFormat.codec(LayerKinds.of(l));
        if (codec == null) throw new IllegalArgumentException("vertex '" + v.name + "': layer kind " + LayerKinds.of(l).name() + " has no DL4J form");
        return codec.paramLayout();
    }

    private static void transfer(Dl4jGraph.Vertex v, INDArray flat, long offset, Map<String, INDArray> ours, boolean in) {
        Layer l = unwrap(v.layer);
        int off = Math.toIntExact(offset);
        switch (layout(v)) {
            case DEPTHWISE_CONVOLUTION: {
                DepthwiseConvolution2D c = (DepthwiseConvolution2D) l;
                int nIn = (int) c.getNIn(), dm = c.getDepthMultiplier(), kH = c.getKernelSize()[0], kW = c.getKernelSize()[1];
                if (c.hasBias()) off = vector(ours.get("b"), flat, off, in);
                INDArray w = ours.get("W");   // [nIn*dm, 1, kH, kW]
                for (int y = 0; y < kH; y++) for (int x = 0; x < kW; x++) for (int ch = 0; ch < nIn; ch++) for (int m = 0; m < dm; m++) {
                    int dl4j = off + ((y * kW + x) * nIn + ch) * dm + m;
                    int mine = ((ch * dm + m) * kH + y) * kW + x;
                    move(w, mine, flat, dl4j, in);
                }
                break;
            }
            case CONVOLUTION: {
                ConvolutionLayer c = (ConvolutionLayer) l;
                if (c.hasBias()) off = vector(ours.get("b"), flat, off, in);
                vector(ours.get("W"), flat, off, in);   // both [nOut, nIn, kH, kW] in C order
                break;
            }
            case DENSE: {
                DenseLayer d = (DenseLayer) l;
                int nIn = (int) d.getNIn(), nOut = (int) d.getNOut();
                INDArray w = ours.get("W");   // [nIn, nOut], C order
                long[] hwc = v.nhwcFlattenedInput;
                if (hwc != null && hwc[0] * hwc[1] * hwc[2] != nIn) {
                    throw new IllegalArgumentException("vertex '" + v.name + "': flatten of " + hwc[0] + "x" + hwc[1] + "x" + hwc[2] + " does not give nIn " + nIn);
                }
                for (int r = 0; r < nIn; r++) {
                    int dl4jRow = r;
                    if (hwc != null) {   // our row is channel-major c*H*W + y*W + x; DL4J's (TensorFlow flatten) is (y*W + x)*C + c
                        int hw = (int) (hwc[0] * hwc[1]);
                        int ch = r / hw, yx = r % hw;
                        dl4jRow = yx * (int) hwc[2] + ch;
                    }
                    for (int j = 0; j < nOut; j++) move(w, r * nOut + j, flat, off + j * nIn + dl4jRow, in);
                }
                off += nIn * nOut;
                if (d.hasBias()) vector(ours.get("b"), flat, off, in);
                break;
            }
            case BATCH_NORMALIZATION: {
                int n = (int) ((BatchNormalization) l).getNOut();
                if (v.bnLockGammaBeta) {
                    if (in) {
                        ours.get("gamma").assign(v.bnGamma);
                        ours.get("beta").assign(v.bnBeta);
                    }
                } else {
                    off = vector(ours.get("gamma"), flat, off, in);
                    off = vector(ours.get("beta"), flat, off, in);
                }
                off = vector(ours.get("mean"), flat, off, in);
                INDArray var = ours.get("var");
                if (!v.bnLogStd) {
                    vector(var, flat, off, in);
                } else {
                    for (int i = 0; i < n; i++) {
                        if (in) var.putLinear(i, Math.pow(10, 2 * flat.getDoubleLinear(off + i)));
                        else flat.putLinear(off + i, 0.5 * Math.log10(var.getDoubleLinear(i)));
                    }
                }
                break;
            }
            case SAME:   // the arrays in paramShapes order, each in C order
                for (String key : l.paramShapes().keySet()) off = vector(ours.get(key), flat, off, in);
                break;
            default:
                throw new IllegalStateException("unknown DL4J parameter layout " + layout(v));
        }
    }

    /** Copies a whole array (in C order) to or from flat at off; returns the offset after it. */
    private static int vector(INDArray a, INDArray flat, int off, boolean in) {
        int n = (int) a.length();
        for (int i = 0; i < n; i++) move(a, i, flat, off + i, in);
        return off + n;
    }

    private static void move(INDArray a, int i, INDArray flat, int j, boolean in) {
        if (in) a.putLinear(i, flat.getDoubleLinear(j)); else flat.putLinear(j, a.getDoubleLinear(i));
    }
}
