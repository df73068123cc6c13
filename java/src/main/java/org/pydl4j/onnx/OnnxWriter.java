package org.pydl4j.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.pydl4j.util.serde.AtomicFiles;

/** Encodes an {@link OnnxModel} as ONNX protobuf (field numbers of onnx.proto) and writes it atomically. */
public final class OnnxWriter {
    private OnnxWriter() {}

    public static void write(OnnxModel model, Path target) throws IOException {
        ProtoWriter w = model(model);
        AtomicFiles.write(target, w::writeTo);
    }

    public static byte[] encode(OnnxModel m) { return model(m).toByteArray(); }

    private static ProtoWriter model(OnnxModel m) {
        ProtoWriter graph = graph(m.graph());
        ProtoWriter w = new ProtoWriter(graph.size() + 4096).varintField(1, m.irVersion())
                .string(2, m.producerName()).string(3, m.producerVersion());
        w.message(7, graph);
        for (Map.Entry<String, Long> e : m.opsets().entrySet()) {
            w.message(8, new ProtoWriter().string(1, e.getKey()).varintField(2, e.getValue()));
        }
        for (Map.Entry<String, String> e : m.metadata().entrySet()) {
            w.message(14, new ProtoWriter().string(1, e.getKey()).string(2, e.getValue()));
        }
        return w;
    }

    private static ProtoWriter graph(OnnxGraph g) {
        long bytes = 1 << 16;
        for (OnnxTensor t : g.initializers().values()) bytes += t.size() * (t.isFloat() ? 4 : 8) + 256;
        ProtoWriter w = new ProtoWriter(bytes);
        for (OnnxNode n : g.nodes()) w.message(1, node(n));
        w.string(2, g.name());
        for (OnnxTensor t : g.initializers().values()) w.message(5, tensor(t));
        for (OnnxValueInfo v : g.inputs()) w.message(11, valueInfo(v));
        for (OnnxValueInfo v : g.outputs()) w.message(12, valueInfo(v));
        return w;
    }

    private static ProtoWriter node(OnnxNode n) {
        ProtoWriter w = new ProtoWriter();
        for (String s : n.inputs()) w.string(1, s);
        for (String s : n.outputs()) w.string(2, s);
        w.string(3, n.name()).string(4, n.opType());
        for (OnnxAttribute a : n.attributes().values()) w.message(5, attribute(a));
        if (!n.domain().isEmpty()) w.string(7, n.domain());
        return w;
    }

    private static ProtoWriter attribute(OnnxAttribute a) {
        ProtoWriter w = new ProtoWriter().string(1, a.name());
        switch (a.type()) {
            case OnnxAttribute.FLOAT: w.floatField(2, a.f()); break;
            case OnnxAttribute.INT: w.varintField(3, a.i()); break;
            case OnnxAttribute.STRING: w.string(4, a.s()); break;
            case OnnxAttribute.TENSOR: w.message(5, tensor(a.t())); break;
            case OnnxAttribute.INTS: for (long v : a.ints()) w.varintField(8, v); break;
            case OnnxAttribute.FLOATS: for (float v : a.floats()) w.floatField(7, v); break;
            default: throw new IllegalArgumentException("attribute '" + a.name() + "': type " + a.type() + " is not written");
        }
        return w.varintField(20, a.type());
    }

    private static ProtoWriter tensor(OnnxTensor t) {
        ProtoWriter w = new ProtoWriter(t.size() * (t.isFloat() ? 4 : 8) + 256);
        for (long d : t.dims()) w.varintField(1, d);
        w.varintField(2, t.isFloat() ? OnnxTensor.FLOAT : OnnxTensor.INT64).string(8, t.name());
        w.bytes(9, t.isFloat() ? ProtoWriter.rawFloats(t.floats()) : ProtoWriter.rawInt64s(t.ints()));
        return w;
    }

    private static ProtoWriter valueInfo(OnnxValueInfo v) {
        ProtoWriter shape = new ProtoWriter();
        for (int i = 0; i < v.dims().length; i++) {
            ProtoWriter dim = new ProtoWriter();
            if (v.dims()[i] >= 0) dim.varintField(1, v.dims()[i]);
            else dim.string(2, v.dimParams()[i] == null ? "d" + i : v.dimParams()[i]);
            shape.message(1, dim);
        }
        ProtoWriter tensorType = new ProtoWriter().varintField(1, v.elemType()).message(2, shape);
        return new ProtoWriter().string(1, v.name()).message(2, new ProtoWriter().message(1, tensorType));
    }
}
