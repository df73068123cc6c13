package org.pydl4j.nn.graph.vertex.impl;

import java.util.Arrays;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nn.graph.vertex.GraphVertex;

/** Runtime concatenation along dimension 1; backward splits the gradient. */
public class MergeVertex extends GraphVertex {
    private long[][] inputShapes;

    public MergeVertex(String name, int index) { super(name, index); }

    @Override
    public INDArray doForward(INDArray[] in, boolean training) {
        inputShapes = new long[in.length][];
        for (int i = 0; i < in.length; i++) {
            inputShapes[i] = in[i].shape();
            long[] a = in[i].shape(), b = in[0].shape();
            boolean ok = a.length == b.length && a.length >= 2;
            for (int d = 0; ok && d < a.length; d++) if (d != 1 && a[d] != b[d]) ok = false;
            if (!ok) {
                StringBuilder sb = new StringBuilder();
                for (INDArray x : in) sb.append(Arrays.toString(x.shape())).append(' ');
                throw new IllegalArgumentException("vertex '" + name + "' (MergeVertex): inputs do not join along dimension 1: " + sb.toString().trim());
            }
        }
        if (in.length == 1) return in[0];
        return Nd4j.concat(1, in);
    }

    @Override
    public INDArray[] doBackward(INDArray eps, boolean[] need) {
        INDArray[] g = new INDArray[inputShapes.length];
        if (inputShapes.length == 1) {
            g[0] = need[0] ? eps : null;
            return g;
        }
        long n = eps.size(0), total = eps.size(1);
        long inner = eps.length() / Math.max(1, n * total);
        long start = 0;
        for (int i = 0; i < inputShapes.length; i++) {
            long c = inputShapes[i][1];
            if (need[i]) {
                INDArray part = Nd4j.createUninitialized(eps.dataType(), inputShapes[i]);
                long block = c * inner;
                for (long e = 0; e < n; e++) {
                    long src = (e * total + start) * inner, dst = e * block;
                    for (long k = 0; k < block; k++) part.putLinear((int) (dst + k), eps.getDoubleLinear((int) (src + k)));
                }
                g[i] = part;
            }
            start += c;
        }
        return g;
    }
}
