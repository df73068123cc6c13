package org.pydl4j.nn.layers;

import java.util.Arrays;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.activations.ActivationSpec;
import org.pydl4j.nd.backend.Backend;
import org.pydl4j.nn.conf.NeuralNetConfiguration;

/**
 * Runtime batch normalization. Training: batch statistics, and the running mean/var are updated when the
 * gradient is computed (so only by fitting); inference: running statistics. In training, a RELU / RELU6 (its own,
 * or the activation layer after it that the graph let it absorb, {@link #absorbActivation}) goes into the batch
 * norm kernel where the backend has one ({@link Backend#fusesBatchNormWith}): one tensor written and kept
 * instead of two, and no separate activation pass forward or backward.
 */
public class BatchNormalization extends AbstractLayer<org.pydl4j.nn.conf.layers.BatchNormalization> {
    protected INDArray bnOut, output, batchMean, batchVar;
    protected boolean trainingPass;
    /** The following activation layer's function, applied here in training passes (null: none). */
    private Activation absorbed;
    /** The activation the last training pass fused into the batch norm kernel (null: none). */
    private Activation fusedInPass;

    public BatchNormalization(NeuralNetConfiguration conf, int index) { super(conf, index); }

    @Override
    protected void validateInput(INDArray in) {
        long n = layerConf.getNOut();
        if ((in.rank() != 2 && in.rank() != 4) || in.size(1) != n) {
            throw new IllegalArgumentException(describe() + ": nIn=" + n + " but input has shape " + Arrays.toString(in.shape())
                    + " (expected [minibatch, " + n + "] or [minibatch, " + n + ", height, width])");
        }
    }

    /**
     * Makes training passes apply f (RELU or RELU6) to this layer's output, for the activation layer that consumes
     * it alone and then passes its input through ({@link ActivationLayer#setAppliedUpstream}); null undoes it.
     * The graph sets this only for a layer whose own activation is IDENTITY and a backend that fuses f.
     */
    public void absorbActivation(Activation f) {
        if (f != null && (layerConf.getActivationSpec().kind() != Activation.IDENTITY || !Backend.batchNormFuses(f))) {
            throw new IllegalArgumentException(describe() + ": cannot absorb " + f + " (own activation " + layerConf.getActivationSpec() + ")");
        }
        absorbed = f;
    }

    /** The activation a training pass fuses into the batch norm kernel on be, or null for separate ops. */
    private Activation fusedActivation(Backend be) {
        ActivationSpec own = layerConf.getActivationSpec();
        if (own.kind() == Activation.IDENTITY) return absorbed;
        return own.isDefault() && be.fusesBatchNormWith(own.kind()) ? own.kind() : null;
    }

    private INDArray vec(String key) { return params.get(key).reshape(layerConf.getNOut()); }

    @Override
    protected INDArray doActivate(INDArray x, boolean training) {
        Backend be = Nd4j.getBackend();
        trainingPass = training;
        fusedInPass = training ? fusedActivation(be) : null;
        if (fusedInPass != null) {
            INDArray[] r = be.batchNormTrainingActivated(x, vec("gamma"), vec("beta"), layerConf.getEps(), fusedInPass);
            output = r[0];
            batchMean = r[1];
            batchVar = r[2];
            bnOut = null;   // never made: the backward pass reads the activated output
            return output;
        }
        if (training) {
            INDArray[] r = be.batchNormTraining(x, vec("gamma"), vec("beta"), layerConf.getEps());
            bnOut = r[0];
            batchMean = r[1];
            batchVar = r[2];
        } else {
            bnOut = be.batchNormInference(x, vec("gamma"), vec("beta"), vec("mean"), vec("var"), layerConf.getEps());
        }
        ActivationSpec act = layerConf.getActivationSpec();
        if (act.kind() == Activation.IDENTITY) {
            output = bnOut;
        } else {
            output = be.activate(act, bnOut);
            if (!training) {   // inference keeps nothing for backprop: give the intermediate's memory back now
                bnOut.close();
                bnOut = null;
            }
        }
        return output;
    }

    @Override
    protected INDArray doBackprop(INDArray epsilon, boolean needInputGradient) {
        if (!trainingPass) throw new IllegalStateException(describe() + ": backprop after an inference-mode forward pass");
        Backend be = Nd4j.getBackend();
        ActivationSpec act = layerConf.getActivationSpec();
        INDArray d = epsilon;
        INDArray[] g;
        if (fusedInPass != null) {
            g = be.batchNormBackwardActivated(input, output, epsilon, vec("gamma"), vec("beta"), batchMean, batchVar, layerConf.getEps(), fusedInPass);
        } else {
            // identity: epsilon is dL/d(bnOut) itself, only read below (no copy)
            if (act.kind() != Activation.IDENTITY) d = be.activateBackward(act, bnOut, output, epsilon);
            g = be.batchNormBackward(input, d, vec("gamma"), batchMean, batchVar, layerConf.getEps());
        }
        be.copy(g[1], gradients.get("gamma"));   // on the backend: stays on a device
        be.copy(g[2], gradients.get("beta"));
        g[1].close();
        g[2].close();
        be.fill(gradients.get("mean"), 0);
        be.fill(gradients.get("var"), 0);
        // running statistics: s = decay * s + (1 - decay) * batch, where the parameters live (a device, or the host)
        double decay = layerConf.getDecay();
        INDArray mean = vec("mean"), var = vec("var");
        be.scale(mean, decay);
        be.axpy(1 - decay, batchMean, mean);
        be.scale(var, decay);
        be.axpy(1 - decay, batchVar, var);
        if (d != epsilon) d.close();
        return needInputGradient ? g[0] : null;
    }

    @Override
    public void clear() {
        super.clear();
        bnOut = output = batchMean = batchVar = null;
        fusedInPass = null;
    }
}
