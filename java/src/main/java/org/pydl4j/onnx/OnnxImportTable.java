package org.pydl4j.onnx;

import java.util.Map;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nn.conf.graph.ElementWiseVertex;

/**
 * ONNX import of each operator (default ai.onnx domain), one entry per op type. Constant-only computations are
 * folded before this table is consulted ({@link OnnxConstantFolding}).
 */
public final class OnnxImportTable {
    private OnnxImportTable() {}

    static final Map<String, OnnxNodeImporter> OPS = Map.ofEntries(
            Map.entry("Conv", OnnxSpatialImports::conv),
            Map.entry("BatchNormalization", OnnxSpatialImports::batchNorm),
            Map.entry("MaxPool", OnnxSpatialImports::pool),
            Map.entry("AveragePool", OnnxSpatialImports::pool),
            Map.entry("GlobalAveragePool", OnnxSpatialImports::globalPool),
            Map.entry("GlobalMaxPool", OnnxSpatialImports::globalPool),
            Map.entry("Pad", OnnxSpatialImports::pad),
            Map.entry("Relu", OnnxGraphImports.activation(Activation.RELU)),
            Map.entry("Sigmoid", OnnxGraphImports::sigmoid),
            Map.entry("HardSigmoid", OnnxGraphImports::hardSigmoid),
            Map.entry("HardSwish", OnnxGraphImports.activation(Activation.HARDSWISH)),
            Map.entry("Tanh", OnnxGraphImports.activation(Activation.TANH)),
            Map.entry("LeakyRelu", OnnxGraphImports::leakyRelu),
            Map.entry("Clip", OnnxGraphImports::clip),
            Map.entry("Softmax", OnnxGraphImports::softmax),
            Map.entry("Add", OnnxGraphImports.elementWise(ElementWiseVertex.Op.Add)),
            Map.entry("Sum", OnnxGraphImports.elementWise(ElementWiseVertex.Op.Add)),
            Map.entry("Mul", OnnxGraphImports::mul),
            Map.entry("Concat", OnnxGraphImports::concat),
            Map.entry("Flatten", OnnxGraphImports::flatten),
            Map.entry("Reshape", OnnxGraphImports::flatten),
            Map.entry("Squeeze", OnnxGraphImports::flatten),
            Map.entry("Gemm", OnnxDenseImports::gemm),
            Map.entry("MatMul", OnnxDenseImports::matMul),
            Map.entry("Identity", OnnxGraphImports::passThrough),
            Map.entry("Dropout", OnnxGraphImports::passThrough));

    /** Whether an op type of the default domain can be imported. */
    public static boolean supports(String opType) { return OPS.containsKey(opType); }
}
