package org.pydl4j.datasets.image.transform;

import java.util.Random;
import org.pydl4j.datasets.image.data.ImageWritable;

/**
 * Rotates and scales images about a centre, as DataVec's RotateImageTransform (OpenCV's getRotationMatrix2D +
 * warpAffine, bilinear, black border): centre {@code (cols/2 + centerx*u, rows/2 + centery*u)}, angle
 * {@code angle*u} degrees counter-clockwise (y pointing down, as OpenCV), scale {@code 1 + scale*u}; u drawn in the
 * order centre y, centre x, angle, scale (u = 1 without a generator). The output keeps the input's size.
 */
public class RotateImageTransform extends BaseImageTransform<Object> {
    private float centerx, centery, angle, scale;
    private double[] lastM;

    public RotateImageTransform(float angle) { this(null, 0, 0, angle, 0); }

    public RotateImageTransform(Random random, float angle) { this(random, 0, 0, angle, 0); }

    public RotateImageTransform(float centerx, float centery, float angle, float scale) { this(null, centerx, centery, angle, scale); }

    public RotateImageTransform(Random random, float centerx, float centery, float angle, float scale) {
        super(random);
        this.centerx = centerx; this.centery = centery; this.angle = angle; this.scale = scale;
    }

    /** OpenCV's rotation matrix: [a, b, (1-a)cx - b cy; -b, a, b cx + (1-a) cy] with a = s cos, b = s sin. */
    static double[] rotationMatrix(double cx, double cy, double degrees, double s) {
        double r = Math.toRadians(degrees), a = s * Math.cos(r), b = s * Math.sin(r);
        return new double[]{a, b, (1 - a) * cx - b * cy, -b, a, b * cx + (1 - a) * cy};
    }

    @Override
    protected ImageWritable doTransform(ImageWritable image, Random random) {
        int rows = image.getHeight(), cols = image.getWidth();
        float cy = rows / 2 + centery * factor(random);
        float cx = cols / 2 + centerx * factor(random);
        float a = angle * factor(random);
        float s = 1 + scale * factor(random);
        double[] m = rotationMatrix(cx, cy, a, s);
        lastM = m;
        // inverse of the 2x3 affine map for backward sampling
        double det = m[0] * m[4] - m[1] * m[3];
        if (Math.abs(det) < 1e-12) throw new IllegalArgumentException("RotateImageTransform: scale " + s + " collapses the image");
        double i0 = m[4] / det, i1 = -m[1] / det, i3 = -m[3] / det, i4 = m[0] / det;
        return remap(image, cols, rows, (x, y) -> {
            double dx = x - m[2], dy = y - m[5];
            return new double[]{i0 * dx + i1 * dy, i3 * dx + i4 * dy};
        });
    }

    @Override
    public float[] query(float... coordinates) {
        float[] out = coordinates.clone();
        if (lastM == null) return out;
        for (int i = 0; i + 1 < out.length; i += 2) {
            double x = coordinates[i], y = coordinates[i + 1];
            out[i] = (float) (lastM[0] * x + lastM[1] * y + lastM[2]);
            out[i + 1] = (float) (lastM[3] * x + lastM[4] * y + lastM[5]);
        }
        return out;
    }
}
