package org.pydl4j.util.serde;

/**
 * A model configuration that cannot be read or built, with the file named (the message starts with it). Code
 * that adds context catches this type and passes it on unchanged, instead of looking at message text.
 */
public class InvalidConfigurationException extends IllegalArgumentException {
    private final String source;

    public InvalidConfigurationException(String source, String message, Throwable cause) {
        super(message, cause);
        this.source = source;
    }

    /** The file the configuration came from. */
    public String source() { return source; }
}
