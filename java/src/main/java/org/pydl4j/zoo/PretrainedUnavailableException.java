package org.pydl4j.zoo;

import java.io.IOException;

/** Pretrained weights are neither cached nor downloadable; the message names the file, address and alternatives. */
public class PretrainedUnavailableException extends IOException {
    public PretrainedUnavailableException(String message, Throwable cause) { super(message, cause); }
}
