package org.pydl4j.datasets.fetchers;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.zip.GZIPInputStream;

/**
 * Reads MNIST's idx files (gzip-compressed or plain): a big-endian header {@code 0x00000803, count, rows, cols}
 * for images (unsigned bytes, row-major) or {@code 0x00000801, count} for labels. Every declared size is checked
 * before anything is allocated; at most {@code limit} examples are read.
 */
public final class IdxFile {
    private IdxFile() {}

    public static final int IMAGES_MAGIC = 0x00000803, LABELS_MAGIC = 0x00000801;
    public static final int MAX_COUNT = 10_000_000, MAX_SIDE = 1024;

    /** Images: count, rows, cols and the pixels of the first min(count, limit) images. */
    public record Images(int count, int rows, int cols, byte[] pixels) {}

    private static InputStream open(File f) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(f.toPath()), 1 << 16);
        return f.getName().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    public static Images readImages(File f, int limit) throws IOException {
        try (DataInputStream in = new DataInputStream(open(f))) {
            int magic = in.readInt();
            if (magic != IMAGES_MAGIC) throw new IOException(f + ": not an idx image file (magic 0x" + Integer.toHexString(magic) + ", expected 0x803)");
            int count = in.readInt(), rows = in.readInt(), cols = in.readInt();
            if (count < 0 || count > MAX_COUNT) throw new IOException(f + ": declares " + count + " images (limit " + MAX_COUNT + ")");
            if (rows < 1 || cols < 1 || rows > MAX_SIDE || cols > MAX_SIDE) throw new IOException(f + ": declares images of " + rows + "x" + cols + " pixels");
            int n = Math.min(count, limit);
            long bytes = (long) n * rows * cols;
            if (bytes > Integer.MAX_VALUE - 8) throw new IOException(f + ": " + n + " images of " + rows + "x" + cols + " do not fit in memory at once; read fewer");
            byte[] px = new byte[(int) bytes];
            in.readFully(px);
            return new Images(n, rows, cols, px);
        } catch (EOFException e) {
            throw new IOException(f + ": truncated (ends before the declared number of images)", e);
        }
    }

    /** The first min(count, limit) labels, each checked to be below numClasses (after subtracting offset). */
    public static int[] readLabels(File f, int limit, int numClasses, int offset) throws IOException {
        try (DataInputStream in = new DataInputStream(open(f))) {
            int magic = in.readInt();
            if (magic != LABELS_MAGIC) throw new IOException(f + ": not an idx label file (magic 0x" + Integer.toHexString(magic) + ", expected 0x801)");
            int count = in.readInt();
            if (count < 0 || count > MAX_COUNT) throw new IOException(f + ": declares " + count + " labels (limit " + MAX_COUNT + ")");
            int n = Math.min(count, limit);
            byte[] raw = new byte[n];
            in.readFully(raw);
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = (raw[i] & 0xff) - offset;
                if (out[i] < 0 || out[i] >= numClasses) throw new IOException(f + ": label " + (raw[i] & 0xff) + " of example " + i + " is outside 0.." + (numClasses - 1 + offset));
            }
            return out;
        } catch (EOFException e) {
            throw new IOException(f + ": truncated (ends before the declared number of labels)", e);
        }
    }
}
