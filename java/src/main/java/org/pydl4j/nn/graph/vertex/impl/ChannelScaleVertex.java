package org.pydl4j.nn.graph.vertex.impl;

import java.util.Arrays;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nn.graph.vertex.GraphVertex;

/** Runtime of {@link org.pydl4j.nn.conf.graph.ChannelScaleVertex}: y = x * s per (example, channel). */
public class ChannelScaleVertex extends GraphVertex {
    private INDArray x, s;

    public ChannelScaleVertex(String name, int index) { super(name, index); }

    @Override
    public INDArray doForward(INDArray[] in, boolean training) {
        x = in[0];
        s = in[1];
        long[] xs = x.shape(), ss = s.shape();
        if (xs.length != 4 || ss.length != 2 || ss[0] != xs[0] || ss[1] != xs[1]) {
            throw new IllegalArgumentException("vertex '" + name + "' (ChannelScaleVertex): shapes " + Arrays.toString(xs) + " and "
                    + Arrays.toString(ss) + " are not [N, C, H, W] and [N, C]");
        }
        if (x.dataType() != s.dataType()) throw new IllegalArgumentException("vertex '" + name + "' (ChannelScaleVertex): image is "
                + x.dataType() + ", scale " + s.dataType());
        return Nd4j.getBackend().channelScale(x, s);
    }

    @Override
    public INDArray[] doBackward(INDArray eps, boolean[] need) {
        long[] xs = x.shape();
        int plane = (int) (xs[2] * xs[3]);
        float[] g = eps.toFloatVector(), xv = x.toFloatVector(), sv = s.toFloatVector();
        float[] gx = need[0] ? new float[g.length] : null;
        float[] gs = need[1] ? new float[sv.length] : null;
        for (int nc = 0; nc < sv.length; nc++) {
            double acc = 0;
            for (int i = nc * plane, end = i + plane; i < end; i++) {
                if (gx != null) gx[i] = g[i] * sv[nc];
                acc += (double) g[i] * xv[i];
            }
            if (gs != null) gs[nc] = (float) acc;
        }
        DataType t = x.dataType();
        return new INDArray[]{gx == null ? null : Nd4j.create(gx, xs).castTo(t), gs == null ? null : Nd4j.create(gs, s.shape()).castTo(t)};
    }

    @Override
    public void clear() {
        x = null;
        s = null;
    }
}
