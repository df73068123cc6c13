package org.pydl4j.nd.backend;

import java.util.Arrays;

/** Validated sizes of a convolution or pooling: NCHW input, OIHW weights, output. Shared by every backend. */
public final class ConvGeometry {
    public final int n, inC, inH, inW, outC, outH, outW, inPerGroup, outPerGroup;

    private ConvGeometry(int n, int inC, int inH, int inW, int outC, int outH, int outW, int inPerGroup, int outPerGroup) {
        this.n = n; this.inC = inC; this.inH = inH; this.inW = inW;
        this.outC = outC; this.outH = outH; this.outW = outW;
        this.inPerGroup = inPerGroup; this.outPerGroup = outPerGroup;
    }

    /** Convolution of input [N,C,H,W] with weights [O, C/groups, kH, kW]. */
    public static ConvGeometry conv(long[] in, long[] w, ConvParams p) {
        if (in == null || w == null || p == null) throw new IllegalArgumentException("convolution input, weights and geometry are required");
        if (in.length != 4) throw new IllegalArgumentException("convolution input must be [N,C,H,W], got " + Arrays.toString(in));
        if (w.length != 4) throw new IllegalArgumentException("convolution weights must be [O,I,kH,kW], got " + Arrays.toString(w));
        if (w[2] != p.kH || w[3] != p.kW) {
            throw new IllegalArgumentException("weights " + Arrays.toString(w) + " do not match kernel " + p.kH + "x" + p.kW);
        }
        if (in[1] % p.groups != 0 || w[0] % p.groups != 0) {
            throw new IllegalArgumentException("channels " + in[1] + " -> " + w[0] + " are not divisible by groups " + p.groups);
        }
        if (w[1] != in[1] / p.groups) {
            throw new IllegalArgumentException("input has " + in[1] + " channels but weights " + Arrays.toString(w)
                    + " expect " + w[1] * p.groups + " (groups " + p.groups + ")");
        }
        return new ConvGeometry((int) in[0], (int) in[1], (int) in[2], (int) in[3], (int) w[0],
                p.outH(in[2]), p.outW(in[3]), (int) w[1], (int) (w[0] / p.groups));
    }

    /** Pooling of input [N,C,H,W]; channels are unchanged. */
    public static ConvGeometry pool(long[] in, ConvParams p) {
        if (in == null || p == null) throw new IllegalArgumentException("pooling input and geometry are required");
        if (in.length != 4) throw new IllegalArgumentException("pooling input must be [N,C,H,W], got " + Arrays.toString(in));
        return new ConvGeometry((int) in[0], (int) in[1], (int) in[2], (int) in[3], (int) in[1],
                p.outH(in[2]), p.outW(in[3]), 1, 1);
    }

    public long[] outShape() { return new long[]{n, outC, outH, outW}; }
}
