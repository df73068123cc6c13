package org.pydl4j.util.serde;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The disk (or quota) filled while a file was written: names the file, the bytes written when it filled and the
 * space left, like the Python side's {@code DiskFullError}. The file being replaced keeps its old content.
 */
public final class DiskFullException extends IOException {
    private final Path path;
    private final long written;
    private final long free;

    public DiskFullException(Path path, long written, long free, IOException cause) {
        super("no space left on the device writing " + path + ": at least " + written + " bytes needed (" + written
                + " written out when it filled, " + free + " bytes free in " + path.toAbsolutePath().getParent()
                + "); free some space or write elsewhere", cause);
        this.path = path;
        this.written = written;
        this.free = free;
    }

    /** The file that was being written. */
    public Path getPath() { return path; }

    /** Bytes of the new content the writer had handed over when the device filled (the failing write included). */
    public long getWritten() { return written; }

    /** Bytes the file system had left for this process when the write failed. */
    public long getFree() { return free; }
}
