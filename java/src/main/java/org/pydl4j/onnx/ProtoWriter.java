package org.pydl4j.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Writes protobuf wire format: varints, fixed32 floats, strings, bytes and nested messages (written first, then embedded). */
final class ProtoWriter {
    private final ByteArrayOutputStream out;

    ProtoWriter() { this(32); }

    /** A writer whose buffer starts at {@code capacity} bytes (large tensors: no doubling copies). */
    ProtoWriter(long capacity) { out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, Math.max(32, capacity))); }

    long size() { return out.size(); }

    ProtoWriter varintField(int field, long v) {
        tag(field, ProtoReader.WIRE_VARINT);
        varint(v);
        return this;
    }

    ProtoWriter floatField(int field, float v) {
        tag(field, ProtoReader.WIRE_FIXED32);
        int bits = Float.floatToRawIntBits(v);
        for (int i = 0; i < 4; i++) out.write(bits >>> (8 * i));
        return this;
    }

    ProtoWriter string(int field, String s) { return bytes(field, s.getBytes(StandardCharsets.UTF_8)); }

    ProtoWriter bytes(int field, byte[] b) {
        tag(field, ProtoReader.WIRE_LEN);
        varint(b.length);
        out.write(b, 0, b.length);
        return this;
    }

    /** Embeds a nested message without copying it into an intermediate array (exports reach ~550 MB). */
    ProtoWriter message(int field, ProtoWriter m) {
        tag(field, ProtoReader.WIRE_LEN);
        varint(m.out.size());
        try {
            m.out.writeTo(out);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);   // ByteArrayOutputStream does not throw
        }
        return this;
    }

    /** A packed repeated int64 field. */
    ProtoWriter packedInt64s(int field, long... vs) {
        ProtoWriter p = new ProtoWriter();
        for (long v : vs) p.varint(v);
        return bytes(field, p.toByteArray());
    }

    /** Little-endian float32 bytes (TensorProto.raw_data). */
    static byte[] rawFloats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    static byte[] rawInt64s(long[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(v);
        return b.array();
    }

    byte[] toByteArray() { return out.toByteArray(); }

    void writeTo(java.io.OutputStream target) throws java.io.IOException { out.writeTo(target); }

    private void tag(int field, int wire) { varint(((long) field << 3) | wire); }

    private void varint(long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
