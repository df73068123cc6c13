package org.pydl4j.datasets.fetchers;

import java.io.IOException;

/** A data set file is neither in the cache nor downloadable; the message names the file and where to place it. */
public class DatasetUnavailableException extends IOException {
    public DatasetUnavailableException(String message, Throwable cause) { super(message, cause); }
}
