package org.pydl4j.onnx;

import java.io.IOException;

/**
 * An ONNX file cannot be read: malformed or truncated protobuf, a declared size beyond the file or a cap, nesting
 * too deep, external data outside the model's folder, a non-finite initializer. The message names the file.
 */
public class OnnxFormatException extends IOException {
    private final String file;

    public OnnxFormatException(String file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public OnnxFormatException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file (or stream name) that could not be read. */
    public String file() { return file; }
}
