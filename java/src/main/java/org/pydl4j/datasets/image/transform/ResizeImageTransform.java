package org.pydl4j.datasets.image.transform;

import java.util.Random;
import org.pydl4j.datasets.image.data.ImageWritable;
import org.pydl4j.datasets.image.loader.NativeImageLoader;

/** Resizes every image to newWidth x newHeight (bilinear), as DataVec's ResizeImageTransform. */
public class ResizeImageTransform extends BaseImageTransform<Object> {
    private int newWidth, newHeight;
    private float lastSx = 1, lastSy = 1;

    public ResizeImageTransform(int newWidth, int newHeight) { this(null, newWidth, newHeight); }

    public ResizeImageTransform(Random random, int newWidth, int newHeight) {
        super(random);
        if (newWidth < 1 || newHeight < 1) throw new IllegalArgumentException("ResizeImageTransform: size must be positive, got " + newWidth + "x" + newHeight);
        this.newWidth = newWidth;
        this.newHeight = newHeight;
    }

    @Override
    protected ImageWritable doTransform(ImageWritable image, Random random) {
        lastSx = newWidth / (float) image.getWidth();
        lastSy = newHeight / (float) image.getHeight();
        return resize(image, newWidth, newHeight);
    }

    /** Bilinear resize (the image loader's resampling, as OpenCV's INTER_LINEAR). */
    static ImageWritable resize(ImageWritable image, int w, int h) {
        float[][] in = image.planes();
        float[][] out = new float[in.length][w * h];
        for (int c = 0; c < in.length; c++) NativeImageLoader.resizePlane(in[c], image.getHeight(), image.getWidth(), out[c], 0, h, w);
        return ImageWritable.fromPlanes(out, w, h);
    }

    @Override
    public float[] query(float... coordinates) {
        float[] out = coordinates.clone();
        for (int i = 0; i + 1 < out.length; i += 2) { out[i] *= lastSx; out[i + 1] *= lastSy; }
        return out;
    }
}
