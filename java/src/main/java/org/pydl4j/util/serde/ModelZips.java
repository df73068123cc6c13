package org.pydl4j.util.serde;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Zip access shared by the model readers: clear errors naming the file and entry, bounded reads. */
public final class ModelZips {
    private ModelZips() {}

    /** Largest JSON entry read (configuration.json of VGG-16 is about 60 KB). */
    static final int MAX_JSON_BYTES = 64 << 20;

    /** Writes binary content to a stream. */
    @FunctionalInterface
    public interface BinaryWriter {
        void write(java.io.DataOutputStream out) throws IOException;
    }

    /**
     * Adds an uncompressed (STORED) entry: float data hardly compresses, and deflating it costs ten times more than
     * writing it. The writer runs twice, first to compute the size and CRC-32 the entry header needs.
     */
    public static void putStored(java.util.zip.ZipOutputStream zip, String name, BinaryWriter writer) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        long[] size = {0};
        java.io.OutputStream sink = new java.io.OutputStream() {
            @Override public void write(int b) { crc.update(b); size[0]++; }
            @Override public void write(byte[] b, int off, int len) { crc.update(b, off, len); size[0] += len; }
        };
        java.io.DataOutputStream probe = new java.io.DataOutputStream(sink);
        writer.write(probe);
        probe.flush();
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(size[0]);
        e.setCompressedSize(size[0]);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        java.io.DataOutputStream out = new java.io.DataOutputStream(zip);
        writer.write(out);
        out.flush();
        zip.closeEntry();
    }

    /** Opens a zip; a missing, truncated or non-zip file is an IOException naming it. */
    public static ZipFile open(File file) throws IOException {
        if (!file.isFile()) throw new IOException(file + ": model file does not exist");
        try {
            return new ZipFile(file);
        } catch (IOException e) {   // ZipException, or EOFException (no message) from a cut or damaged directory
            throw new IOException(file + ": not a valid model zip (truncated or corrupt): " + e, e);
        }
    }

    /** An entry's bytes, checked against its declared CRC-32 (which {@code ZipFile} does not check). */
    public static InputStream entryStream(ZipFile zip, ZipEntry e, String source) throws IOException {
        return new CrcCheckedInputStream(zip.getInputStream(e), e.getCrc(), source + ":" + e.getName());
    }

    /** Names of the zip's entries, for error messages. */
    public static List<String> entryNames(ZipFile zip) {
        List<String> out = new ArrayList<>();
        for (ZipEntry e : Collections.list(zip.entries())) out.add(e.getName());
        return out;
    }

    /** A required UTF-8 entry, at most MAX_JSON_BYTES. */
    public static String readText(ZipFile zip, String entry, String source) throws IOException {
        ZipEntry e = zip.getEntry(entry);
        if (e == null) throw new IOException(source + ": no " + entry + " in the model zip (entries: " + entryNames(zip) + ")");
        if (e.getSize() > MAX_JSON_BYTES) throw new IOException(source + ":" + entry + " is " + e.getSize() + " bytes, more than the limit of " + MAX_JSON_BYTES);
        try (InputStream in = entryStream(zip, e, source)) {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                bos.write(buf, 0, n);
                if (bos.size() > MAX_JSON_BYTES) throw new IOException(source + ":" + entry + " is larger than the limit of " + MAX_JSON_BYTES + " bytes");
            }
            return bos.toString(StandardCharsets.UTF_8);
        } catch (IOException ex) {   // ZipException, or an EOFException without message from a damaged entry
            if (ex.getMessage() != null && ex.getMessage().startsWith(source)) throw ex;
            throw new IOException(source + ":" + entry + " cannot be read (corrupt zip): " + ex, ex);
        }
    }
}
