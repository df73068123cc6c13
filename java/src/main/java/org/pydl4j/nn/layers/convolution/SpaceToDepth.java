package org.pydl4j.nn.layers.convolution;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.layers.SpaceToDepthLayer;
import org.pydl4j.nn.layers.AbstractLayer;

/** Space-to-depth (a permutation of values): backprop applies the inverse permutation to the gradient. */
public class SpaceToDepth extends AbstractLayer<SpaceToDepthLayer> {
    public SpaceToDepth(NeuralNetConfiguration conf, int index) { super(conf, index); }

    @Override
    protected void validateInput(INDArray in) {
        requireRank(in, 4, "[minibatch, channels, height, width]");
        int b = layerConf.getBlockSize();
        if (in.size(2) % b != 0 || in.size(3) % b != 0) {
            throw new IllegalArgumentException(describe() + ": height and width must be multiples of blockSize " + b + ", got " + in.size(2) + "x" + in.size(3));
        }
    }

    /** Linear index in the input of output element (n, oc, oy, ox). */
    private static int source(long n, long oc, long oy, long ox, long c, long h, long w, int b) {
        long block = oc / c, ch = oc % c, dy = block / b, dx = block % b;
        return (int) (((n * c + ch) * h + oy * b + dy) * w + ox * b + dx);
    }

    private INDArray permute(INDArray from, long[] inShape, boolean forward) {
        int b = layerConf.getBlockSize();
        long n = inShape[0], c = inShape[1], h = inShape[2], w = inShape[3], oc = c * b * b, oh = h / b, ow = w / b;
        INDArray to = Nd4j.createUninitialized(from.dataType(), forward ? new long[]{n, oc, oh, ow} : inShape);
        int o = 0;
        for (long i = 0; i < n; i++) for (long q = 0; q < oc; q++) for (long y = 0; y < oh; y++) for (long x = 0; x < ow; x++, o++) {
            int s = source(i, q, y, x, c, h, w, b);
            if (forward) to.putLinear(o, from.getDoubleLinear(s)); else to.putLinear(s, from.getDoubleLinear(o));
        }
        return to;
    }

    @Override
    protected INDArray doActivate(INDArray x, boolean training) { return permute(x, x.shape(), true); }

    @Override
    protected INDArray doBackprop(INDArray epsilon, boolean needInputGradient) {
        return needInputGradient ? permute(epsilon, input.shape(), false) : null;
    }
}
