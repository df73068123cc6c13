package org.pydl4j.nn.graph;

import static org.junit.Assert.assertEquals;

import org.junit.Test;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.graph.vertex.impl.ChannelScaleVertex;

/** The squeeze-excitation gate: y[n,c,h,w] = x[n,c,h,w] * s[n,c], its gradients, and its type checks. */
public class ChannelScaleVertexTest {
    @Test
    public void forwardAndBackward() {
        double[] xv = new double[2 * 3 * 2 * 2], sv = {0.5, -1, 2, 3, 0, -0.25};
        for (int i = 0; i < xv.length; i++) xv[i] = i - 7;
        INDArray x = Nd4j.create(xv, new long[]{2, 3, 2, 2}), s = Nd4j.create(sv, new long[]{2, 3});
        ChannelScaleVertex v = new ChannelScaleVertex("se", 0);
        INDArray y = v.doForward(new INDArray[]{x, s}, true);
        for (int i = 0; i < xv.length; i++) assertEquals(xv[i] * sv[i / 4], y.getDoubleLinear(i), 1e-6);
        double[] gv = new double[xv.length];
        for (int i = 0; i < gv.length; i++) gv[i] = 0.1 * (i % 5) - 0.2;
        INDArray[] g = v.doBackward(Nd4j.create(gv, new long[]{2, 3, 2, 2}), new boolean[]{true, true});
        for (int i = 0; i < xv.length; i++) assertEquals(gv[i] * sv[i / 4], g[0].getDoubleLinear(i), 1e-6);
        for (int nc = 0; nc < 6; nc++) {
            double expect = 0;
            for (int k = 0; k < 4; k++) expect += gv[nc * 4 + k] * xv[nc * 4 + k];
            assertEquals(expect, g[1].getDoubleLinear(nc), 1e-5);
        }
    }

    @Test(expected = IllegalArgumentException.class)
    public void factorsMustMatchChannels() {
        new org.pydl4j.nn.conf.graph.ChannelScaleVertex().getOutputType("se", InputType.convolutional(4, 4, 3), InputType.feedForward(5));
    }
}
