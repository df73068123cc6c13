package org.pydl4j.datasets.image.transform;

import java.util.Random;
import org.pydl4j.datasets.image.data.ImageWritable;

/**
 * Warps the perspective of images, as DataVec's WarpImageTransform (OpenCV's getPerspectiveTransform +
 * warpPerspective, bilinear, black border): the corners top-left (0, 0), top-right (cols, 0), bottom-right
 * (cols, rows), bottom-left (0, rows) move by (dx1, dy1) ... (dx4, dy4) pixels, each times u (drawn in that order;
 * u = 1 without a generator). The output keeps the input's size.
 */
public class WarpImageTransform extends BaseImageTransform<Object> {
    private float[] deltas;
    private double[] lastH;

    public WarpImageTransform(float delta) { this(null, delta, delta, delta, delta, delta, delta, delta, delta); }

    public WarpImageTransform(Random random, float delta) { this(random, delta, delta, delta, delta, delta, delta, delta, delta); }

    public WarpImageTransform(float dx1, float dy1, float dx2, float dy2, float dx3, float dy3, float dx4, float dy4) {
        this(null, dx1, dy1, dx2, dy2, dx3, dy3, dx4, dy4);
    }

    public WarpImageTransform(Random random, float dx1, float dy1, float dx2, float dy2, float dx3, float dy3, float dx4, float dy4) {
        super(random);
        this.deltas = new float[]{dx1, dy1, dx2, dy2, dx3, dy3, dx4, dy4};
    }

    /** The homography h (row-major 3x3, h[8] = 1) taking the four src points to the four dst points. */
    static double[] perspective(double[] src, double[] dst) {
        double[][] a = new double[8][9];
        for (int i = 0; i < 4; i++) {
            double x = src[2 * i], y = src[2 * i + 1], u = dst[2 * i], v = dst[2 * i + 1];
            a[2 * i] = new double[]{x, y, 1, 0, 0, 0, -x * u, -y * u, u};
            a[2 * i + 1] = new double[]{0, 0, 0, x, y, 1, -x * v, -y * v, v};
        }
        for (int c = 0; c < 8; c++) {   // Gaussian elimination with partial pivoting
            int p = c;
            for (int r = c + 1; r < 8; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
            double[] t = a[c]; a[c] = a[p]; a[p] = t;
            if (Math.abs(a[c][c]) < 1e-12) throw new IllegalArgumentException("WarpImageTransform: the warped corners are degenerate (three in a line)");
            for (int r = 0; r < 8; r++) {
                if (r == c) continue;
                double f = a[r][c] / a[c][c];
                for (int k = c; k < 9; k++) a[r][k] -= f * a[c][k];
            }
        }
        double[] h = new double[9];
        for (int i = 0; i < 8; i++) h[i] = a[i][8] / a[i][i];
        h[8] = 1;
        return h;
    }

    static double[] invert3(double[] m) {
        double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7], i = m[8];
        double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
        if (Math.abs(det) < 1e-15) throw new IllegalArgumentException("WarpImageTransform: the warp is not invertible");
        return new double[]{(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det,
                (f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det,
                (d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det};
    }

    @Override
    protected ImageWritable doTransform(ImageWritable image, Random random) {
        int cols = image.getWidth(), rows = image.getHeight();
        double[] src = {0, 0, cols, 0, cols, rows, 0, rows};
        double[] dst = new double[8];
        for (int i = 0; i < 8; i++) dst[i] = src[i] + deltas[i] * factor(random);
        double[] h = perspective(src, dst);
        lastH = h;
        double[] inv = invert3(h);
        return remap(image, cols, rows, (x, y) -> {
            double w = inv[6] * x + inv[7] * y + inv[8];
            return new double[]{(inv[0] * x + inv[1] * y + inv[2]) / w, (inv[3] * x + inv[4] * y + inv[5]) / w};
        });
    }

    @Override
    public float[] query(float... coordinates) {
        float[] out = coordinates.clone();
        if (lastH == null) return out;
        double[] h = lastH;
        for (int i = 0; i + 1 < out.length; i += 2) {
            double x = coordinates[i], y = coordinates[i + 1], w = h[6] * x + h[7] * y + h[8];
            out[i] = (float) ((h[0] * x + h[1] * y + h[2]) / w);
            out[i + 1] = (float) ((h[3] * x + h[4] * y + h[5]) / w);
        }
        return out;
    }
}
