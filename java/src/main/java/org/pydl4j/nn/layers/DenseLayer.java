package org.pydl4j.nn.layers;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.backend.Backend;
import org.pydl4j.nn.conf.NeuralNetConfiguration;

/** Runtime dense layer: z = x·W + b, y = f(z). */
public class DenseLayer extends PreActivationLayer<org.pydl4j.nn.conf.layers.DenseLayer> {
    public DenseLayer(NeuralNetConfiguration conf, int index) { super(conf, index); }

    @Override
    protected void validateInput(INDArray in) {
        long nIn = layerConf.getNIn();
        if (in.rank() != 2 || in.size(1) != nIn) {
            throw new IllegalArgumentException(describe() + ": nIn=" + nIn + " but input has shape " + java.util.Arrays.toString(in.shape())
                    + (in.rank() == 2 ? " (size " + in.size(1) + ")" : " (expected [minibatch, " + nIn + "])"));
        }
    }

    @Override
    protected INDArray preOutput(INDArray x) {
        INDArray w = params.get("W");
        if (x.dataType() != w.dataType()) throw new IllegalArgumentException(describe() + ": input is " + x.dataType() + ", parameters " + w.dataType());
        Backend be = Nd4j.getBackend();
        INDArray z = Nd4j.createUninitialized(x.dataType(), x.size(0), layerConf.getNOut());
        be.gemm(x, false, w, false, z, 1.0, 0.0);
        if (!layerConf.hasBias()) return z;
        INDArray zb = be.add(z, params.get("b"));
        z.close();
        return zb;
    }

    /** Given d(loss)/dz: parameter gradients and d(loss)/dx. */
    @Override
    protected INDArray backpropPreOutput(INDArray dz, boolean needInputGradient) {
        Backend be = Nd4j.getBackend();
        if (!gradients.isEmpty()) {
            be.gemm(input, true, dz, false, gradients.get("W"), 1.0, 0.0);
            if (layerConf.hasBias()) {   // column sums as a product with ones, so it runs where dz lives
                INDArray ones = Nd4j.ones(dz.dataType(), 1, dz.size(0)), gb = gradients.get("b");
                be.gemm(ones, false, dz, false, gb.reshape(1, gb.length()), 1.0, 0.0);
                ones.close();
            }
        }
        if (!needInputGradient) return null;
        INDArray dx = Nd4j.createUninitialized(dz.dataType(), dz.size(0), layerConf.getNIn());
        be.gemm(dz, false, params.get("W"), true, dx, 1.0, 0.0);
        return dx;
    }
}
