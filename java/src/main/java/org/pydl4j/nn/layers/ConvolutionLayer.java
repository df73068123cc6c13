package org.pydl4j.nn.layers;

import java.util.Arrays;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.backend.Backend;
import org.pydl4j.nd.backend.ConvParams;
import org.pydl4j.nn.conf.NeuralNetConfiguration;

/** Runtime 2-d convolution (also depthwise, as grouped convolution): z = conv(x, W) + b, y = f(z). */
public class ConvolutionLayer extends AbstractLayer<org.pydl4j.nn.conf.layers.ConvolutionLayer> {
    protected INDArray preOutput;
    protected INDArray output;
    protected ConvParams convParams;

    public ConvolutionLayer(NeuralNetConfiguration conf, int index) { super(conf, index); }

    @Override
    protected void validateInput(INDArray in) {
        long nIn = layerConf.getNIn();
        if (in.rank() != 4 || in.size(1) != nIn) {
            throw new IllegalArgumentException(describe() + ": nIn=" + nIn + " channels but input has shape " + Arrays.toString(in.shape())
                    + (in.rank() == 4 ? " (" + in.size(1) + " channels)" : " (expected [minibatch, " + nIn + ", height, width])"));
        }
    }

    private INDArray bias() { return layerConf.hasBias() ? params.get("b").reshape(layerConf.getNOut()) : null; }

    @Override
    protected INDArray doActivate(INDArray x, boolean training) {
        convParams = layerConf.convParams(x.size(2), x.size(3));
        INDArray w = params.get("W");
        if (x.dataType() != w.dataType()) throw new IllegalArgumentException(describe() + ": input is " + x.dataType() + ", parameters " + w.dataType());
        preOutput = Nd4j.getBackend().conv2d(x, w, bias(), convParams);
        output = Nd4j.getBackend().activate(layerConf.getActivationFn(), preOutput);
        return output;
    }

    @Override
    protected INDArray doBackprop(INDArray epsilon, boolean needInputGradient) {
        Backend be = Nd4j.getBackend();
        INDArray dz = be.activateBackward(layerConf.getActivationFn(), preOutput, output, epsilon);
        if (!gradients.isEmpty()) {
            INDArray w = params.get("W");
            INDArray[] g = be.conv2dBackwardWeights(input, dz, w.shape(), layerConf.hasBias(), convParams);
            gradients.get("W").assign(g[0]);
            if (layerConf.hasBias()) gradients.get("b").assign(g[1]);
        }
        if (!needInputGradient) return null;
        return be.conv2dBackwardData(dz, params.get("W"), input.shape(), convParams);
    }

    @Override
    public void clear() {
        super.clear();
        preOutput = null;
        output = null;
    }
}
