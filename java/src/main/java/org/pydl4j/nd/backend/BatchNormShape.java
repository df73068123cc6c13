package org.pydl4j.nd.backend;

import java.util.Arrays;
import org.pydl4j.nd.INDArray;

/** Batch norm input [N, C] or [N, C, H, W] seen as (N, C, S); checked against the per-channel parameters. */
public final class BatchNormShape {
    public final int n, c, s, m;

    private BatchNormShape(int n, int c, int s) { this.n = n; this.c = c; this.s = s; this.m = n * s; }

    public static BatchNormShape of(INDArray input, INDArray gamma, INDArray beta) {
        long[] sh = Checks.shapeOf(input, "batch norm input");
        if (sh.length != 2 && sh.length != 4) {
            throw new IllegalArgumentException("batch norm input must be [N,C] or [N,C,H,W], got " + Arrays.toString(sh));
        }
        int c = (int) sh[1];
        Checks.length(gamma, c, "batch norm gamma");
        Checks.length(beta, c, "batch norm beta");
        Checks.sameType("batch norm", input, gamma, beta);
        int s = sh.length == 4 ? (int) (sh[2] * sh[3]) : 1;
        return new BatchNormShape((int) sh[0], c, s);
    }
}
