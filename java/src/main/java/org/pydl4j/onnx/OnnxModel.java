package org.pydl4j.onnx;

import java.util.Map;

/**
 * A ModelProto: IR version, operator sets by domain ("" is the default ai.onnx domain), producer, the graph and
 * the metadata_props (key -> value; the exporter documents preprocessing there).
 */
public record OnnxModel(long irVersion, Map<String, Long> opsets, String producerName, String producerVersion,
                        OnnxGraph graph, Map<String, String> metadata) {
    /** The version of the default (ai.onnx) operator set. */
    public long opset() { return opsets.getOrDefault("", opsets.getOrDefault("ai.onnx", 1L)); }
}
