package org.pydl4j.nn.layers.convolution;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.backend.Backend;
import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.layers.SeparableConvolution2D;
import org.pydl4j.nn.layers.PreActivationLayer;

/**
 * Separable convolution as two backend convolutions (native on every backend): a grouped (depthwise) convolution
 * with the layer's geometry, then a 1x1 convolution with bias. DL4J keeps the depthwise weights as [M, C, kH, kW];
 * the backend's grouped layout is [C*M, 1, kH, kW] (output channel c*M + m), so they are permuted on the way in and
 * their gradient on the way out.
 */
public class SeparableConvolution2DLayer extends PreActivationLayer<SeparableConvolution2D> {
    private INDArray depthwise;   // the depthwise step's output, kept for the pointwise weight gradient

    public SeparableConvolution2DLayer(NeuralNetConfiguration conf, int index) { super(conf, index); }

    @Override
    protected void validateInput(INDArray in) {
        requireRank(in, 4, "[minibatch, channels, height, width]");
        if (in.size(1) != layerConf.getNIn()) throw new IllegalArgumentException(describe() + ": nIn=" + layerConf.getNIn() + " but input has " + in.size(1) + " channels");
    }

    /** The depthwise step's geometry: the layer's, in groups of one input channel. */
    private ConvParams depthwiseParams(INDArray x) {
        ConvParams p = layerConf.convParams(x.size(2), x.size(3));
        return new ConvParams(p.kH, p.kW, p.sH, p.sW, p.padTop, p.padLeft, p.padBottom, p.padRight, p.dH, p.dW, (int) x.size(1));
    }

    private static final ConvParams POINTWISE = ConvParams.of(1, 1, 1, 1, 0, 0);

    /** DL4J's [M, C, kH, kW] depthwise weights in the backend's grouped layout [C*M, 1, kH, kW]. */
    private INDArray groupedWeights() {
        INDArray w = params.get("W");
        return w.permute(1, 0, 2, 3).reshape(w.size(0) * w.size(1), 1, w.size(2), w.size(3));
    }

    @Override
    protected INDArray preOutput(INDArray x) {
        Backend be = Nd4j.getBackend();
        depthwise = be.conv2d(x, groupedWeights(), null, depthwiseParams(x));
        return be.conv2d(depthwise, params.get("pW"), layerConf.hasBias() ? params.get("b") : null, POINTWISE);
    }

    @Override
    protected INDArray backpropPreOutput(INDArray dz, boolean needInputGradient) {
        Backend be = Nd4j.getBackend();
        ConvParams p = depthwiseParams(input);
        INDArray dd = be.conv2dBackwardData(dz, params.get("pW"), depthwise.shape(), POINTWISE);
        if (!gradients.isEmpty()) {
            INDArray[] pointwise = be.conv2dBackwardWeights(depthwise, dz, params.get("pW").shape(), layerConf.hasBias(), POINTWISE);
            gradients.get("pW").assign(pointwise[0]);
            if (layerConf.hasBias()) gradients.get("b").assign(pointwise[1].reshape(gradients.get("b").shape()));
            INDArray w = params.get("W");
            long m = w.size(0), c = w.size(1);
            INDArray dGrouped = be.conv2dBackwardWeights(input, dd, new long[]{c * m, 1, w.size(2), w.size(3)}, false, p)[0];
            gradients.get("W").assign(dGrouped.reshape(c, m, w.size(2), w.size(3)).permute(1, 0, 2, 3));
        }
        return needInputGradient ? be.conv2dBackwardData(dd, groupedWeights(), input.shape(), p) : null;
    }

    @Override
    public void clear() {
        super.clear();
        depthwise = null;
    }
}
