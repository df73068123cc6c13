package org.pydl4j.util.torch;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.util.torch.Rebuild.Storage;
import org.pydl4j.util.torch.Rebuild.StorageType;
import org.pydl4j.util.torch.Rebuild.TensorRef;

/**
 * Reads a PyTorch state dict ({@code torch.save} file, .pth/.pt) into float32 INDArrays without PyTorch and without
 * running any code: the pickles go through {@link RestrictedUnpickler}. Both containers are read: the zip format
 * (PyTorch 1.6+: {@code <folder>/data.pkl} and {@code <folder>/data/<key>}) and the legacy format (magic number,
 * protocol version, sys_info, the object, the storage keys, then each storage as an 8-byte element count and its
 * raw little-endian elements). Floating tensors (float32/64/16, bfloat16) come back as float32; integer and bool
 * tensors (BatchNorm's num_batches_tracked) are left out. Mirrors pydl4j_transfer/weights/torch_reader.py.
 */
public final class TorchStateDict {
    private TorchStateDict() {}

    static final BigInteger LEGACY_MAGIC = new BigInteger("1950A86A20F9469CFC6C", 16);
    static final long LEGACY_PROTOCOL_VERSION = 1001;
    /** Largest tensor accepted (2^31 - 1 elements: one Java array). */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    private static final long MAX_PICKLE_BYTES = 256L << 20;

    /** The tensors of the file by name, in file order. */
    public static Map<String, INDArray> read(Path file) throws IOException {
        String src = file.toString();
        if (!Files.isRegularFile(file)) throw new TorchFormatException(src + ": file not found");
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(head, 0, 4) == 4 && head[0] == 'P' && head[1] == 'K') return readZip(file, src);
        }
        return readLegacy(file, src);
    }

    private static Map<String, INDArray> readLegacy(Path file, String src) throws IOException {
        ByteBuffer buf;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
        }
        Object magic = new RestrictedUnpickler(buf, src, null).load();
        if (!LEGACY_MAGIC.equals(magic)) throw new TorchFormatException(src + ": not a PyTorch file (bad magic number)");
        Object version = new RestrictedUnpickler(buf, src, null).load();
        if (!Long.valueOf(LEGACY_PROTOCOL_VERSION).equals(version)) throw new TorchFormatException(src + ": unsupported legacy protocol version " + version);
        if (!(new RestrictedUnpickler(buf, src, null).load() instanceof Map<?, ?> sysInfo) || !Boolean.TRUE.equals(sysInfo.get("little_endian"))) {
            throw new TorchFormatException(src + ": legacy file written on a big-endian machine (re-save it on a little-endian one)");
        }
        Map<String, Storage> storages = new LinkedHashMap<>();
        Object obj = new RestrictedUnpickler(buf, src, pid -> legacyStorage(pid, storages, src)).load();
        if (!(new RestrictedUnpickler(buf, src, null).load() instanceof List<?> keys)) throw new TorchFormatException(src + ": storage key list missing");
        for (Object key : keys) {
            Storage s = storages.get(key);
            if (s == null || s.viewOf != null) throw new TorchFormatException(src + ": unexpected storage key " + key);
            if (buf.remaining() < 8) throw new TorchFormatException(src + ": storage " + key + " header is cut off (truncated file)");
            long numel = buf.getLong();
            if (numel != s.numel) throw new TorchFormatException(src + ": storage " + key + " holds " + numel + " elements, the pickle says " + s.numel);
            long bytes = numel * s.type.itemSize;
            if (bytes > buf.remaining()) throw new TorchFormatException(src + ": storage " + key + " needs " + bytes + " bytes, the file has " + buf.remaining() + " left (truncated)");
            s.data = buf.slice(buf.position(), (int) bytes).order(ByteOrder.LITTLE_ENDIAN);
            buf.position(buf.position() + (int) bytes);
        }
        for (Storage s : storages.values()) {
            if (s.viewOf == null && s.data == null) throw new TorchFormatException(src + ": storage " + s.key + " has no data (truncated file)");
        }
        return finish(obj, src);
    }

    private static Storage legacyStorage(RestrictedUnpickler.Tuple pid, Map<String, Storage> storages, String src) throws TorchFormatException {
        Storage root = storage(pid, storages, src, 6);
        if (pid.items().size() == 5 || pid.items().get(5) == null) return root;
        if (!(pid.items().get(5) instanceof RestrictedUnpickler.Tuple view) || view.items().size() != 3
                || !(view.items().get(0) instanceof String viewKey) || !(view.items().get(1) instanceof Long off)
                || !(view.items().get(2) instanceof Long n) || off < 0 || n < 0 || off + n > root.numel) {
            throw new TorchFormatException(src + ": bad storage view in " + pid.items());
        }
        Storage v = storages.get(viewKey);
        if (v == null) {
            v = new Storage(viewKey, root.type, n);
            v.viewOf = root;
            v.viewOffset = off;
            storages.put(viewKey, v);
        }
        return v;
    }

    /** ('storage', type, key, location, numel[, view]) -> the storage, one object per key. */
    private static Storage storage(RestrictedUnpickler.Tuple pid, Map<String, Storage> storages, String src, int maxLen) throws TorchFormatException {
        List<Object> p = pid.items();
        if (p.size() < 5 || p.size() > maxLen || !"storage".equals(p.get(0))) throw new TorchFormatException(src + ": unsupported persistent id " + p);
        if (!(p.get(1) instanceof StorageType type)) throw new TorchFormatException(src + ": persistent id names no storage type");
        if (!(p.get(2) instanceof String key) || !(p.get(4) instanceof Long numel) || numel < 0 || numel > MAX_ELEMENTS) {
            throw new TorchFormatException(src + ": bad storage key or size in " + p);
        }
        Storage s = storages.computeIfAbsent(key, k -> new Storage(k, type, numel));
        if (s.type != type || s.numel != numel) throw new TorchFormatException(src + ": storage " + key + " is referenced with two types or sizes");
        return s;
    }

    private static Map<String, INDArray> readZip(Path file, String src) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<String> pkls = new ArrayList<>();
            zip.stream().map(ZipEntry::getName).filter(n -> n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - 9).forEach(pkls::add);
            if (pkls.size() != 1) throw new TorchFormatException(src + ": zip file has no single '<folder>/data.pkl': not a torch.save file");
            String prefix = pkls.get(0).substring(0, pkls.get(0).length() - "data.pkl".length());
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            ByteOrder byteOrder = order != null && new String(entry(zip, order, 16, src)).trim().equals("big") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            Map<String, Storage> storages = new LinkedHashMap<>();
            ByteBuffer pickle = ByteBuffer.wrap(entry(zip, zip.getEntry(pkls.get(0)), MAX_PICKLE_BYTES, src));
            Object obj = new RestrictedUnpickler(pickle, src, pid -> storage(pid, storages, src, 5)).load();
            for (Storage s : storages.values()) {
                ZipEntry e = zip.getEntry(prefix + "data/" + s.key);
                if (e == null) throw new TorchFormatException(src + ": storage record " + prefix + "data/" + s.key + " is missing (truncated file)");
                long need = s.numel * s.type.itemSize;
                byte[] raw = entry(zip, e, need, src);
                if (raw.length < need) throw new TorchFormatException(src + ": storage " + s.key + " has " + raw.length + " bytes, needs " + need);
                s.data = ByteBuffer.wrap(raw).order(byteOrder);
            }
            return finish(obj, src);
        } catch (ZipException e) {
            throw new TorchFormatException(src + ": corrupt zip container (" + e.getMessage() + ")");
        }
    }

    /** At most limit bytes of an entry (a record may be longer than needed; a bomb is never inflated past limit). */
    private static byte[] entry(ZipFile zip, ZipEntry e, long limit, String src) throws IOException {
        if (limit > MAX_ELEMENTS) throw new TorchFormatException(src + ": " + e.getName() + " is too large");
        try (InputStream in = zip.getInputStream(e)) {
            return in.readNBytes((int) limit);
        }
    }

    private static Map<String, INDArray> finish(Object obj, String src) throws TorchFormatException {
        if (obj instanceof Map<?, ?> m) {
            for (String wrapper : new String[]{"state_dict", "model_state_dict"}) {
                if (m.get(wrapper) instanceof Map<?, ?> inner) {
                    obj = inner;
                    break;
                }
            }
        }
        if (!(obj instanceof Map<?, ?> state)) throw new TorchFormatException(src + ": top-level object is a " + RestrictedUnpickler.kind(obj) + ", not a dict of tensors");
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : state.entrySet()) {
            if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof TensorRef ref)) {
                throw new TorchFormatException(src + ": entry " + e.getKey() + " is a " + RestrictedUnpickler.kind(e.getValue())
                        + ", not a tensor (save only model.state_dict())");
            }
            if (ref.storage().type.floating) out.put(name, materialise(name, ref, src));
        }
        return out;
    }

    private static INDArray materialise(String name, TensorRef ref, String src) throws TorchFormatException {
        Storage s = ref.storage();
        long base = 0;
        while (s.viewOf != null) {
            base += s.viewOffset;
            s = s.viewOf;
        }
        long storageEnd = base + ref.storage().numel;
        long count = 1, last = base + ref.offset();
        for (int d = 0; d < ref.size().length; d++) {
            count = Math.multiplyExact(count, ref.size()[d]);
            if (ref.size()[d] > 0) last = Math.addExact(last, Math.multiplyExact(ref.size()[d] - 1, ref.stride()[d]));
        }
        if (count > MAX_ELEMENTS) throw new TorchFormatException(src + ": tensor " + name + " claims " + count + " elements");
        float[] values = new float[(int) count];
        if (count > 0 && last >= storageEnd) {
            throw new TorchFormatException(src + ": tensor " + name + " reaches element " + last + " of a storage of " + storageEnd + " (corrupt file)");
        }
        int rank = ref.size().length;
        long[] idx = new long[rank];
        ByteBuffer data = s.data;
        StorageType type = s.type;
        for (int i = 0; i < count; i++) {
            long at = base + ref.offset();
            for (int d = 0; d < rank; d++) at += idx[d] * ref.stride()[d];
            values[i] = element(data, type, at);
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < ref.size()[d]) break;
                idx[d] = 0;
            }
        }
        long[] shape = ref.size().clone();
        return Nd4j.create(values, shape.length == 0 ? new long[]{1} : shape);
    }

    private static float element(ByteBuffer data, StorageType type, long index) {
        int at = (int) (index * type.itemSize);
        return switch (type) {
            case FloatStorage -> data.getFloat(at);
            case DoubleStorage -> (float) data.getDouble(at);
            case HalfStorage -> halfToFloat(data.getShort(at));
            case BFloat16Storage -> Float.intBitsToFloat((data.getShort(at) & 0xffff) << 16);
            default -> throw new IllegalStateException("not a floating storage: " + type);
        };
    }

    /** IEEE 754 binary16 to float (Float.float16ToFloat arrives only in Java 20). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff, sign = (bits & 0x8000) << 16, exp = (bits >>> 10) & 0x1f, mant = bits & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            if (mant == 0) return Float.intBitsToFloat(sign);
            float v = mant / 1024f / 16384f;   // subnormal: mant * 2^-24
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
