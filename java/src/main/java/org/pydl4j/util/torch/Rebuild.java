package org.pydl4j.util.torch;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The only globals a state-dict pickle may name, and what calling them builds: storage types, tensor recipes
 * ({@code torch._utils._rebuild_tensor_v2}), parameters (which are their tensor) and {@code OrderedDict}.
 */
final class Rebuild {
    private Rebuild() {}

    /** A torch storage class and the size of its elements. */
    enum StorageType {
        FloatStorage(4, true), DoubleStorage(8, true), HalfStorage(2, true), BFloat16Storage(2, true),
        LongStorage(8, false), IntStorage(4, false), ShortStorage(2, false), CharStorage(1, false),
        ByteStorage(1, false), BoolStorage(1, false), UntypedStorage(1, false);

        final int itemSize;
        final boolean floating;

        StorageType(int itemSize, boolean floating) {
            this.itemSize = itemSize;
            this.floating = floating;
        }
    }

    /** A storage the pickle references; its bytes are read after the pickle. A legacy view points into a root. */
    static final class Storage {
        final String key;
        final StorageType type;
        final long numel;
        ByteBuffer data;   // little-endian elements, filled after the pickle
        Storage viewOf;
        long viewOffset;

        Storage(String key, StorageType type, long numel) {
            this.key = key;
            this.type = type;
            this.numel = numel;
        }
    }

    /** What {@code _rebuild_tensor_v2} returns: a recipe, materialised once every storage is read. */
    record TensorRef(Storage storage, long offset, long[] size, long[] stride) {}

    private static final RestrictedUnpickler.Global ORDERED_DICT = new RestrictedUnpickler.Global("collections", "OrderedDict");
    private static final RestrictedUnpickler.Global REBUILD_TENSOR_V2 = new RestrictedUnpickler.Global("torch._utils", "_rebuild_tensor_v2");
    private static final RestrictedUnpickler.Global REBUILD_TENSOR = new RestrictedUnpickler.Global("torch._utils", "_rebuild_tensor");
    private static final RestrictedUnpickler.Global REBUILD_PARAMETER = new RestrictedUnpickler.Global("torch._utils", "_rebuild_parameter");
    private static final RestrictedUnpickler.Global REBUILD_PARAMETER_STATE = new RestrictedUnpickler.Global("torch._utils", "_rebuild_parameter_with_state");

    /** The object for an allowed global, or null. */
    static Object global(String module, String name) {
        if (module.equals("torch") || (module.equals("torch.storage") && name.equals("UntypedStorage"))) {
            for (StorageType t : StorageType.values()) if (t.name().equals(name)) return t;
            return null;
        }
        for (RestrictedUnpickler.Global g : List.of(ORDERED_DICT, REBUILD_TENSOR_V2, REBUILD_TENSOR, REBUILD_PARAMETER, REBUILD_PARAMETER_STATE)) {
            if (g.module().equals(module) && g.name().equals(name)) return g;
        }
        return null;
    }

    /** REDUCE: calls an allowed global. */
    static Object call(Object fn, Object args, String source) throws TorchFormatException {
        if (!(args instanceof RestrictedUnpickler.Tuple t)) throw new TorchFormatException(source + ": call with a " + RestrictedUnpickler.kind(args) + " as arguments");
        List<Object> a = t.items();
        if (ORDERED_DICT.equals(fn)) {
            if (!a.isEmpty()) throw new TorchFormatException(source + ": OrderedDict with arguments");
            return new LinkedHashMap<Object, Object>();
        }
        if (REBUILD_TENSOR_V2.equals(fn) || REBUILD_TENSOR.equals(fn)) {
            if (a.size() < 4) throw new TorchFormatException(source + ": _rebuild_tensor with " + a.size() + " arguments");
            if (!(a.get(0) instanceof Storage s)) throw new TorchFormatException(source + ": tensor rebuilt from something that is not a storage");
            if (!(a.get(1) instanceof Long offset) || offset < 0) throw new TorchFormatException(source + ": bad storage offset " + a.get(1));
            long[] size = ints(a.get(2), "size", source), stride = ints(a.get(3), "stride", source);
            if (size.length != stride.length) throw new TorchFormatException(source + ": tensor size and stride differ in rank");
            return new TensorRef(s, offset, size, stride);
        }
        if (REBUILD_PARAMETER.equals(fn) || REBUILD_PARAMETER_STATE.equals(fn)) {
            if (a.isEmpty() || !(a.get(0) instanceof TensorRef)) throw new TorchFormatException(source + ": Parameter wraps something that is not a tensor");
            return a.get(0);
        }
        throw new TorchFormatException(source + ": " + RestrictedUnpickler.kind(fn) + " " + fn + " is not callable here");
    }

    private static long[] ints(Object o, String what, String source) throws TorchFormatException {
        if (!(o instanceof RestrictedUnpickler.Tuple t) || t.items().size() > 32) {
            throw new TorchFormatException(source + ": tensor " + what + " must be a tuple of at most 32 ints");
        }
        long[] out = new long[t.items().size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.items().get(i) instanceof Long v) || v < 0) throw new TorchFormatException(source + ": tensor " + what + " holds " + t.items().get(i));
            out[i] = v;
        }
        return out;
    }

}
