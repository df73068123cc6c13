package org.pydl4j.nd.dataset.preprocessor.serializer;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.dataset.preprocessor.ImagePreProcessingScaler;
import org.pydl4j.nd.dataset.preprocessor.Normalizer;
import org.pydl4j.nd.dataset.preprocessor.NormalizerMinMaxScaler;
import org.pydl4j.nd.dataset.preprocessor.NormalizerStandardize;
import org.pydl4j.nd.dataset.preprocessor.VGG16ImagePreProcessor;
import org.pydl4j.util.serde.AtomicFiles;
import org.pydl4j.util.serde.Nd4jBinary;

/**
 * Saves and restores normalizers, as ND4J's {@code NormalizerSerializer} ({@code getDefault().write(normalizer,
 * file)} / {@code restore(file)}). Layout (ND4J's header, then the type's fields; arrays in ND4J's binary array
 * format):
 * <pre>
 *   writeUTF("NORMALIZER") writeInt(1) writeUTF(type)
 *   STANDARDIZE   boolean fitLabel, mean, std [, labelMean, labelStd]
 *   MIN_MAX       boolean fitLabel, double targetMin, double targetMax, min, max [, labelMin, labelMax]
 *   IMAGE_MIN_MAX double minRange, double maxRange, double maxPixelVal
 *   IMAGE_VGG16   (nothing)
 * </pre>
 * Reading is bounded: at most {@link #MAX_BYTES} bytes, arrays of at most {@link #MAX_FEATURES} values, every value
 * checked (finite, consistent lengths), nothing left over; problems are IOExceptions naming the source. Writing a
 * file is atomic.
 */
public final class NormalizerSerializer {
    public static final String HEADER = "NORMALIZER";
    public static final int VERSION = 1;
    /** Largest normalizer file read (statistics of a few million features fit easily). */
    public static final long MAX_BYTES = 64L << 20;
    public static final long MAX_FEATURES = 1L << 22;

    private static final NormalizerSerializer DEFAULT = new NormalizerSerializer();

    private NormalizerSerializer() {}

    public static NormalizerSerializer getDefault() { return DEFAULT; }

    public void write(Normalizer<?> normalizer, File file) throws IOException {
        if (normalizer == null) throw new IllegalArgumentException("NormalizerSerializer.write: normalizer is null");
        AtomicFiles.write(file.toPath(), out -> write(normalizer, out));
    }

    public void write(Normalizer<?> normalizer, String path) throws IOException { write(normalizer, new File(path)); }

    /** Writes to a stream (flushed, not closed). */
    public void write(Normalizer<?> normalizer, OutputStream stream) throws IOException {
        if (normalizer == null) throw new IllegalArgumentException("NormalizerSerializer.write: normalizer is null");
        DataOutputStream out = new DataOutputStream(stream);
        out.writeUTF(HEADER);
        out.writeInt(VERSION);
        out.writeUTF(normalizer.getType().name());
        if (normalizer instanceof NormalizerStandardize) {
            NormalizerStandardize n = (NormalizerStandardize) normalizer;
            requireFit(n.isFit(), n);
            out.writeBoolean(n.isFitLabel());
            Nd4jBinary.write(n.getMean(), out);
            Nd4jBinary.write(n.getStd(), out);
            if (n.isFitLabel()) { Nd4jBinary.write(n.getLabelMean(), out); Nd4jBinary.write(n.getLabelStd(), out); }
        } else if (normalizer instanceof NormalizerMinMaxScaler) {
            NormalizerMinMaxScaler n = (NormalizerMinMaxScaler) normalizer;
            requireFit(n.isFit(), n);
            out.writeBoolean(n.isFitLabel());
            out.writeDouble(n.getTargetMin());
            out.writeDouble(n.getTargetMax());
            Nd4jBinary.write(n.getMin(), out);
            Nd4jBinary.write(n.getMax(), out);
            if (n.isFitLabel()) { Nd4jBinary.write(n.getLabelMin(), out); Nd4jBinary.write(n.getLabelMax(), out); }
        } else if (normalizer instanceof ImagePreProcessingScaler) {
            ImagePreProcessingScaler n = (ImagePreProcessingScaler) normalizer;
            out.writeDouble(n.getMinRange());
            out.writeDouble(n.getMaxRange());
            out.writeDouble(n.getMaxPixelVal());
        } else if (!(normalizer instanceof VGG16ImagePreProcessor)) {
            throw new IllegalArgumentException("NormalizerSerializer: no strategy for " + normalizer.getClass().getName());
        }
        out.flush();
    }

    private static void requireFit(boolean fit, Object n) {
        if (!fit) throw new IllegalStateException("NormalizerSerializer: " + n.getClass().getSimpleName() + " is not fitted");
    }

    public <T extends Normalizer<?>> T restore(String path) throws IOException { return restore(new File(path)); }

    public <T extends Normalizer<?>> T restore(File file) throws IOException {
        if (!file.isFile()) throw new IOException(file + ": no such normalizer file");
        if (file.length() > MAX_BYTES) throw new IOException(file + ": " + file.length() + " bytes is too large for a normalizer (limit " + MAX_BYTES + ")");
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file.toPath()))) {
            return restore(in, file.toString());
        }
    }

    public <T extends Normalizer<?>> T restore(InputStream stream) throws IOException { return restore(stream, "<normalizer stream>"); }

    /** Reads a normalizer; source names the file (or zip entry) in errors. */
    @SuppressWarnings("unchecked")
    public <T extends Normalizer<?>> T restore(InputStream stream, String source) throws IOException {
        byte[] bytes = stream.readNBytes((int) MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) throw new IOException(source + ": more than " + MAX_BYTES + " bytes; not a normalizer");
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        try {
            Normalizer<?> n = read(in, source);
            if (in.available() > 0) throw new IOException(source + ": " + in.available() + " unexpected bytes after the normalizer");
            return (T) n;
        } catch (EOFException e) {
            throw new IOException(source + ": truncated normalizer file", e);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": invalid normalizer: " + e.getMessage(), e);
        }
    }

    private static Normalizer<?> read(DataInputStream in, String source) throws IOException {
        String header = in.readUTF();
        if (!HEADER.equals(header)) throw new IOException(source + ": not a normalizer file (header '" + printable(header) + "')");
        int version = in.readInt();
        if (version != VERSION) throw new IOException(source + ": normalizer format version " + version + " is not supported (" + VERSION + " is)");
        String typeName = in.readUTF();
        NormalizerType type;
        try {
            type = NormalizerType.valueOf(typeName);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": unknown normalizer type '" + printable(typeName) + "'");
        }
        switch (type) {
            case STANDARDIZE: {
                boolean fitLabel = in.readBoolean();
                NormalizerStandardize n = new NormalizerStandardize(array(in, source, -1), array(in, source, -1));
                if (fitLabel) { n.setLabelStats(array(in, source, -1), array(in, source, -1)); n.fitLabel(true); }
                return n;
            }
            case MIN_MAX: {
                boolean fitLabel = in.readBoolean();
                NormalizerMinMaxScaler n = new NormalizerMinMaxScaler(in.readDouble(), in.readDouble());
                n.setFeatureStats(array(in, source, -1), array(in, source, -1));
                if (fitLabel) { n.setLabelStats(array(in, source, -1), array(in, source, -1)); n.fitLabel(true); }
                return n;
            }
            case IMAGE_MIN_MAX: {
                double lo = in.readDouble(), hi = in.readDouble(), maxPixel = in.readDouble();
                int bits = 64 - Long.numberOfLeadingZeros((long) maxPixel);
                if (!(maxPixel >= 1 && maxPixel <= Integer.MAX_VALUE) || Math.pow(2, bits) - 1 != maxPixel) {
                    throw new IOException(source + ": image scaler max pixel value " + maxPixel + " is not 2^bits - 1");
                }
                return new ImagePreProcessingScaler(lo, hi, bits);
            }
            case IMAGE_VGG16: return new VGG16ImagePreProcessor();
            default: throw new IOException(source + ": normalizer type " + type + " cannot be restored by this library");
        }
    }

    private static INDArray array(DataInputStream in, String source, long expected) throws IOException {
        return Nd4jBinary.read(in, source, expected, MAX_FEATURES);
    }

    private static String printable(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
