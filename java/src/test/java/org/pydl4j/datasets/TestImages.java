package org.pydl4j.datasets;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import javax.imageio.ImageIO;

/** Writes small generated images for the tests. */
final class TestImages {
    private TestImages() {}

    static File solidRgb(File dir, String name, int w, int h, int r, int g, int b, String format) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int rgb = (r << 16) | (g << 8) | b;
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb);
        return write(img, dir, name, format);
    }

    static File gray(File dir, String name, int[][] values, String format) throws IOException {
        int h = values.length, w = values[0].length;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, values[y][x]);
        return write(img, dir, name, format);
    }

    static File write(BufferedImage img, File dir, String name, String format) throws IOException {
        dir.mkdirs();
        File f = new File(dir, name);
        if (!ImageIO.write(img, format, f)) throw new IOException("no ImageIO writer for " + format);
        return f;
    }

    /** Empty files are enough for split and filter tests, which never decode. */
    static File touch(File dir, String name) throws IOException {
        dir.mkdirs();
        File f = new File(dir, name);
        if (!f.createNewFile()) throw new IOException("exists: " + f);
        return f;
    }
}
