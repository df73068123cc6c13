package org.pydl4j.datasets.image.transform;

import java.util.Random;
import org.pydl4j.datasets.image.data.ImageWritable;

/**
 * Scales images by a number of pixels, as DataVec's ScaleImageTransform: the new size is
 * {@code round(height + dy * u)} x {@code round(width + dx * u)} (u drawn for the height first, then the width; u = 1
 * without a generator), at least 1 pixel.
 */
public class ScaleImageTransform extends BaseImageTransform<Object> {
    private float dx, dy;
    private float lastSx = 1, lastSy = 1;

    public ScaleImageTransform(float delta) { this(null, delta, delta); }

    public ScaleImageTransform(Random random, float delta) { this(random, delta, delta); }

    public ScaleImageTransform(float dx, float dy) { this(null, dx, dy); }

    public ScaleImageTransform(Random random, float dx, float dy) {
        super(random);
        this.dx = dx;
        this.dy = dy;
    }

    @Override
    protected ImageWritable doTransform(ImageWritable image, Random random) {
        int h = Math.max(1, Math.round(image.getHeight() + dy * factor(random)));
        int w = Math.max(1, Math.round(image.getWidth() + dx * factor(random)));
        lastSx = w / (float) image.getWidth();
        lastSy = h / (float) image.getHeight();
        return ResizeImageTransform.resize(image, w, h);
    }

    @Override
    public float[] query(float... coordinates) {
        float[] out = coordinates.clone();
        for (int i = 0; i + 1 < out.length; i += 2) { out[i] *= lastSx; out[i + 1] *= lastSy; }
        return out;
    }
}
