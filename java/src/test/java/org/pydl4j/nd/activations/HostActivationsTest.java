package org.pydl4j.nd.activations;

import static org.junit.Assert.assertEquals;

import org.junit.Test;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.backend.reference.ReferenceBackend;

/** HARDSIGMOID, HARDSWISH and SWISH on the host: values against their formulas, derivatives against finite differences. */
public class HostActivationsTest {
    private static final double[] XS = {-5, -3, -2.4, -1, -0.3, 0, 0.4, 1, 2.6, 3, 4.5};
    private final ReferenceBackend ref = new ReferenceBackend();

    private static double formula(Activation f, double x) {
        switch (f) {
            case HARDSIGMOID: return Math.min(1, Math.max(0, 0.2 * x + 0.5));
            case HARDSWISH: return x * Math.min(6, Math.max(0, x + 3)) / 6;
            default: return x / (1 + Math.exp(-x));
        }
    }

    @Test
    public void valuesAndDerivatives() {
        for (Activation f : new Activation[]{Activation.HARDSIGMOID, Activation.HARDSWISH, Activation.SWISH}) {
            INDArray x = Nd4j.create(XS, new long[]{1, XS.length});
            INDArray y = ref.activate(f, x);
            INDArray g = ref.activateBackward(f, x, y, Nd4j.ones(1, XS.length).castTo(x.dataType()));
            for (int i = 0; i < XS.length; i++) {
                assertEquals(f + " at " + XS[i], formula(f, XS[i]), y.getDouble(0, i), 1e-6);   // float32 arrays
                double h = 1e-6, numeric = (formula(f, XS[i] + h) - formula(f, XS[i] - h)) / (2 * h);
                if (Math.abs(XS[i]) == 3 && f == Activation.HARDSWISH) continue;   // kinks: one-sided
                assertEquals(f + "' at " + XS[i], numeric, g.getDouble(0, i), 1e-5);
            }
        }
    }
}
