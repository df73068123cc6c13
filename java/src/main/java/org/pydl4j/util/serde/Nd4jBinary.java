package org.pydl4j.util.serde;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;

/**
 * ND4J's binary array format, as written by {@code Nd4j.write(INDArray, DataOutputStream)} and read by
 * {@code Nd4j.read(DataInputStream)} (and used for DL4J's {@code coefficients.bin} / {@code updaterState.bin}).
 *
 * <p>An array is two buffers, the shape information then the data, each written as (ND4J's
 * {@code BaseDataBuffer.write}/{@code readHeader}):
 * <pre>
 *   writeUTF(allocation mode name)   DIRECT, HEAP, JAVACPP (old), LONG_SHAPE, MIXED_DATA_TYPES (new)
 *   length                           writeInt when the mode's ordinal is below 3 (DIRECT, HEAP, JAVACPP), else writeLong
 *   writeUTF(data type name)         INT / LONG for shape info; FLOAT, DOUBLE, HALF, BFLOAT16 for data
 *   length values, big-endian
 * </pre>
 * The shape information is {@code [rank, shape..., stride..., offset-or-extras, elementWiseStride, order]},
 * length {@code 2*rank+4}; order is the character code of 'c' (99) or 'f' (102). Old files (ND4J before 1.0)
 * hold it as INT with an offset in the extras slot; new ones as LONG with data-type flags there (libnd4j
 * ArrayOptions: HALF 4096, FLOAT 8192, DOUBLE 16384), which are ignored on reading.
 *
 * <p>Reading validates every length against the caller's limit before allocating, so a corrupt or hostile file is
 * an {@link IOException} naming the source, never an out-of-memory. Writing produces the new variant.
 */
public final class Nd4jBinary {
    private Nd4jBinary() {}

    /** ND4J's {@code DataBuffer.AllocationMode}, in declaration order (the ordinal decides int vs long length). */
    static final List<String> ALLOCATION_MODES = List.of("DIRECT", "HEAP", "JAVACPP", "LONG_SHAPE", "MIXED_DATA_TYPES");

    static final int MAX_RANK = 32;
    static final long FLAG_HALF = 4096, FLAG_FLOAT = 8192, FLAG_DOUBLE = 16384;

    /** A decoded buffer header. */
    static final class Header {
        final String mode;
        final long length;
        final String type;

        Header(String mode, long length, String type) { this.mode = mode; this.length = length; this.type = type; }
    }

    /** Reads one array with no expectation about its size (at most Integer.MAX_VALUE elements). */
    public static INDArray read(InputStream in, String source) throws IOException {
        return read(in, source, -1, Integer.MAX_VALUE);
    }

    /**
     * Reads one array.
     *
     * @param source         named in errors (file and entry)
     * @param expectedLength required number of elements, or -1 for any
     * @param maxElements    upper bound on the number of elements (checked before allocating)
     */
    public static INDArray read(InputStream in, String source, long expectedLength, long maxElements) throws IOException {
        DataInputStream dis = in instanceof DataInputStream ? (DataInputStream) in : new DataInputStream(in);
        try {
            return readArray(dis, source, expectedLength, Math.min(maxElements, Integer.MAX_VALUE));
        } catch (EOFException e) {
            throw new ModelFileException(source, source + ": truncated ND4J array (unexpected end of data)", e);
        }
    }

    private static INDArray readArray(DataInputStream in, String source, long expectedLength, long maxElements) throws IOException {
        Header sh = readHeader(in, source, "shape information");
        boolean longShape;
        if (sh.type.equals("LONG")) longShape = true;
        else if (sh.type.equals("INT")) longShape = false;
        else throw bad(source, "shape information has data type " + sh.type + ", expected INT or LONG");
        if (sh.length < 4 || sh.length > 2L * MAX_RANK + 4) {
            throw bad(source, "shape information length " + sh.length + " is not 2*rank+4 for a rank in [0, " + MAX_RANK + "]");
        }
        long[] info = new long[(int) sh.length];
        for (int i = 0; i < info.length; i++) info[i] = longShape ? in.readLong() : in.readInt();
        long rankL = info[0];
        if (rankL < 0 || rankL > MAX_RANK || 2 * rankL + 4 != sh.length) {
            throw bad(source, "rank " + rankL + " does not match shape information length " + sh.length);
        }
        int rank = (int) rankL;
        long[] shape = Arrays.copyOfRange(info, 1, 1 + rank);
        long[] stride = Arrays.copyOfRange(info, 1 + rank, 1 + 2 * rank);
        long offset = longShape ? 0 : info[1 + 2 * rank];   // new format: data-type flags, not an offset
        char order = (char) info[3 + 2 * rank];
        if (order != 'c' && order != 'f') throw bad(source, "order code " + info[3 + 2 * rank] + " is neither 'c' (99) nor 'f' (102)");
        long n = 1;
        for (long d : shape) {
            if (d < 0) throw bad(source, "negative dimension in shape " + Arrays.toString(shape));
            n = Math.multiplyExact(n, d);
            if (n > maxElements) throw bad(source, "shape " + Arrays.toString(shape) + " exceeds the limit of " + maxElements + " elements");
        }
        if (expectedLength >= 0 && n != expectedLength) {
            throw bad(source, "array of shape " + Arrays.toString(shape) + " has " + n + " elements, expected " + expectedLength);
        }
        if (offset < 0) throw bad(source, "negative offset " + offset);
        long extent = offset;   // one past the largest buffer index the shape and strides reach
        if (n > 0) {
            for (int d = 0; d < rank; d++) {
                if (stride[d] < 0) throw bad(source, "negative stride in " + Arrays.toString(stride));
                extent += (shape[d] - 1) * stride[d];
            }
            extent += 1;
        }

        Header dh = readHeader(in, source, "data");
        int width;
        switch (dh.type) {
            case "FLOAT": width = 4; break;
            case "DOUBLE": width = 8; break;
            case "HALF": case "BFLOAT16": width = 2; break;
            case "COMPRESSED": throw bad(source, "compressed ND4J buffers are not supported");
            default: throw bad(source, "data type " + dh.type + " is not supported (FLOAT, DOUBLE, HALF, BFLOAT16 are)");
        }
        if (dh.length < extent || dh.length > Math.max(extent, n)) {
            throw bad(source, "data buffer holds " + dh.length + " values but shape " + Arrays.toString(shape) + " with strides "
                    + Arrays.toString(stride) + " needs " + extent);
        }
        DataType outType = width == 8 ? DataType.DOUBLE : DataType.FLOAT;
        boolean cDense = dh.length == n
                && (n <= 1 || offset == 0 && order == 'c' && Arrays.equals(stride, defaultStrides(shape, 'c')));
        if (cDense) {
            INDArray out = Nd4j.createUninitialized(outType, shape);
            readValues(in, dh.type, width, dh.length, out, 0);
            return out;
        }
        // general case: read the raw buffer, then gather by strides into C order
        INDArray raw = Nd4j.createUninitialized(outType, dh.length);
        readValues(in, dh.type, width, dh.length, raw, 0);
        INDArray out = Nd4j.createUninitialized(outType, shape);
        long[] idx = new long[rank];
        for (int o = 0; o < n; o++) {
            long src = offset;
            for (int d = 0; d < rank; d++) src += idx[d] * stride[d];
            out.putLinear(o, raw.getDoubleLinear((int) src));
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return out;
    }

    /** Reads count big-endian values of the given type into dst starting at linear position start. */
    private static void readValues(DataInputStream in, String type, int width, long count, INDArray dst, int start) throws IOException {
        final int chunk = 1 << 16;
        byte[] bytes = new byte[(int) Math.min(count, chunk) * width];
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        FloatBuffer fdst = dst.dataType() == DataType.FLOAT ? dst.floatBuffer() : null;
        long done = 0;
        while (done < count) {
            int k = (int) Math.min(chunk, count - done);
            in.readFully(bytes, 0, k * width);
            int pos = start + (int) done;
            switch (type) {
                case "FLOAT":
                    if (fdst != null) {
                        fdst.position(pos);
                        bb.clear();
                        FloatBuffer src = bb.asFloatBuffer();
                        src.limit(k);
                        fdst.put(src);
                    } else {
                        for (int i = 0; i < k; i++) dst.putLinear(pos + i, bb.getFloat(i * 4));
                    }
                    break;
                case "DOUBLE":
                    for (int i = 0; i < k; i++) dst.putLinear(pos + i, bb.getDouble(i * 8));
                    break;
                case "HALF":
                    for (int i = 0; i < k; i++) dst.putLinear(pos + i, halfToFloat(bb.getShort(i * 2)));
                    break;
                default:   // BFLOAT16: the upper 16 bits of a float
                    for (int i = 0; i < k; i++) dst.putLinear(pos + i, Float.intBitsToFloat((bb.getShort(i * 2) & 0xffff) << 16));
            }
            done += k;
        }
    }

    static Header readHeader(DataInputStream in, String source, String what) throws IOException {
        String mode = readShortUtf(in, source, what);
        int ordinal = ALLOCATION_MODES.indexOf(mode);
        if (ordinal < 0) {
            throw bad(source, what + " buffer has unknown allocation mode '" + printable(mode) + "' (not an ND4J array, or corrupt)");
        }
        long length = ordinal < 3 ? in.readInt() : in.readLong();
        if (length < 0) throw bad(source, what + " buffer has negative length " + length);
        String type = readShortUtf(in, source, what);
        return new Header(mode, length, type);
    }

    /** readUTF with a sanity bound, so garbage bytes do not read as a 64 KiB string. */
    private static String readShortUtf(DataInputStream in, String source, String what) throws IOException {
        int len = in.readUnsignedShort();
        if (len == 0 || len > 32) throw bad(source, what + " buffer header has a name of " + len + " bytes (not an ND4J array, or corrupt)");
        byte[] b = new byte[len];
        in.readFully(b);
        for (byte x : b) {
            if (x < 0x20 || x > 0x7e) throw bad(source, what + " buffer header holds non-ASCII bytes (not an ND4J array, or corrupt)");
        }
        return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static String printable(String s) { return s.length() > 40 ? s.substring(0, 40) + "..." : s; }

    static long[] defaultStrides(long[] shape, char order) {
        long[] s = new long[shape.length];
        long acc = 1;
        if (order == 'c') {
            for (int i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
        } else {
            for (int i = 0; i < shape.length; i++) { s[i] = acc; acc *= shape[i]; }
        }
        return s;
    }

    /** IEEE 754 binary16 to float. */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff, sign = (h >>> 15) << 31, exp = (h >>> 10) & 0x1f, mant = h & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static IOException bad(String source, String why) {
        return new ModelFileException(source, source + ": invalid ND4J array: " + why);
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes the new variant (as ND4J 1.0): LONG shape information and a FLOAT/DOUBLE data buffer, both with
     * allocation mode MIXED_DATA_TYPES and long lengths, C order.
     */
    public static void write(INDArray a, DataOutputStream out) throws IOException {
        long[] shape = a.shape();
        long[] info = shapeInfo(shape, a.dataType() == DataType.DOUBLE ? FLAG_DOUBLE : FLAG_FLOAT, 'c');
        out.writeUTF("MIXED_DATA_TYPES");
        out.writeLong(info.length);
        out.writeUTF("LONG");
        for (long v : info) out.writeLong(v);
        out.writeUTF("MIXED_DATA_TYPES");
        out.writeLong(a.length());
        out.writeUTF(a.dataType() == DataType.DOUBLE ? "DOUBLE" : "FLOAT");
        writeValues(a, out, a.dataType());
    }

    /**
     * Writes the old variant (ND4J 0.x): INT shape information with offset 0 and int lengths under the given
     * legacy allocation mode (HEAP, DIRECT or JAVACPP), data as FLOAT or DOUBLE in C order.
     */
    public static void writeLegacy(INDArray a, DataOutputStream out, String allocationMode) throws IOException {
        int ordinal = ALLOCATION_MODES.indexOf(allocationMode);
        if (ordinal < 0 || ordinal >= 3) throw new IllegalArgumentException("legacy allocation mode must be DIRECT, HEAP or JAVACPP, got " + allocationMode);
        long[] info = shapeInfo(a.shape(), 0, 'c');
        out.writeUTF(allocationMode);
        out.writeInt(info.length);
        out.writeUTF("INT");
        for (long v : info) out.writeInt(Math.toIntExact(v));
        out.writeUTF(allocationMode);
        out.writeInt(Math.toIntExact(a.length()));
        out.writeUTF(a.dataType() == DataType.DOUBLE ? "DOUBLE" : "FLOAT");
        writeValues(a, out, a.dataType());
    }

    static long[] shapeInfo(long[] shape, long extras, char order) {
        int r = shape.length;
        long[] info = new long[2 * r + 4];
        info[0] = r;
        long[] st = defaultStrides(shape, order);
        for (int i = 0; i < r; i++) { info[1 + i] = shape[i]; info[1 + r + i] = st[i]; }
        info[1 + 2 * r] = extras;
        info[2 + 2 * r] = 1;   // element-wise stride of a dense array
        info[3 + 2 * r] = order;
        return info;
    }

    private static void writeValues(INDArray a, DataOutputStream out, DataType t) throws IOException {
        final int chunk = 1 << 16;
        int width = t.width();
        int n = (int) a.length();
        byte[] bytes = new byte[Math.min(n, chunk) * width];
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        ByteBuffer src = a.bufferForRead();   // native order; bulk-copied through a big-endian view
        for (int done = 0; done < n; ) {
            int k = Math.min(chunk, n - done);
            bb.clear();
            if (t == DataType.DOUBLE) {
                java.nio.DoubleBuffer s = src.asDoubleBuffer();
                s.position(done).limit(done + k);
                bb.asDoubleBuffer().put(s);
            } else {
                FloatBuffer s = src.asFloatBuffer();
                s.position(done).limit(done + k);
                bb.asFloatBuffer().put(s);
            }
            out.write(bytes, 0, k * width);
            done += k;
        }
    }
}
