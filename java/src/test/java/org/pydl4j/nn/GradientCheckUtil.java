package org.pydl4j.nn;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.updater.ComputationGraphUpdater;

/** Central finite-difference checks of a graph's parameter and input gradients (DOUBLE networks). */
public final class GradientCheckUtil {
    private GradientCheckUtil() {}

    /** A class rule: the reference backend and DOUBLE default types for the class's tests, the previous types restored after. */
    public static org.junit.rules.ExternalResource referenceDouble() {
        return new org.junit.rules.ExternalResource() {
            private DataType previous;

            @Override
            protected void before() {
                previous = org.pydl4j.nd.Nd4j.defaultFloatingPointType();
                org.pydl4j.nd.Nd4j.setBackend("reference");
                org.pydl4j.nd.Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
            }

            @Override
            protected void after() { org.pydl4j.nd.Nd4j.setDefaultDataTypes(previous, previous); }
        };
    }

    public static final double EPS = 1e-6;
    public static final double MAX_REL_ERROR = 1e-5;
    public static final double MIN_ABS_ERROR = 1e-8;

    private static void compare(String what, double analytic, double numeric) {
        double diff = Math.abs(analytic - numeric);
        double denom = Math.max(Math.abs(analytic), Math.abs(numeric));
        double rel = denom == 0 ? 0 : diff / denom;
        assertTrue(what + ": analytic " + analytic + " vs numeric " + numeric + " (relative error " + rel + ")",
                rel < MAX_REL_ERROR || diff < MIN_ABS_ERROR);
    }

    /**
     * Checks every trainable parameter and (when checkInputs) every input element. Returns the number of values
     * checked whose gradient was not negligible, so callers can assert the check was meaningful.
     */
    public static int check(ComputationGraph net, INDArray[] inputs, INDArray[] labels, boolean checkInputs) {
        assertEquals("gradient checks need a DOUBLE network", DataType.DOUBLE, net.getDataType());
        net.setInputs(inputs);
        net.setLabels(labels);
        net.computeGradientAndScore(checkInputs);
        double score0 = net.score();
        assertEquals("score from computeGradientAndScore vs score(train)", score0, net.score(inputs, labels, true), 1e-10);
        INDArray grad = net.gradient().gradient().dup();
        INDArray[] inGrad = net.getInputGradients().clone();
        INDArray params = net.params();
        int meaningful = 0;
        for (ComputationGraphUpdater.Block b : net.getUpdater().getBlocks()) {
            for (long j = b.offset; j < b.offset + b.length; j++) {
                int i = (int) j;
                double orig = params.getDoubleLinear(i);
                INDArray p = params.dup();
                p.putLinear(i, orig + EPS);
                net.setParams(p);
                double plus = net.score(inputs, labels, true);
                p.putLinear(i, orig - EPS);
                net.setParams(p);
                double minus = net.score(inputs, labels, true);
                double numeric = (plus - minus) / (2 * EPS);
                compare("param " + b.layerName + "_" + b.paramKey + "[" + (j - b.offset) + "]", grad.getDoubleLinear(i), numeric);
                if (Math.abs(numeric) > 1e-6) meaningful++;
            }
        }
        net.setParams(params);
        if (checkInputs) {
            for (int k = 0; k < inputs.length; k++) {
                assertNotNull("no gradient for input " + k, inGrad[k]);
                for (int i = 0; i < inputs[k].length(); i++) {
                    double orig = inputs[k].getDoubleLinear(i);
                    inputs[k].putLinear(i, orig + EPS);
                    double plus = net.score(inputs, labels, true);
                    inputs[k].putLinear(i, orig - EPS);
                    double minus = net.score(inputs, labels, true);
                    inputs[k].putLinear(i, orig);
                    double numeric = (plus - minus) / (2 * EPS);
                    compare("input " + k + "[" + i + "]", inGrad[k].getDoubleLinear(i), numeric);
                    if (Math.abs(numeric) > 1e-6) meaningful++;
                }
            }
        }
        return meaningful;
    }
}
