package org.pydl4j.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A bounded reader of the protobuf wire format over one message's bytes: varints, fixed32/64 and length-delimited
 * fields. Every declared length is checked against the bytes left in the enclosing message before anything is
 * sliced or allocated, and nested messages count their depth, so a hostile file fails with an
 * {@link OnnxFormatException} naming it instead of exhausting memory or the stack.
 */
final class ProtoReader {
    static final int WIRE_VARINT = 0, WIRE_FIXED64 = 1, WIRE_LEN = 2, WIRE_FIXED32 = 5;
    /** Deepest message nesting accepted (ONNX models need about 8: model, graph, node, attribute, graph, ...). */
    static final int MAX_DEPTH = 32;

    private final ByteBuffer buf;
    private final String file;
    private final int depth;
    private int fieldNumber, wireType;

    ProtoReader(ByteBuffer whole, String file) { this(whole.slice().order(ByteOrder.LITTLE_ENDIAN), file, 0); }

    private ProtoReader(ByteBuffer buf, String file, int depth) {
        this.buf = buf;
        this.file = file;
        this.depth = depth;
    }

    String file() { return file; }

    /** Advances to the next field; false at the end of this message. */
    boolean next() throws OnnxFormatException {
        if (!buf.hasRemaining()) return false;
        long key = varint();
        fieldNumber = (int) (key >>> 3);
        wireType = (int) (key & 7);
        if (fieldNumber < 1 || key >>> 3 > 0x1FFFFFFF) throw fail("invalid field number " + (key >>> 3));
        if (wireType != WIRE_VARINT && wireType != WIRE_FIXED64 && wireType != WIRE_LEN && wireType != WIRE_FIXED32) {
            throw fail("unsupported wire type " + wireType + " (field " + fieldNumber + ")");
        }
        return true;
    }

    int field() { return fieldNumber; }
    int wireType() { return wireType; }

    long varint() throws OnnxFormatException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!buf.hasRemaining()) throw fail("truncated varint at byte " + buf.position());
            int b = buf.get() & 0xFF;
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return v;
        }
        throw fail("varint longer than 10 bytes");
    }

    /** A non-negative int32/int64 scalar field (wire type checked). */
    long int64() throws OnnxFormatException {
        expect(WIRE_VARINT);
        return varint();
    }

    float float32() throws OnnxFormatException {
        expect(WIRE_FIXED32);
        need(4);
        return buf.getFloat();
    }

    /** The payload of a length-delimited field, bounds-checked, as a read-only little-endian view. */
    ByteBuffer bytes() throws OnnxFormatException {
        expect(WIRE_LEN);
        long len = varint();
        if (len < 0 || len > buf.remaining()) {
            throw fail("field " + fieldNumber + " declares " + Long.toUnsignedString(len) + " bytes but only " + buf.remaining() + " remain");
        }
        ByteBuffer slice = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
        slice.limit((int) len);
        buf.position(buf.position() + (int) len);
        return slice.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    String string() throws OnnxFormatException {
        ByteBuffer b = bytes();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return new String(a, StandardCharsets.UTF_8);
    }

    /** A nested message; fails when nesting exceeds {@link #MAX_DEPTH}. */
    ProtoReader message() throws OnnxFormatException {
        if (depth + 1 > MAX_DEPTH) throw fail("messages nested deeper than " + MAX_DEPTH);
        return new ProtoReader(bytes(), file, depth + 1);
    }

    /**
     * A repeated int64 field, packed or not: appends to {@code out}. {@code cap} bounds the total count.
     */
    void int64s(LongList out, int cap) throws OnnxFormatException {
        if (wireType == WIRE_VARINT) {
            out.add(varint(), cap, this);
            return;
        }
        ByteBuffer b = bytes();
        ProtoReader packed = new ProtoReader(b, file, depth);
        while (packed.buf.hasRemaining()) out.add(packed.varint(), cap, this);
    }

    /** A repeated float field, packed or not. */
    void floats(FloatList out, int cap) throws OnnxFormatException {
        if (wireType == WIRE_FIXED32) {
            out.add(float32(), cap, this);
            return;
        }
        ByteBuffer b = bytes();
        if (b.remaining() % 4 != 0) throw fail("packed float field " + fieldNumber + " has " + b.remaining() + " bytes, not a multiple of 4");
        while (b.hasRemaining()) out.add(b.getFloat(), cap, this);
    }

    /** A repeated double field, packed or not. */
    void doubles(FloatList out, int cap) throws OnnxFormatException {
        if (wireType == WIRE_FIXED64) {
            need(8);
            out.add((float) buf.getDouble(), cap, this);
            return;
        }
        ByteBuffer b = bytes();
        if (b.remaining() % 8 != 0) throw fail("packed double field " + fieldNumber + " has " + b.remaining() + " bytes, not a multiple of 8");
        while (b.hasRemaining()) out.add((float) b.getDouble(), cap, this);
    }

    /** Skips the current field's value. */
    void skip() throws OnnxFormatException {
        switch (wireType) {
            case WIRE_VARINT: varint(); break;
            case WIRE_FIXED64: need(8); buf.position(buf.position() + 8); break;
            case WIRE_FIXED32: need(4); buf.position(buf.position() + 4); break;
            default: bytes();
        }
    }

    private void need(int n) throws OnnxFormatException {
        if (buf.remaining() < n) throw fail("truncated: field " + fieldNumber + " needs " + n + " bytes, " + buf.remaining() + " remain");
    }

    private void expect(int wire) throws OnnxFormatException {
        if (wireType != wire) throw fail("field " + fieldNumber + " has wire type " + wireType + ", expected " + wire);
    }

    OnnxFormatException fail(String problem) { return new OnnxFormatException(file, problem); }

    /** A growable long list with a count cap (declared sizes never drive allocation). */
    static final class LongList {
        long[] a = new long[4];
        int n;

        void add(long v, int cap, ProtoReader r) throws OnnxFormatException {
            if (n >= cap) throw r.fail("more than " + cap + " values in field " + r.fieldNumber);
            if (n == a.length) a = java.util.Arrays.copyOf(a, Math.min(cap, a.length * 2));
            a[n++] = v;
        }

        long[] toArray() { return java.util.Arrays.copyOf(a, n); }
    }

    /** A growable float list with a count cap. */
    static final class FloatList {
        float[] a = new float[16];
        int n;

        void add(float v, int cap, ProtoReader r) throws OnnxFormatException {
            if (n >= cap) throw r.fail("more than " + cap + " values in field " + r.fieldNumber);
            if (n == a.length) a = java.util.Arrays.copyOf(a, (int) Math.min(cap, a.length * 2L));
            a[n++] = v;
        }

        float[] toArray() { return java.util.Arrays.copyOf(a, n); }
    }
}
