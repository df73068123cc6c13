package org.pydl4j.util;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.Shapes;
import org.pydl4j.util.json.Json;

/**
 * The safetensors format: an 8-byte little-endian header length, a JSON header mapping each tensor name to
 * {dtype, shape, data_offsets}, then the raw little-endian data. Reading validates every length and offset
 * against the file before allocating, so a corrupt file is an error naming it, never an out-of-memory.
 */
public final class SafeTensors {
    private SafeTensors() {}

    private static final long MAX_HEADER = 100L << 20;

    /** All tensors of a file, in header order; F16/BF16/F32 become FLOAT, F64 stays DOUBLE. */
    public static Map<String, INDArray> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw bad(file, "shorter than the 8-byte header length");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw bad(file, "header length " + headerLen + " does not fit a file of " + size + " bytes");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            Object parsed;
            try {
                parsed = Json.parse(new String(hb.array(), StandardCharsets.UTF_8));
            } catch (RuntimeException | StackOverflowError e) {   // StackOverflowError: absurdly deep nesting
                throw bad(file, "header is not valid JSON: " + (e instanceof StackOverflowError ? "nested too deeply" : e.getMessage()));
            }
            if (!(parsed instanceof Map)) throw bad(file, "header is not a JSON object");
            long dataStart = 8 + headerLen, dataLen = size - dataStart;
            List<Entry> entries = new ArrayList<>();
            for (Map.Entry<String, Object> e : castMap(parsed).entrySet()) {
                if (e.getKey().equals("__metadata__")) continue;
                entries.add(entry(file, e.getKey(), e.getValue(), dataLen));
            }
            refuseOverlaps(file, entries);   // the whole header is checked before any tensor is allocated
            Map<String, INDArray> out = new LinkedHashMap<>();
            for (Entry e : entries) out.put(e.name(), readTensor(ch, e, dataStart));
            return out;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) { return (Map<String, Object>) o; }

    /** One tensor of the header, checked against the data section: {@code [begin, end)} holds its bytes. */
    private record Entry(String name, String dtype, int width, long[] shape, long length, long begin, long end) {}

    private static Entry entry(Path file, String name, Object spec, long dataLen) throws IOException {
        if (!(spec instanceof Map)) throw bad(file, "entry " + name + " is not an object");
        Map<String, Object> m = castMap(spec);
        String dtype = String.valueOf(m.get("dtype"));
        int width;
        switch (dtype) {
            case "F16": case "BF16": width = 2; break;
            case "F32": width = 4; break;
            case "F64": width = 8; break;
            default: throw bad(file, "tensor " + name + " has unsupported dtype " + dtype + " (F16, BF16, F32, F64 are read)");
        }
        if (!(m.get("shape") instanceof List) || !(m.get("data_offsets") instanceof List)) {
            throw bad(file, "tensor " + name + " lacks shape or data_offsets");
        }
        List<?> sh = (List<?>) m.get("shape"), off = (List<?>) m.get("data_offsets");
        if (off.size() != 2) throw bad(file, "tensor " + name + " has " + off.size() + " data_offsets, expected [begin, end]");
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) shape[i] = integer(file, name, "shape", sh.get(i));
        long begin = integer(file, name, "data_offsets", off.get(0)), end = integer(file, name, "data_offsets", off.get(1));
        long n;
        try {
            n = Shapes.length(shape);
        } catch (IllegalArgumentException e) {
            throw bad(file, "tensor " + name + ": " + e.getMessage());
        }
        long bytes = n > dataLen ? -1 : n * width;   // n <= dataLen < 2^62: no overflow; -1 marks "cannot fit"
        if (begin < 0 || end > dataLen || bytes < 0 || end - begin != bytes) {
            throw bad(file, "tensor " + name + " spans bytes [" + begin + ", " + end + ") but needs "
                    + (bytes < 0 ? n + " elements of " + width : String.valueOf(bytes)) + " bytes within a data section of " + dataLen);
        }
        if (bytes > Integer.MAX_VALUE) throw bad(file, "tensor " + name + " has " + bytes + " bytes, more than one array holds");
        return new Entry(name, dtype, width, shape, n, begin, end);
    }

    /** Two tensors sharing bytes is a crafted file (one write would show through the other): refused. */
    private static void refuseOverlaps(Path file, List<Entry> entries) throws IOException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.removeIf(e -> e.begin() == e.end());   // empty tensors hold no bytes
        sorted.sort(Comparator.comparingLong(Entry::begin));
        for (int i = 1; i < sorted.size(); i++) {
            Entry prev = sorted.get(i - 1), next = sorted.get(i);
            if (next.begin() < prev.end()) {
                throw bad(file, "tensors " + prev.name() + " [" + prev.begin() + ", " + prev.end() + ") and " + next.name()
                        + " [" + next.begin() + ", " + next.end() + ") overlap");
            }
        }
    }

    private static INDArray readTensor(FileChannel ch, Entry e, long dataStart) throws IOException {
        ByteBuffer raw = ByteBuffer.allocateDirect((int) (e.end() - e.begin())).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, raw, dataStart + e.begin());
        INDArray a = Nd4j.createUninitialized(e.width() == 8 ? DataType.DOUBLE : DataType.FLOAT, e.shape());
        String dtype = e.dtype();
        for (int i = 0; i < e.length(); i++) {
            double v;
            switch (dtype) {
                case "F16": v = halfToFloat(raw.getShort(i * 2)); break;
                case "BF16": v = Float.intBitsToFloat((raw.getShort(i * 2) & 0xffff) << 16); break;
                case "F32": v = raw.getFloat(i * 4); break;
                default: v = raw.getDouble(i * 8);
            }
            a.putLinear(i, v);
        }
        return a;
    }

    /** A JSON integer of the header (the parser gives Long for integers), else an error naming the file. */
    private static long integer(Path file, String name, String field, Object v) throws IOException {
        if (!(v instanceof Long)) throw bad(file, "tensor " + name + " has a non-integer " + field + " entry " + v);
        return (Long) v;
    }

    /** IEEE 754 binary16 to float (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff, sign = (h >>> 15) << 31, exp = (h >>> 10) & 0x1f, mant = h & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));   // inf, nan
        if (exp == 0) {                                                                     // zero, subnormal
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) throw new IOException("unexpected end of file");
            pos += n;
        }
        buf.flip();
    }

    private static IOException bad(Path file, String why) {
        return new IOException(file + " is not a valid safetensors file: " + why);
    }

    /** Writes tensors (FLOAT as F32, DOUBLE as F64) atomically: temp file, fsync, rename. */
    public static void write(Path file, Map<String, INDArray> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) header.put("__metadata__", new LinkedHashMap<String, Object>(metadata));
        long offset = 0;
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            INDArray a = e.getValue();
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("dtype", a.dataType() == DataType.DOUBLE ? "F64" : "F32");
            List<Object> shape = new ArrayList<>();
            for (long d : a.shape()) shape.add(d);
            spec.put("shape", shape);
            long bytes = a.length() * a.dataType().width();
            spec.put("data_offsets", List.of(offset, offset + bytes));
            offset += bytes;
            header.put(e.getKey(), spec);
        }
        byte[] json = Json.writeCompact(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;   // data section starts 8-byte aligned, as the format recommends
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(json);
            while (head.hasRemaining()) head.put((byte) ' ');
            head.flip();
            while (head.hasRemaining()) ch.write(head);
            for (INDArray a : tensors.values()) {
                ByteBuffer data = a.bufferForRead().order(ByteOrder.LITTLE_ENDIAN);
                if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) throw new IOException("big-endian hosts are not supported");
                while (data.hasRemaining()) ch.write(data);
            }
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
