package org.pydl4j.datasets.image.transform;

import java.util.Random;
import org.pydl4j.datasets.image.data.ImageWritable;

/**
 * Crops images, as DataVec's CropImageTransform: removes cropTop, cropLeft, cropBottom, cropRight pixels from the
 * sides (with a random generator, {@code nextInt(max + 1)} pixels of each side, drawn top, left, bottom, right). The
 * crop keeps at least one pixel: top/left are limited to the last row/column, the size to at least 1.
 */
public class CropImageTransform extends BaseImageTransform<Object> {
    private int cropTop, cropLeft, cropBottom, cropRight;
    private int lastX, lastY;

    public CropImageTransform(int crop) { this(null, crop, crop, crop, crop); }

    public CropImageTransform(Random random, int crop) { this(random, crop, crop, crop, crop); }

    public CropImageTransform(int cropTop, int cropLeft, int cropBottom, int cropRight) { this(null, cropTop, cropLeft, cropBottom, cropRight); }

    public CropImageTransform(Random random, int cropTop, int cropLeft, int cropBottom, int cropRight) {
        super(random);
        if (cropTop < 0 || cropLeft < 0 || cropBottom < 0 || cropRight < 0) {
            throw new IllegalArgumentException("CropImageTransform: crops must be >= 0, got " + cropTop + ", " + cropLeft + ", " + cropBottom + ", " + cropRight);
        }
        this.cropTop = cropTop; this.cropLeft = cropLeft; this.cropBottom = cropBottom; this.cropRight = cropRight;
    }

    @Override
    protected ImageWritable doTransform(ImageWritable image, Random random) {
        int top = random != null ? random.nextInt(cropTop + 1) : cropTop;
        int left = random != null ? random.nextInt(cropLeft + 1) : cropLeft;
        int bottom = random != null ? random.nextInt(cropBottom + 1) : cropBottom;
        int right = random != null ? random.nextInt(cropRight + 1) : cropRight;
        int rows = image.getHeight(), cols = image.getWidth();
        int y = Math.min(top, rows - 1), x = Math.min(left, cols - 1);
        int h = Math.max(1, rows - bottom - y), w = Math.max(1, cols - right - x);
        lastX = x; lastY = y;
        float[][] in = image.planes();
        float[][] out = new float[in.length][w * h];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < in.length; c++) System.arraycopy(in[c], (y + r) * cols + x, out[c], r * w, w);
        }
        return ImageWritable.fromPlanes(out, w, h);
    }

    @Override
    public float[] query(float... coordinates) {
        float[] out = coordinates.clone();
        for (int i = 0; i + 1 < out.length; i += 2) { out[i] -= lastX; out[i + 1] -= lastY; }
        return out;
    }
}
