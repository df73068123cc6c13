package org.pydl4j.nd.backend;

import java.util.Arrays;

/**
 * Geometry of a 2-d convolution or pooling in NCHW: kernel, stride, dilation, explicit (possibly asymmetric)
 * padding and groups (groups == channels for depthwise). Layers resolve ConvolutionMode into explicit padding, so
 * backends see one form only.
 */
public final class ConvParams {
    public final int kH, kW, sH, sW, padTop, padLeft, padBottom, padRight, dH, dW, groups;

    public ConvParams(int kH, int kW, int sH, int sW, int padTop, int padLeft, int padBottom, int padRight,
                      int dH, int dW, int groups) {
        if (kH < 1 || kW < 1 || sH < 1 || sW < 1 || dH < 1 || dW < 1 || groups < 1
                || padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
            throw new IllegalArgumentException("invalid convolution geometry " + this.describe(kH, kW, sH, sW, padTop, padLeft, padBottom, padRight, dH, dW, groups));
        }
        this.kH = kH; this.kW = kW; this.sH = sH; this.sW = sW;
        this.padTop = padTop; this.padLeft = padLeft; this.padBottom = padBottom; this.padRight = padRight;
        this.dH = dH; this.dW = dW; this.groups = groups;
    }

    /** Symmetric padding, no dilation, one group. */
    public static ConvParams of(int kH, int kW, int sH, int sW, int padH, int padW) {
        return new ConvParams(kH, kW, sH, sW, padH, padW, padH, padW, 1, 1, 1);
    }

    public int outH(long inH) { return outSize(inH, kH, sH, (long) padTop + padBottom, dH); }

    public int outW(long inW) { return outSize(inW, kW, sW, (long) padLeft + padRight, dW); }

    private static int outSize(long in, int k, int s, long pad, int d) {
        long eff = (long) d * (k - 1) + 1;
        long span = in + pad - eff;
        if (span < 0) throw new IllegalArgumentException("kernel " + k + " (dilation " + d + ") larger than padded input " + (in + pad));
        long out = span / s + 1;
        if (out > Integer.MAX_VALUE) throw new IllegalArgumentException("output size " + out + " (input " + in + ", padding " + pad + ") is too large");
        return (int) out;
    }

    /** Output shape [N, outChannels, OH, OW] for an NCHW input shape. */
    public long[] outShape(long[] inShape, long outChannels) {
        return new long[]{inShape[0], outChannels, outH(inShape[2]), outW(inShape[3])};
    }

    private String describe(int... v) { return Arrays.toString(v); }

    @Override
    public String toString() {
        return "k=" + kH + "x" + kW + " s=" + sH + "x" + sW + " pad(t,l,b,r)=" + padTop + "," + padLeft + "," + padBottom + ","
                + padRight + " d=" + dH + "x" + dW + " groups=" + groups;
    }
}
