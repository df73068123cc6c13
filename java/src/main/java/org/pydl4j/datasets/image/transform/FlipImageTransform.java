package org.pydl4j.datasets.image.transform;

import java.util.Random;
import org.pydl4j.datasets.image.data.ImageWritable;

/**
 * Flips images, as DataVec's FlipImageTransform with OpenCV's flip codes: 0 flips around the x-axis (upside
 * down), a positive mode around the y-axis (mirror), a negative mode around both. With a random generator each call
 * draws {@code nextInt(4) - 2}: -2 leaves the image as it is, -1, 0, 1 flip as above.
 */
public class FlipImageTransform extends BaseImageTransform<Object> {
    private int flipMode;
    private int lastMode, lastW, lastH;

    /** Deterministic flip mode 0 (around the x-axis), as DataVec's no-argument constructor. */
    public FlipImageTransform() { this((Random) null); }

    public FlipImageTransform(int flipMode) {
        this((Random) null);
        this.flipMode = flipMode;
    }

    public FlipImageTransform(Random random) { super(random); }

    @Override
    protected ImageWritable doTransform(ImageWritable image, Random random) {
        int mode = random != null ? random.nextInt(4) - 2 : flipMode;
        int w = image.getWidth(), h = image.getHeight();
        lastMode = mode; lastW = w; lastH = h;
        float[][] in = image.planes();
        if (mode < -1) return ImageWritable.fromPlanes(in, w, h);
        boolean flipY = mode <= 0, flipX = mode != 0;   // 0: rows reversed; >0: columns; <0: both
        float[][] out = new float[in.length][w * h];
        for (int y = 0; y < h; y++) {
            int sy = flipY ? h - 1 - y : y;
            for (int x = 0; x < w; x++) {
                int sx = flipX ? w - 1 - x : x;
                for (int c = 0; c < in.length; c++) out[c][y * w + x] = in[c][sy * w + sx];
            }
        }
        return ImageWritable.fromPlanes(out, w, h);
    }

    @Override
    public float[] query(float... coordinates) {
        float[] out = coordinates.clone();
        if (lastMode < -1) return out;
        for (int i = 0; i + 1 < out.length; i += 2) {
            if (lastMode != 0) out[i] = lastW - 1 - out[i];
            if (lastMode <= 0) out[i + 1] = lastH - 1 - out[i + 1];
        }
        return out;
    }
}
