package org.pydl4j.util.serde;

import java.io.IOException;

/**
 * A model file (or an entry of a model zip) that cannot be read, with the file (and entry) named: its message
 * starts with "source" or "source:entry". Code that adds context catches this type and passes it on unchanged,
 * instead of looking at message text.
 */
public class ModelFileException extends IOException {
    private final String source;

    public ModelFileException(String source, String message) {
        super(message);
        this.source = source;
    }

    public ModelFileException(String source, String message, Throwable cause) {
        super(message, cause);
        this.source = source;
    }

    /** The file (or "file:entry") the problem is in. */
    public String source() { return source; }
}
