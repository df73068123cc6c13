package org.pydl4j.datasets.image.loader;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.File;
import java.io.IOException;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;

/**
 * Decodes an image file and turns it into a {@code [1, channels, height, width]} float array, named after
 * DataVec's {@code NativeImageLoader} so DL4J code ports with only its imports changed. It is not native:
 * decoding uses {@code javax.imageio} (JPEG, PNG, BMP, GIF, TIFF).
 *
 * <p>What it produces:
 * <ul>
 *   <li>Values are floats in 0..255 (8-bit samples as read; 16-bit and low-bit-depth samples are rescaled to
 *       0..255). No scaling to [0, 1]: use {@code ImagePreProcessingScaler} for that.</li>
 *   <li>Channel order is <b>RGB</b> (DataVec's OpenCV-based loader gives BGR; we give RGB so that the Python
 *       side and {@code VGG16ImagePreProcessor}'s means, listed R, G, B, line up).</li>
 *   <li>Grayscale images are repeated into 3 channels when 3 are asked for; colour images become grayscale
 *       when 1 channel is asked for, with luma {@code 0.299 R + 0.587 G + 0.114 B}. An alpha channel is
 *       dropped (not composited). Palette images are expanded through their palette.</li>
 *   <li>The whole image is stretched to {@code height x width} (no crop, no aspect preservation, as DataVec's
 *       default) by bilinear interpolation with pixel centres aligned: source coordinate
 *       {@code (dst + 0.5) * src / dst - 0.5}, clamped to the image (OpenCV's {@code INTER_LINEAR} rule), computed
 *       in floating point without rounding the result to integers.</li>
 *   <li>EXIF orientation is ignored: pixels are used in stored order, as {@code javax.imageio} decodes them.</li>
 * </ul>
 * Files that cannot be decoded (not an image, truncated beyond repair, CMYK/YCCK JPEG, WebP, ...) raise an
 * {@link IllegalArgumentException} naming the file.
 */
public class NativeImageLoader extends BaseImageLoader {

    private org.pydl4j.datasets.image.transform.ImageTransform imageTransform;

    public NativeImageLoader(long height, long width, long channels) {
        super(height, width, channels);
    }

    /** A loader that applies the transform to each decoded image before it is resized to height x width (as DataVec). */
    public NativeImageLoader(long height, long width, long channels, org.pydl4j.datasets.image.transform.ImageTransform imageTransform) {
        super(height, width, channels);
        this.imageTransform = imageTransform;
    }

    public void setImageTransform(org.pydl4j.datasets.image.transform.ImageTransform t) { this.imageTransform = t; }

    public org.pydl4j.datasets.image.transform.ImageTransform getImageTransform() { return imageTransform; }

    /** Reads the file as a {@code [1, channels, height, width]} FLOAT array. */
    public INDArray asMatrix(File file) {
        float[] data = new float[(int) (channels * height * width)];
        load(file, data, 0);
        return Nd4j.create(data, 1, channels, height, width);
    }

    /** Converts an already decoded image to a {@code [1, channels, height, width]} FLOAT array. */
    public INDArray asMatrix(BufferedImage image) {
        float[] data = new float[(int) (channels * height * width)];
        convert(image, data, 0);
        return Nd4j.create(data, 1, channels, height, width);
    }

    /** Decodes {@code file} and writes {@code channels*height*width} values (CHW) into {@code dst} at {@code offset}. */
    public void load(File file, float[] dst, int offset) {
        BufferedImage img = read(file);
        if (imageTransform != null) img = imageTransform.transform(new org.pydl4j.datasets.image.data.ImageWritable(img)).getImage();
        convert(img, dst, offset);
    }

    /**
     * Decodes an image file with {@code javax.imageio}; failures are IllegalArgumentExceptions naming the file.
     *
     * <p>Some JPEGs carry an embedded ICC profile that does not fit their components (for example a grayscale
     * profile on a 3-component YCbCr image; four such files are in the flower photos), which makes
     * {@code ImageIO.read} fail. For those the raw YCbCr samples are read without colour management and converted
     * to RGB with the JFIF formulas (rounded and clamped to 0..255, as libjpeg does); the ICC profile is ignored,
     * as most decoders (PIL, OpenCV) do.
     */
    public static BufferedImage read(File file) {
        if (!file.isFile()) throw new IllegalArgumentException("image file " + file.getAbsolutePath() + " does not exist or is not a file");
        BufferedImage img;
        try {
            img = ImageIO.read(file);
        } catch (IIOException | IllegalArgumentException | java.awt.color.CMMException e) {
            BufferedImage fallback = isJpeg(file) ? readJpegRaster(file, e, false) : null;
            if (fallback != null) return fallback;
            String msg = String.valueOf(e.getMessage());
            String hint = msg.contains("Unsupported Image Type")
                    ? " (a CMYK or YCCK JPEG, which javax.imageio cannot decode; convert it to RGB)" : "";
            throw new IllegalArgumentException("cannot decode image file " + file.getAbsolutePath() + ": " + msg + hint, e);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read image file " + file.getAbsolutePath() + ": " + e, e);
        }
        if (img == null) {
            throw new IllegalArgumentException("cannot decode image file " + file.getAbsolutePath()
                    + ": no javax.imageio decoder recognises it (not an image, or an unsupported format such as WebP)");
        }
        if (img.getWidth() < 1 || img.getHeight() < 1) {
            throw new IllegalArgumentException("image file " + file.getAbsolutePath() + " has no pixels");
        }
        return img;
    }

    private static boolean isJpeg(File f) {
        String n = f.getName().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".jpe") || n.endsWith(".jfif");
    }

    /**
     * Decodes a JPEG ignoring any embedded ICC profile (the fallback {@link #read} uses when ImageIO's colour
     * management fails): 1 band is gray, 3 bands YCbCr converted to RGB (taken as RGB if an Adobe marker says
     * transform 0). CMYK/YCCK or undecodable files raise an IllegalArgumentException naming the file.
     */
    public static BufferedImage readJpegIgnoringIcc(File file) {
        IllegalArgumentException err = new IllegalArgumentException("cannot decode JPEG file " + file.getAbsolutePath());
        BufferedImage img = readJpegRaster(file, err, true);
        if (img == null) throw err;
        return img;
    }

    private static BufferedImage readJpegRaster(File file, Exception original, boolean attachCause) {
        javax.imageio.stream.ImageInputStream in = null;
        javax.imageio.ImageReader reader = null;
        try {
            in = ImageIO.createImageInputStream(file);
            java.util.Iterator<javax.imageio.ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) return null;
            reader = readers.next();
            if (!"jpeg".equalsIgnoreCase(reader.getFormatName())) return null;
            reader.setInput(in);
            Raster ras = reader.readRaster(0, null);
            int bands = ras.getNumBands(), w = ras.getWidth(), h = ras.getHeight();
            if (bands == 4) {
                throw new IllegalArgumentException("cannot decode image file " + file.getAbsolutePath()
                        + ": a CMYK or YCCK JPEG, which javax.imageio cannot decode; convert it to RGB", original);
            }
            if (bands == 1) {
                BufferedImage g = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
                g.getRaster().setRect(ras);
                return g;
            }
            if (bands != 3) return null;
            boolean rgb = adobeTransform(reader) == 0;
            int[] px = ras.getPixels(0, 0, w, h, (int[]) null);
            BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            int[] argb = new int[w * h];
            for (int i = 0, j = 0; i < argb.length; i++, j += 3) {
                int r, g, b;
                if (rgb) {
                    r = px[j]; g = px[j + 1]; b = px[j + 2];
                } else {
                    double y = px[j], cb = px[j + 1] - 128.0, cr = px[j + 2] - 128.0;
                    r = clamp(y + 1.402 * cr);
                    g = clamp(y - 0.344136 * cb - 0.714136 * cr);
                    b = clamp(y + 1.772 * cb);
                }
                argb[i] = (r << 16) | (g << 8) | b;
            }
            out.setRGB(0, 0, w, h, argb, 0, w);
            return out;
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException && String.valueOf(e.getMessage()).startsWith("cannot decode image file")) throw (IllegalArgumentException) e;
            if (attachCause) original.initCause(e); else original.addSuppressed(e);
            return null;
        } finally {
            if (reader != null) reader.dispose();
            if (in != null) {
                try { in.close(); } catch (IOException ignored) { /* closing a read-only stream */ }
            }
        }
    }

    private static int clamp(double v) {
        long r = Math.round(v);
        return (int) Math.max(0, Math.min(255, r));
    }

    /** The transform of an Adobe APP14 marker, or -1 if there is none. */
    private static int adobeTransform(javax.imageio.ImageReader reader) throws IOException {
        javax.imageio.metadata.IIOMetadata meta = reader.getImageMetadata(0);
        if (meta == null) return -1;
        org.w3c.dom.Node root = meta.getAsTree("javax_imageio_jpeg_image_1.0");
        org.w3c.dom.Node adobe = find(root, "app14Adobe");
        if (adobe == null) return -1;
        org.w3c.dom.Node t = adobe.getAttributes().getNamedItem("transform");
        return t == null ? -1 : Integer.parseInt(t.getNodeValue());
    }

    private static org.w3c.dom.Node find(org.w3c.dom.Node n, String name) {
        if (name.equals(n.getNodeName())) return n;
        for (org.w3c.dom.Node c = n.getFirstChild(); c != null; c = c.getNextSibling()) {
            org.w3c.dom.Node hit = find(c, name);
            if (hit != null) return hit;
        }
        return null;
    }

    /** Converts {@code img} to CHW floats of this loader's size and channels, written into {@code dst} at {@code offset}. */
    public void convert(BufferedImage img, float[] dst, int offset) {
        int w = img.getWidth(), h = img.getHeight();
        float[][] planes = toPlanes(img);              // 1 (gray) or 3 (RGB) planes of h*w
        float[][] want;
        if (channels == 3) {
            want = planes.length == 3 ? planes : new float[][]{planes[0], planes[0], planes[0]};
        } else if (planes.length == 1) {
            want = planes;
        } else {
            float[] g = new float[w * h];
            for (int i = 0; i < g.length; i++) g[i] = (float) (0.299 * planes[0][i] + 0.587 * planes[1][i] + 0.114 * planes[2][i]);
            want = new float[][]{g};
        }
        int plane = (int) (height * width);
        for (int c = 0; c < channels; c++) resize(want[c], h, w, dst, offset + c * plane, (int) height, (int) width);
    }

    /** Gray images give one plane, everything else R, G, B planes, values 0..255 (used by image transforms). */
    public static float[][] planesOf(BufferedImage img) { return toPlanes(img); }

    /** Bilinear resize of one plane, as {@link #convert} resizes (pixel-centre aligned, clamped at the borders). */
    public static void resizePlane(float[] src, int sh, int sw, float[] dst, int off, int dh, int dw) { resize(src, sh, sw, dst, off, dh, dw); }

    /** Gray images give one plane, everything else R, G, B planes, values 0..255. */
    static float[][] toPlanes(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight(), n = w * h;
        ColorModel cm = img.getColorModel();
        Raster ras = img.getRaster();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(cm instanceof IndexColorModel)) {
            // raw samples: getRGB would push linear-gray values through a colour conversion and change them
            int bits = cm.getComponentSize(0);
            float scale = (float) (255.0 / ((1L << bits) - 1));
            int[] s = ras.getSamples(0, 0, w, h, 0, (int[]) null);
            float[] g = new float[n];
            for (int i = 0; i < n; i++) g[i] = bits == 8 ? s[i] : s[i] * scale;
            return new float[][]{g};
        }
        float[] r = new float[n], gr = new float[n], b = new float[n];
        if (cm instanceof ComponentColorModel && cm.getColorSpace().isCS_sRGB() && cm.getNumColorComponents() == 3
                && cm.getComponentSize(0) == 8 && cm.getComponentSize(1) == 8 && cm.getComponentSize(2) == 8) {
            int bands = ras.getNumBands();             // 3, or 4 with alpha (ignored)
            int[] px = ras.getPixels(0, 0, w, h, (int[]) null);
            for (int i = 0, j = 0; i < n; i++, j += bands) { r[i] = px[j]; gr[i] = px[j + 1]; b[i] = px[j + 2]; }
        } else {
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < n; i++) {
                int p = argb[i];
                r[i] = (p >> 16) & 0xFF; gr[i] = (p >> 8) & 0xFF; b[i] = p & 0xFF;
            }
        }
        return new float[][]{r, gr, b};
    }

    /** Bilinear resize of one plane (pixel-centre aligned, clamped at the borders). */
    static void resize(float[] src, int sh, int sw, float[] dst, int off, int dh, int dw) {
        if (sh == dh && sw == dw) {
            System.arraycopy(src, 0, dst, off, sh * sw);
            return;
        }
        int[] x0 = new int[dw], x1 = new int[dw];
        float[] fx = new float[dw];
        axis(sw, dw, x0, x1, fx);
        int[] y0 = new int[dh], y1 = new int[dh];
        float[] fy = new float[dh];
        axis(sh, dh, y0, y1, fy);
        for (int y = 0; y < dh; y++) {
            int r0 = y0[y] * sw, r1 = y1[y] * sw;
            float wy = fy[y];
            int o = off + y * dw;
            for (int x = 0; x < dw; x++) {
                float wx = fx[x];
                float top = src[r0 + x0[x]] + (src[r0 + x1[x]] - src[r0 + x0[x]]) * wx;
                float bot = src[r1 + x0[x]] + (src[r1 + x1[x]] - src[r1 + x0[x]]) * wx;
                dst[o + x] = top + (bot - top) * wy;
            }
        }
    }

    private static void axis(int s, int d, int[] i0, int[] i1, float[] f) {
        double scale = (double) s / d;
        for (int i = 0; i < d; i++) {
            double pos = (i + 0.5) * scale - 0.5;
            if (pos < 0) pos = 0;
            int lo = (int) Math.floor(pos);
            if (lo >= s - 1) { i0[i] = s - 1; i1[i] = s - 1; f[i] = 0f; continue; }
            i0[i] = lo;
            i1[i] = lo + 1;
            f[i] = (float) (pos - lo);
        }
    }
}
