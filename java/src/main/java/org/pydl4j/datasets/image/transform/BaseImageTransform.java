package org.pydl4j.datasets.image.transform;

import java.util.Random;
import org.pydl4j.datasets.image.data.ImageWritable;

/**
 * The plumbing of every transform, as DataVec's BaseImageTransform: the random generator given at construction
 * (null: deterministic) drives {@link #transform(ImageWritable)}; subclasses implement {@link #doTransform} and keep
 * what {@link #query} needs. A draw is {@code u = 2 * nextFloat() - 1} in [-1, 1) per random parameter, in
 * DataVec's order, or 1 when deterministic.
 */
public abstract class BaseImageTransform<T> implements ImageTransform {
    protected Random random;
    protected ImageWritable currentImage;

    protected BaseImageTransform(Random random) { this.random = random; }

    @Override
    public ImageWritable transform(ImageWritable image) { return transform(image, random); }

    @Override
    public ImageWritable transform(ImageWritable image, Random random) {
        if (image == null) return null;
        currentImage = doTransform(image, random);
        return currentImage;
    }

    protected abstract ImageWritable doTransform(ImageWritable image, Random random);

    @Override
    public ImageWritable getCurrentImage() { return currentImage; }

    /** DataVec's factor for a random extent: 2u - 1 in [-1, 1), or 1 without a generator. */
    protected static float factor(Random random) { return random != null ? 2 * random.nextFloat() - 1 : 1; }

    /** Bilinear sample of a plane at (x, y) in pixel coordinates; 0 outside (OpenCV's constant border). */
    protected static float sample(float[] p, int w, int h, double x, double y) {
        int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
        double fx = x - x0, fy = y - y0;
        double v = 0;
        for (int dy = 0; dy <= 1; dy++) {
            for (int dx = 0; dx <= 1; dx++) {
                int xi = x0 + dx, yi = y0 + dy;
                if (xi < 0 || yi < 0 || xi >= w || yi >= h) continue;
                double wgt = (dx == 0 ? 1 - fx : fx) * (dy == 0 ? 1 - fy : fy);
                v += wgt * p[yi * w + xi];
            }
        }
        return (float) v;
    }

    /** Output planes of size w x h where pixel (x, y) samples the input at inverse(x, y) (bilinear, 0 outside). */
    protected static ImageWritable remap(ImageWritable image, int w, int h, java.util.function.BiFunction<Integer, Integer, double[]> inverse) {
        float[][] in = image.planes();
        int iw = image.getWidth(), ih = image.getHeight();
        float[][] out = new float[in.length][w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double[] s = inverse.apply(x, y);
                for (int c = 0; c < in.length; c++) out[c][y * w + x] = sample(in[c], iw, ih, s[0], s[1]);
            }
        }
        return ImageWritable.fromPlanes(out, w, h);
    }
}
