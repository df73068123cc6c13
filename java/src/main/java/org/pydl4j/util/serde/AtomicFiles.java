package org.pydl4j.util.serde;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe file replacement: the content goes to a temporary file in the target's directory, is flushed and
 * fsynced, then renamed over the target in one step (and the directory entry fsynced). A failure or crash at any
 * point leaves either the old file or the complete new one, never a half-written file; on failure the temporary
 * file is removed.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the content of a file. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Temporary files of this class start with this prefix (".name.tmp-"), so that they are recognisable. */
    public static String tempPrefix(Path target) { return "." + target.getFileName() + ".tmp-"; }

    /** Bytes the file system holding a directory has left for this process. */
    @FunctionalInterface
    interface FreeSpace {
        long usableBytes(Path dir) throws IOException;
    }

    /**
     * A failed write with less than this left on the device is taken for a full disk: a write fails with ENOSPC
     * only once the free blocks are gone, and the buffered writes here are at most 64 KiB.
     */
    static final long FULL_BELOW_BYTES = 1 << 20;

    /**
     * Writes {@code target} atomically; a full disk is a {@link DiskFullException} naming the file, what was written
     * and what is free (the old content stays).
     */
    public static void write(Path target, Writer writer) throws IOException {
        write(target, writer, dir -> Files.getFileStore(dir).getUsableSpace());
    }

    static void write(Path target, Writer writer, FreeSpace freeSpace) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null) throw new IOException(target + ": has no parent directory");
        if (!Files.isDirectory(dir)) throw new IOException(target + ": directory " + dir + " does not exist");
        if (Files.isDirectory(abs)) throw new IOException(target + ": is a directory");
        Path tmp = Files.createTempFile(dir, tempPrefix(abs), "");
        boolean done = false;
        try {
            CountingStream counted = null;
            try (FileOutputStream fos = new FileOutputStream(tmp.toFile());
                 OutputStream out = new BufferedOutputStream(fos, 1 << 16)) {
                counted = new CountingStream(out);
                writer.write(counted);
                out.flush();
                fos.getFD().sync();
            } catch (IOException e) {
                // checked before the temporary file is removed: its blocks are what filled the device
                long free = freeSpace.usableBytes(dir);
                if (free < FULL_BELOW_BYTES) throw new DiskFullException(abs, counted == null ? 0 : counted.count, free, e);
                throw e;
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException(target + ": the file system cannot replace files atomically", e);
            }
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    /** fsync of the directory so that the rename itself survives a crash (a no-op where directories cannot be opened). */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some platforms (Windows) cannot open a directory; the rename is still atomic there.
        }
    }

    /**
     * Counts the bytes the writer handed over, the failing write's included (for a full disk's message) and keeps writers (zip streams) from closing
     * the file before it is synced.
     */
    private static final class CountingStream extends java.io.FilterOutputStream {
        long count;

        CountingStream(OutputStream out) { super(out); }

        @Override
        public void write(int b) throws IOException { count++; out.write(b); }

        @Override
        public void write(byte[] b, int off, int len) throws IOException { count += len; out.write(b, off, len); }

        @Override
        public void close() throws IOException { flush(); }
    }
}
