package org.pydl4j.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes an ONNX ModelProto with our bounded protobuf reader (no protobuf-java: it would clash with Spark's copy).
 * Only the fields a CNN graph uses are kept; others are skipped by wire type. Initializers must be float, double,
 * int32 or int64, finite, and sized exactly as their dims say; external data is read only from regular files
 * inside the model's folder (see {@link ExternalData}).
 */
public final class OnnxReader {
    /** Largest model file read (protobuf's own limit; bigger models keep weights as external data). */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;
    /** Largest element count of one tensor or repeated field. */
    static final int MAX_ELEMENTS = (Integer.MAX_VALUE - 8) / 8;
    static final int MAX_DIMS = 16;

    private final String file;
    private final ExternalData external;

    private OnnxReader(String file, ExternalData external) {
        this.file = file;
        this.external = external;
    }

    /** Reads a model file; external data may live beside it, inside its folder. */
    public static OnnxModel read(Path path) throws IOException {
        String name = path.toString();
        if (!Files.isRegularFile(path)) throw new OnnxFormatException(name, "not a regular file");
        long size = Files.size(path);
        if (size > MAX_FILE_BYTES) throw new OnnxFormatException(name, "file of " + size + " bytes exceeds the protobuf limit of " + MAX_FILE_BYTES);
        byte[] bytes = Files.readAllBytes(path);
        Path folder = path.toAbsolutePath().getParent();
        return new OnnxReader(name, new ExternalData(name, folder)).model(new ProtoReader(ByteBuffer.wrap(bytes), name));
    }

    /** Decodes model bytes; {@code name} appears in errors. External data is refused (there is no folder). */
    public static OnnxModel decode(byte[] bytes, String name) throws OnnxFormatException {
        try {
            return new OnnxReader(name, new ExternalData(name, null)).model(new ProtoReader(ByteBuffer.wrap(bytes), name));
        } catch (OnnxFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new OnnxFormatException(name, e.getMessage(), e);
        }
    }

    private OnnxModel model(ProtoReader r) throws IOException {
        long ir = 0;
        Map<String, Long> opsets = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        String producer = "", version = "";
        OnnxGraph graph = null;
        while (r.next()) {
            switch (r.field()) {
                case 1: ir = r.int64(); break;
                case 2: producer = r.string(); break;
                case 3: version = r.string(); break;
                case 7: graph = graph(r.message()); break;
                case 8: opset(r.message(), opsets); break;
                case 14: entry(r.message(), meta); break;
                default: r.skip();
            }
        }
        if (graph == null) throw r.fail("no graph (not an ONNX model?)");
        if (opsets.isEmpty()) throw r.fail("no opset_import (not an ONNX model?)");
        return new OnnxModel(ir, opsets, producer, version, graph, meta);
    }

    private static void opset(ProtoReader r, Map<String, Long> opsets) throws OnnxFormatException {
        String domain = "";
        long version = 0;
        while (r.next()) {
            if (r.field() == 1) domain = r.string();
            else if (r.field() == 2) version = r.int64();
            else r.skip();
        }
        opsets.put(domain, version);
    }

    private static void entry(ProtoReader r, Map<String, String> into) throws OnnxFormatException {
        String k = "", v = "";
        while (r.next()) {
            if (r.field() == 1) k = r.string();
            else if (r.field() == 2) v = r.string();
            else r.skip();
        }
        into.put(k, v);
    }

    private OnnxGraph graph(ProtoReader r) throws IOException {
        String name = "";
        List<OnnxNode> nodes = new ArrayList<>();
        Map<String, OnnxTensor> inits = new LinkedHashMap<>();
        List<OnnxValueInfo> in = new ArrayList<>(), out = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1: nodes.add(node(r.message())); break;
                case 2: name = r.string(); break;
                case 5: {
                    OnnxTensor t = tensor(r.message());
                    if (inits.put(t.name(), t) != null) throw r.fail("initializer '" + t.name() + "' appears twice");
                    break;
                }
                case 11: in.add(valueInfo(r.message())); break;
                case 12: out.add(valueInfo(r.message())); break;
                default: r.skip();
            }
        }
        return new OnnxGraph(name, nodes, inits, in, out);
    }

    private OnnxNode node(ProtoReader r) throws IOException {
        List<String> in = new ArrayList<>(), out = new ArrayList<>();
        Map<String, OnnxAttribute> attrs = new LinkedHashMap<>();
        String name = "", op = "", domain = "";
        while (r.next()) {
            switch (r.field()) {
                case 1: in.add(r.string()); break;
                case 2: out.add(r.string()); break;
                case 3: name = r.string(); break;
                case 4: op = r.string(); break;
                case 5: {
                    OnnxAttribute a = attribute(r.message());
                    attrs.put(a.name(), a);
                    break;
                }
                case 7: domain = r.string(); break;
                default: r.skip();
            }
        }
        if (op.isEmpty()) throw r.fail("node '" + name + "' has no op_type");
        return new OnnxNode(name, op, domain, in, out, attrs);
    }

    private OnnxAttribute attribute(ProtoReader r) throws IOException {
        String name = "", s = null;
        int type = 0;
        float f = 0;
        long i = 0;
        OnnxTensor t = null;
        OnnxGraph g = null;
        ProtoReader.FloatList floats = new ProtoReader.FloatList();
        ProtoReader.LongList ints = new ProtoReader.LongList();
        while (r.next()) {
            switch (r.field()) {
                case 1: name = r.string(); break;
                case 2: f = r.float32(); break;
                case 3: i = r.int64(); break;
                case 4: s = r.string(); break;
                case 5: t = tensor(r.message()); break;
                case 6: g = graph(r.message()); break;   // subgraphs are decoded so their depth is bounded too
                case 7: r.floats(floats, MAX_ELEMENTS); break;
                case 8: r.int64s(ints, MAX_ELEMENTS); break;
                case 20: type = (int) r.int64(); break;
                default: r.skip();
            }
        }
        return new OnnxAttribute(name, type, f, i, s, t, g, floats.n == 0 ? null : floats.toArray(), ints.n == 0 && type != OnnxAttribute.INTS ? null : ints.toArray());
    }

    private OnnxValueInfo valueInfo(ProtoReader r) throws OnnxFormatException {
        String name = "";
        int elem = 0;
        List<Long> dims = new ArrayList<>();
        List<String> params = new ArrayList<>();
        while (r.next()) {
            if (r.field() == 1) name = r.string();
            else if (r.field() == 2) {
                ProtoReader type = r.message();
                while (type.next()) {
                    if (type.field() != 1) { type.skip(); continue; }
                    ProtoReader tensor = type.message();
                    while (tensor.next()) {
                        if (tensor.field() == 1) elem = (int) tensor.int64();
                        else if (tensor.field() == 2) shape(tensor.message(), dims, params);
                        else tensor.skip();
                    }
                }
            } else r.skip();
        }
        long[] d = new long[dims.size()];
        for (int k = 0; k < d.length; k++) d[k] = dims.get(k);
        return new OnnxValueInfo(name, elem, d, params.toArray(new String[0]));
    }

    private static void shape(ProtoReader r, List<Long> dims, List<String> params) throws OnnxFormatException {
        while (r.next()) {
            if (r.field() != 1) { r.skip(); continue; }
            if (dims.size() >= MAX_DIMS) throw r.fail("a shape with more than " + MAX_DIMS + " dimensions");
            ProtoReader dim = r.message();
            long value = -1;
            String param = null;
            while (dim.next()) {
                if (dim.field() == 1) value = dim.int64();
                else if (dim.field() == 2) param = dim.string();
                else dim.skip();
            }
            dims.add(value);
            params.add(param);
        }
    }

    private OnnxTensor tensor(ProtoReader r) throws IOException {
        String name = "";
        int type = 0;
        boolean externalLocation = false;
        ProtoReader.LongList dims = new ProtoReader.LongList(), ints = new ProtoReader.LongList();
        ProtoReader.FloatList floats = new ProtoReader.FloatList();
        ByteBuffer raw = null;
        Map<String, String> ext = new LinkedHashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case 1: r.int64s(dims, MAX_DIMS); break;
                case 2: type = (int) r.int64(); break;
                case 4: r.floats(floats, MAX_ELEMENTS); break;
                case 5: case 7: r.int64s(ints, MAX_ELEMENTS); break;
                case 8: name = r.string(); break;
                case 9: raw = r.bytes(); break;
                case 10: r.doubles(floats, MAX_ELEMENTS); break;
                case 13: entry(r.message(), ext); break;
                case 14: externalLocation = r.int64() == 1; break;
                default: r.skip();
            }
        }
        long[] shape = dims.toArray();
        long count = 1;
        for (long d : shape) {
            if (d < 0) throw r.fail("tensor '" + name + "' has a negative dimension " + d);
            count *= d;
            if (count > MAX_ELEMENTS) throw r.fail("tensor '" + name + "' declares more than " + MAX_ELEMENTS + " elements");
        }
        int width = elementBytes(type, name, r);
        if (externalLocation) raw = external.read(name, ext, count * width);
        boolean isFloat = type == OnnxTensor.FLOAT || type == OnnxTensor.DOUBLE;
        if (raw != null) {
            if (raw.remaining() != count * width) {
                throw r.fail("tensor '" + name + "' holds " + raw.remaining() + " bytes, its dims need " + count * width);
            }
            raw = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            if (isFloat) {
                float[] v = new float[(int) count];
                for (int k = 0; k < v.length; k++) v[k] = type == OnnxTensor.FLOAT ? raw.getFloat() : (float) raw.getDouble();
                return finite(new OnnxTensor(name, OnnxTensor.FLOAT, shape, v, null), r);
            }
            long[] v = new long[(int) count];
            for (int k = 0; k < v.length; k++) v[k] = type == OnnxTensor.INT64 ? raw.getLong() : raw.getInt();
            return new OnnxTensor(name, OnnxTensor.INT64, shape, null, v);
        }
        int have = isFloat ? floats.n : ints.n;
        if (have != count) throw r.fail("tensor '" + name + "' holds " + have + " values, its dims need " + count);
        if (isFloat) return finite(new OnnxTensor(name, OnnxTensor.FLOAT, shape, floats.toArray(), null), r);
        long[] v = ints.toArray();
        if (type == OnnxTensor.INT32) for (int k = 0; k < v.length; k++) v[k] = (int) v[k];   // int32_data is zig-zag free int32 in a varint
        return new OnnxTensor(name, OnnxTensor.INT64, shape, null, v);
    }

    private static int elementBytes(int type, String name, ProtoReader r) throws OnnxFormatException {
        switch (type) {
            case OnnxTensor.FLOAT: case OnnxTensor.INT32: return 4;
            case OnnxTensor.INT64: case OnnxTensor.DOUBLE: return 8;
            default: throw r.fail("tensor '" + name + "' has data type " + type + "; supported: float, double, int32, int64");
        }
    }

    private static OnnxTensor finite(OnnxTensor t, ProtoReader r) throws OnnxFormatException {
        float[] v = t.floats();
        for (int k = 0; k < v.length; k++) {
            if (!Float.isFinite(v[k])) throw r.fail("tensor '" + t.name() + "' holds a non-finite value (" + v[k] + ") at element " + k);
        }
        return t;
    }
}
