package org.pydl4j.ui.storage;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * Records kept in a file, as DL4J's {@code FileStatsStorage}: one JSON line per record, appended as it arrives
 * (and flushed, so a crashed run keeps what it reported), read back when the file is opened again. A torn last
 * line (the writer died mid-line) is cut off; any other bad line is an error naming the file and the line.
 */
public class FileStatsStorage extends BaseStatsStorage {
    /** Files larger than this are refused (a stats log of a long run is a few MB). */
    public static final long MAX_FILE_BYTES = 1L << 30;

    private final File file;
    private final Writer out;

    public FileStatsStorage(File file) {
        this.file = file;
        try {
            if (file.exists()) load();
            this.out = new BufferedWriter(new OutputStreamWriter(new FileOutputStream(file, true), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("FileStatsStorage: cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    public File getFile() { return file; }

    private void load() throws IOException {
        if (!file.isFile()) throw new IOException("not a regular file");
        long size = Files.size(file.toPath());
        if (size > MAX_FILE_BYTES) throw new IOException(size + " bytes, more than " + MAX_FILE_BYTES);
        byte[] bytes = Files.readAllBytes(file.toPath());
        boolean torn = bytes.length > 0 && bytes[bytes.length - 1] != '\n';
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new java.io.ByteArrayInputStream(bytes), StandardCharsets.UTF_8))) {
            String line, next = in.readLine();
            for (int n = 1; (line = next) != null; n++) {
                next = in.readLine();
                if (next == null && torn) break;      // the last line was cut short by a crash
                if (line.isEmpty()) continue;
                restoreLine(line, n);
            }
        }
        if (torn) {   // cut the torn line off: later appends start on a fresh line
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') end--;
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file.toPath(),
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(end);
            }
        }
    }

    private void restoreLine(String line, int n) throws IOException {
        try {
            RecordLine r = RecordLine.fromTree(StatsReport.parseBounded(line));
            restore(r.report(), r.isStatic());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IOException("line " + n + ": " + e.getMessage(), e);
        }
    }

    @Override
    protected void persist(Persistable record, boolean isStatic) {
        String text = org.pydl4j.util.json.Json.writeCompact(RecordLine.of(record, isStatic).toTree());
        synchronized (out) {
            try {
                out.write(text);
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("FileStatsStorage: cannot write " + file + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        super.close();
        synchronized (out) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("FileStatsStorage: cannot close " + file + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String toString() { return "FileStatsStorage(" + file + ")"; }
}
