package org.pydl4j.onnx;

import java.util.List;
import java.util.Map;

/** A GraphProto: nodes in topological order, initializers by name, inputs and outputs. */
public record OnnxGraph(String name, List<OnnxNode> nodes, Map<String, OnnxTensor> initializers,
                        List<OnnxValueInfo> inputs, List<OnnxValueInfo> outputs) {}
