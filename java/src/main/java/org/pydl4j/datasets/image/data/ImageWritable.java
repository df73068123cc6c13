package org.pydl4j.datasets.image.data;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import org.pydl4j.datasets.image.loader.NativeImageLoader;

/**
 * A decoded image passed between image transforms, as DataVec's {@code ImageWritable} (which wraps an OpenCV frame;
 * this one wraps Java's own image). Gray images keep one channel, everything else is RGB.
 */
public class ImageWritable {
    private final BufferedImage image;

    public ImageWritable(BufferedImage image) {
        if (image == null) throw new IllegalArgumentException("ImageWritable: image is null");
        this.image = image;
    }

    /** The image (Java's counterpart of DataVec's {@code getFrame()}). */
    public BufferedImage getImage() { return image; }

    public int getWidth() { return image.getWidth(); }
    public int getHeight() { return image.getHeight(); }

    /** Number of channels: 1 (gray) or 3 (RGB). */
    public int getDepth() { return planes().length; }

    /** The pixels as 1 or 3 planes of height*width values 0..255 (row-major). */
    public float[][] planes() { return NativeImageLoader.planesOf(image); }

    /** An image from 1 (gray) or 3 (RGB) planes; values are rounded and clamped to 0..255. */
    public static ImageWritable fromPlanes(float[][] planes, int width, int height) {
        if (planes.length != 1 && planes.length != 3) throw new IllegalArgumentException("ImageWritable: 1 or 3 planes expected, got " + planes.length);
        if (width < 1 || height < 1) throw new IllegalArgumentException("ImageWritable: empty image " + width + "x" + height);
        int n = width * height;
        if (planes.length == 1) {
            BufferedImage g = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
            WritableRaster r = g.getRaster();
            int[] s = new int[n];
            for (int i = 0; i < n; i++) s[i] = clamp(planes[0][i]);
            r.setSamples(0, 0, width, height, 0, s);
            return new ImageWritable(g);
        }
        BufferedImage rgb = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] px = new int[n];
        for (int i = 0; i < n; i++) px[i] = (clamp(planes[0][i]) << 16) | (clamp(planes[1][i]) << 8) | clamp(planes[2][i]);
        rgb.setRGB(0, 0, width, height, px, 0, width);
        return new ImageWritable(rgb);
    }

    private static int clamp(float v) { return Math.max(0, Math.min(255, Math.round(v))); }
}
