package org.pydl4j.nn.layers;

import java.util.Arrays;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
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
        Backend be = Nd4j.getBackend();
        ActivationSpec act = layerConf.getActivationSpec();
        if (!training && Backend.isFusable(act.kind())) {
            // inference: bias and activation inside the convolution kernel, no pre-activation kept
            preOutput = null;
            output = be.conv2dFused(x, w, bias(), convParams, act);
            return output;
        }
        preOutput = be.conv2d(x, w, bias(), convParams);
        output = act.kind() == Activation.IDENTITY ? preOutput : be.activate(act, preOutput);
        return output;
    }

    /**
     * The weights [O, C/groups, kH, kW] and bias [O] (null without bias) for inference. With bn (a batch
     * normalization reading this layer's output), the normalization is folded in: W' = W * s and
     * b' = (b - mean) * s + beta with s = gamma / sqrt(var + eps); those are new arrays the caller closes.
     * Without bn, views of the parameters.
     */
    public INDArray[] inferenceWeights(BatchNormalization bn) {
        INDArray w = params.get("W");
        INDArray b = bias();
        if (bn == null) return new INDArray[]{w, b};
        int outC = (int) w.size(0);
        INDArray gamma = bn.getParam("gamma"), beta = bn.getParam("beta"), mean = bn.getParam("mean"), var = bn.getParam("var");
        if (gamma.length() != outC) {
            throw new IllegalArgumentException(describe() + ": " + outC + " output channels but batch norm '" + bn.getName() + "' has " + gamma.length());
        }
        double eps = bn.layerConf().getEps();
        DataType t = w.dataType();
        int per = (int) (w.length() / outC);
        INDArray wf = Nd4j.createUninitialized(t, w.shape()), bf = Nd4j.createUninitialized(t, outC);
        java.nio.FloatBuffer src = t == DataType.FLOAT ? w.floatBufferForRead() : null, dst = t == DataType.FLOAT ? wf.floatBuffer() : null;
        for (int o = 0; o < outC; o++) {
            double s = gamma.getDoubleLinear(o) / Math.sqrt(var.getDoubleLinear(o) + eps);
            double b0 = b == null ? 0 : b.getDoubleLinear(o);
            bf.putLinear(o, (b0 - mean.getDoubleLinear(o)) * s + beta.getDoubleLinear(o));
            if (src != null) {
                for (int i = o * per, end = i + per; i < end; i++) dst.put(i, (float) (src.get(i) * s));
            } else {
                for (int i = o * per, end = i + per; i < end; i++) wf.putLinear(i, w.getDoubleLinear(i) * s);
            }
        }
        return new INDArray[]{wf, bf};
    }

    @Override
    protected INDArray doBackprop(INDArray epsilon, boolean needInputGradient) {
        if (preOutput == null) throw new IllegalStateException(describe() + ": backprop after an inference-mode forward pass");
        Backend be = Nd4j.getBackend();
        ActivationSpec act = layerConf.getActivationSpec();
        // identity: epsilon is dL/dz itself, only read below (no copy of a whole activation-sized array)
        INDArray dz = act.kind() == Activation.IDENTITY ? epsilon : be.activateBackward(act, preOutput, output, epsilon);
        if (!gradients.isEmpty()) {
            INDArray w = params.get("W");
            INDArray[] g = be.conv2dBackwardWeights(input, dz, w.shape(), layerConf.hasBias(), convParams);
            be.copy(g[0], gradients.get("W"));   // on the backend: stays on a device
            g[0].close();
            if (layerConf.hasBias()) {
                be.copy(g[1], gradients.get("b"));
                g[1].close();
            }
        }
        INDArray gx = needInputGradient ? be.conv2dBackwardData(dz, params.get("W"), input.shape(), convParams) : null;
        if (dz != epsilon) dz.close();
        return gx;
    }

    @Override
    public void clear() {
        super.clear();
        preOutput = null;
        output = null;
    }
}
