package org.pydl4j.nn.conf;

import java.util.Arrays;
import org.pydl4j.nd.backend.ConvParams;

/** Resolves a layer's kernel, stride, padding and {@link ConvolutionMode} into explicit {@link ConvParams}. */
public final class ConvolutionUtils {
    private ConvolutionUtils() {}

    /**
     * Geometry for an input of inH x inW. layerName only names the layer in errors.
     */
    public static ConvParams resolve(String layerName, ConvolutionMode mode, int[] kernel, int[] stride, int[] padding,
                                     int[] dilation, long inH, long inW, int groups) {
        int kH = kernel[0], kW = kernel[1], sH = stride[0], sW = stride[1];
        int dH = dilation == null ? 1 : dilation[0], dW = dilation == null ? 1 : dilation[1];
        if (mode == null) mode = ConvolutionMode.Truncate;
        if (mode == ConvolutionMode.Same) {
            int[] ph = samePad(inH, kH, sH, dH), pw = samePad(inW, kW, sW, dW);
            return new ConvParams(kH, kW, sH, sW, ph[0], pw[0], ph[1], pw[1], dH, dW, groups);
        }
        int pH = padding == null ? 0 : padding[0], pW = padding == null ? 0 : padding[1];
        long effH = (long) dH * (kH - 1) + 1, effW = (long) dW * (kW - 1) + 1;
        if (inH + 2L * pH < effH || inW + 2L * pW < effW) {
            throw new IllegalArgumentException("layer '" + layerName + "': kernel " + kH + "x" + kW + " (dilation " + dH + "x" + dW
                    + ") is larger than the padded input " + (inH + 2L * pH) + "x" + (inW + 2L * pW));
        }
        if (mode == ConvolutionMode.Strict && ((inH + 2L * pH - effH) % sH != 0 || (inW + 2L * pW - effW) % sW != 0)) {
            throw new IllegalArgumentException("layer '" + layerName + "': ConvolutionMode.Strict needs (in + 2*pad - k) divisible by the stride;"
                    + " input " + inH + "x" + inW + ", kernel " + Arrays.toString(kernel) + ", stride " + Arrays.toString(stride)
                    + ", padding " + pH + "x" + pW + " (use ConvolutionMode.Truncate or Same)");
        }
        return new ConvParams(kH, kW, sH, sW, pH, pW, pH, pW, dH, dW, groups);
    }

    /** {before, after} padding of TensorFlow "SAME". */
    public static int[] samePad(long in, int k, int s, int d) {
        long eff = (long) d * (k - 1) + 1;
        long out = (in + s - 1) / s;
        long total = Math.max((out - 1) * s + eff - in, 0);
        return new int[]{(int) (total / 2), (int) (total - total / 2)};
    }
}
