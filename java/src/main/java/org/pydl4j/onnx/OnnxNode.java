package org.pydl4j.onnx;

import java.util.List;
import java.util.Map;

/** A NodeProto: one operator application. Empty input names stand for omitted optional inputs. */
public record OnnxNode(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                       Map<String, OnnxAttribute> attributes) {

    public OnnxAttribute attr(String key) { return attributes.get(key); }

    public long intAttr(String key, long dflt) {
        OnnxAttribute a = attributes.get(key);
        return a == null ? dflt : a.i();
    }

    public float floatAttr(String key, float dflt) {
        OnnxAttribute a = attributes.get(key);
        return a == null ? dflt : a.f();
    }

    public long[] intsAttr(String key, long[] dflt) {
        OnnxAttribute a = attributes.get(key);
        return a == null || a.ints() == null ? dflt : a.ints();
    }

    public String stringAttr(String key, String dflt) {
        OnnxAttribute a = attributes.get(key);
        return a == null || a.s() == null ? dflt : a.s();
    }

    /** The input at {@code i}, or "" when absent. */
    public String input(int i) { return i < inputs.size() ? inputs.get(i) : ""; }
}
