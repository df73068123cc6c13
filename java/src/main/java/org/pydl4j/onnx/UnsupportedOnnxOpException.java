package org.pydl4j.onnx;

/**
 * A well-formed ONNX graph uses an operator (or an operator setting) this engine cannot map to a layer. Carries
 * the node, the operator and the opset so callers can report or handle it without reading the message.
 */
public class UnsupportedOnnxOpException extends OnnxFormatException {
    private final String node, opType;
    private final long opset;

    public UnsupportedOnnxOpException(String file, String node, String opType, long opset, String why) {
        super(file, "node '" + node + "': op " + opType + " (opset " + opset + ") is not supported: " + why);
        this.node = node;
        this.opType = opType;
        this.opset = opset;
    }

    public String node() { return node; }
    public String opType() { return opType; }
    public long opset() { return opset; }
}
