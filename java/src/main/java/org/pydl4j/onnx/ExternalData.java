package org.pydl4j.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Tensor data stored outside the model file (TensorProto data_location EXTERNAL). Confined to the model's folder:
 * the location must be relative, without "..", and no path component may be a symbolic link (so nothing outside
 * the folder is reached); offset and length are checked against the file before anything is read.
 */
final class ExternalData {
    private final String file;
    private final Path folder;

    /** @param folder the model's folder, or null where external data is refused (models decoded from bytes) */
    ExternalData(String file, Path folder) {
        this.file = file;
        this.folder = folder;
    }

    ByteBuffer read(String tensor, Map<String, String> entries, long expectedBytes) throws IOException {
        String location = entries.get("location");
        if (folder == null) throw fail(tensor, "external data is not accepted here (no model folder)");
        if (location == null || location.isEmpty()) throw fail(tensor, "external data without a location");
        Path rel;
        try {
            rel = Path.of(location);
        } catch (RuntimeException e) {
            throw fail(tensor, "external data location '" + location + "' is not a valid path");
        }
        if (rel.isAbsolute()) throw fail(tensor, "external data location '" + location + "' is absolute; only files inside the model's folder are read");
        Path p = folder;
        for (Path part : rel) {
            String s = part.toString();
            if (s.equals("..") || s.equals(".")) throw fail(tensor, "external data location '" + location + "' leaves the model's folder");
            p = p.resolve(s);
            if (Files.isSymbolicLink(p)) throw fail(tensor, "external data location '" + location + "' goes through a symbolic link");
        }
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) throw fail(tensor, "external data file '" + location + "' does not exist in the model's folder");
        long offset = parse(tensor, entries.get("offset"), 0), length = parse(tensor, entries.get("length"), -1);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            if (length < 0) length = size - offset;
            if (offset > size || length > size - offset) {
                throw fail(tensor, "external data range " + offset + "+" + length + " exceeds '" + location + "' (" + size + " bytes)");
            }
            if (length != expectedBytes) throw fail(tensor, "external data holds " + length + " bytes, its dims need " + expectedBytes);
            ByteBuffer b = ByteBuffer.allocate((int) length);
            while (b.hasRemaining()) {
                if (ch.read(b, offset + b.position()) < 0) throw fail(tensor, "external data file '" + location + "' ended early");
            }
            b.flip();
            return b;
        }
    }

    private long parse(String tensor, String v, long dflt) throws OnnxFormatException {
        if (v == null) return dflt;
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) throw fail(tensor, "negative external data offset/length " + n);
            return n;
        } catch (NumberFormatException e) {
            throw fail(tensor, "external data offset/length '" + v + "' is not a number");
        }
    }

    private OnnxFormatException fail(String tensor, String problem) {
        return new OnnxFormatException(file, "tensor '" + tensor + "': " + problem);
    }
}
