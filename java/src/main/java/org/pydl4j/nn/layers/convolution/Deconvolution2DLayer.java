package org.pydl4j.nn.layers.convolution;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.backend.Backend;
import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.layers.Deconvolution2D;
import org.pydl4j.nn.layers.PreActivationLayer;

/**
 * Transposed convolution as the backend's convolution steps read backwards (so every backend runs it natively):
 * forward = conv2dBackwardData of the transposed geometry, input gradient = conv2d, weight gradient =
 * conv2dBackwardWeights with the roles of input and output gradient swapped. The bias is added per channel.
 */
public class Deconvolution2DLayer extends PreActivationLayer<Deconvolution2D> {
    public Deconvolution2DLayer(NeuralNetConfiguration conf, int index) { super(conf, index); }

    @Override
    protected void validateInput(INDArray in) {
        requireRank(in, 4, "[minibatch, channels, height, width]");
        if (in.size(1) != layerConf.getNIn()) throw new IllegalArgumentException(describe() + ": nIn=" + layerConf.getNIn() + " but input has " + in.size(1) + " channels");
    }

    private long[] outShape(INDArray x) {
        return new long[]{x.size(0), layerConf.getNOut(), layerConf.outAndPadBefore(x.size(2), 0)[0], layerConf.outAndPadBefore(x.size(3), 1)[0]};
    }

    @Override
    protected INDArray preOutput(INDArray x) {
        ConvParams p = layerConf.transposedConvParams(x.size(2), x.size(3));
        INDArray z = Nd4j.getBackend().conv2dBackwardData(x, params.get("W"), outShape(x), p);
        if (layerConf.hasBias()) {
            INDArray b = params.get("b");
            long c = z.size(1), plane = z.size(2) * z.size(3);
            for (long i = 0; i < z.length(); i++) z.putLinear((int) i, z.getDoubleLinear((int) i) + b.getDoubleLinear((int) ((i / plane) % c)));
        }
        return z;
    }

    @Override
    protected INDArray backpropPreOutput(INDArray dz, boolean needInputGradient) {
        Backend be = Nd4j.getBackend();
        ConvParams p = layerConf.transposedConvParams(input.size(2), input.size(3));
        INDArray w = params.get("W");
        if (!gradients.isEmpty()) {
            gradients.get("W").assign(be.conv2dBackwardWeights(dz, input, w.shape(), false, p)[0]);
            if (layerConf.hasBias()) {
                long c = dz.size(1), plane = dz.size(2) * dz.size(3);
                double[] sums = new double[(int) c];
                for (long i = 0; i < dz.length(); i++) sums[(int) ((i / plane) % c)] += dz.getDoubleLinear((int) i);
                INDArray db = gradients.get("b");
                for (int o = 0; o < c; o++) db.putLinear(o, sums[o]);
            }
        }
        return needInputGradient ? be.conv2d(dz, w, null, p) : null;
    }
}
