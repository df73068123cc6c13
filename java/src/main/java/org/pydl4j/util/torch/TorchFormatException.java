package org.pydl4j.util.torch;

import java.io.IOException;

/** A PyTorch file that is corrupt, truncated, hostile or not a state dict of tensors; the message names the file. */
public class TorchFormatException extends IOException {
    public TorchFormatException(String message) { super(message); }
}
