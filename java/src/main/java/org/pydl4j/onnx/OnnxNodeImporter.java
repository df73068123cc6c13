package org.pydl4j.onnx;

/** Maps one ONNX operator onto layers or vertices (or folds it into constants) in an import. */
@FunctionalInterface
interface OnnxNodeImporter {
    void importNode(OnnxImportContext ctx, OnnxNode node) throws OnnxFormatException;
}
