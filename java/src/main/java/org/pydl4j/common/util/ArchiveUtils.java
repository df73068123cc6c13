package org.pydl4j.common.util;

import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.pydl4j.util.serde.AtomicFiles;

/**
 * Extracts archives (.zip/.jar, .tar, .tar.gz/.tgz, .gz), as ND4J's {@code ArchiveUtils}, safely: every entry must
 * stay inside the destination (no absolute names, no "..", no existing symbolic link on the way), tar links and
 * special files are refused, and the extracted bytes (counted as written, not as declared) and entries are capped
 * ({@link #MAX_TOTAL_BYTES}, {@link #MAX_ENTRIES}; settable with -Dpydl4j.archive.maxBytes). Each file is written
 * atomically. Problems are IOExceptions naming the archive and the entry.
 */
public final class ArchiveUtils {
    private ArchiveUtils() {}

    public static final long MAX_TOTAL_BYTES = Long.getLong("pydl4j.archive.maxBytes", 16L << 30);
    public static final int MAX_ENTRIES = 1_000_000;

    public static void unzipFileTo(String file, String dest) throws IOException { unzipFileTo(file, dest, false); }

    /** Extracts the archive (type from its extension) into dest, creating it if needed. */
    public static void unzipFileTo(String file, String dest, boolean logFiles) throws IOException {
        File archive = new File(file);
        if (!archive.isFile()) throw new IOException(file + ": no such archive");
        Path target = new File(dest).toPath();
        Files.createDirectories(target);
        Extractor x = new Extractor(archive.toString(), target.toRealPath(), logFiles);
        String lower = archive.getName().toLowerCase();
        if (lower.endsWith(".zip") || lower.endsWith(".jar")) {
            try (ZipFile zip = new ZipFile(archive)) {
                for (ZipEntry e : Collections.list(zip.entries())) {
                    if (e.isDirectory()) x.directory(e.getName());
                    else try (InputStream in = zip.getInputStream(e)) { x.file(e.getName(), in); }
                }
            }
        } else if (lower.endsWith(".tar.gz") || lower.endsWith(".tgz") || lower.endsWith(".tar")) {
            try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive.toPath()), 1 << 16);
                 InputStream in = lower.endsWith(".tar") ? raw : new GZIPInputStream(raw, 1 << 16)) {
                TarReader tar = new TarReader(in, archive.toString());
                for (TarReader.Entry e; (e = tar.next()) != null; ) {
                    if (e.isDirectory()) x.directory(e.name);
                    else if (e.isFile()) x.file(e.name, tar.content());
                    else if (e.type == '1' || e.type == '2') throw new IOException(archive + ": entry '" + e.name + "' is a link (to '" + e.linkName + "'); links are not extracted");
                    else throw new IOException(archive + ": entry '" + e.name + "' has tar type '" + e.type + "' (not a file or folder); refused");
                }
            }
        } else if (lower.endsWith(".gz")) {
            try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive.toPath()), 1 << 16), 1 << 16)) {
                x.file(archive.getName().substring(0, archive.getName().length() - 3), in);
            }
        } else {
            throw new IOException(file + ": unknown archive type (expected .zip, .jar, .tar, .tar.gz, .tgz or .gz)");
        }
    }

    /** Names of the files and folders in a .tar or .tar.gz/.tgz archive. */
    public static List<String> tarListFiles(File tarFile) throws IOException {
        List<String> out = new ArrayList<>();
        String lower = tarFile.getName().toLowerCase();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(tarFile.toPath()), 1 << 16);
             InputStream in = lower.endsWith(".tar") ? raw : new GZIPInputStream(raw, 1 << 16)) {
            TarReader tar = new TarReader(in, tarFile.toString());
            for (TarReader.Entry e; (e = tar.next()) != null; ) {
                if (out.size() >= MAX_ENTRIES) throw new IOException(tarFile + ": more than " + MAX_ENTRIES + " entries");
                out.add(e.name);
            }
        }
        return out;
    }

    /** Names of the entries of a zip archive. */
    public static List<String> zipListFiles(File zipFile) throws IOException {
        List<String> out = new ArrayList<>();
        try (ZipFile zip = new ZipFile(zipFile)) {
            for (ZipEntry e : Collections.list(zip.entries())) out.add(e.getName());
        }
        return out;
    }

    /** Extracts one file of a zip archive to destination. */
    public static void zipExtractSingleFile(File zipFile, File destination, String pathInZip) throws IOException {
        try (ZipFile zip = new ZipFile(zipFile)) {
            ZipEntry e = zip.getEntry(pathInZip);
            if (e == null || e.isDirectory()) throw new IOException(zipFile + ": no file '" + pathInZip + "' in the archive");
            try (InputStream in = zip.getInputStream(e)) { copyCapped(in, destination, zipFile + ":" + pathInZip); }
        }
    }

    /** Extracts one file of a .tar.gz archive to destination. */
    public static void tarGzExtractSingleFile(File tarGz, File destination, String pathInTarGz) throws IOException {
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tarGz.toPath()), 1 << 16), 1 << 16)) {
            TarReader tar = new TarReader(in, tarGz.toString());
            for (TarReader.Entry e; (e = tar.next()) != null; ) {
                if (e.isFile() && e.name.equals(pathInTarGz)) {
                    copyCapped(tar.content(), destination, tarGz + ":" + pathInTarGz);
                    return;
                }
            }
        }
        throw new IOException(tarGz + ": no file '" + pathInTarGz + "' in the archive");
    }

    private static void copyCapped(InputStream in, File destination, String what) throws IOException {
        AtomicFiles.write(destination.toPath(), out -> copy(in, out, MAX_TOTAL_BYTES, what));
    }

    static long copy(InputStream in, OutputStream out, long limit, String what) throws IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
            total += n;
            if (total > limit) throw new IOException(what + ": extracts to more than " + limit + " bytes; refused (raise -Dpydl4j.archive.maxBytes if it is genuine)");
            out.write(buf, 0, n);
        }
        return total;
    }

    /** Places entries under the destination, enforcing the rules above. */
    private static final class Extractor {
        private final String archive;
        private final Path root;
        private final boolean log;
        private long bytes;
        private int entries;

        Extractor(String archive, Path root, boolean log) { this.archive = archive; this.root = root; this.log = log; }

        private Path resolve(String name) throws IOException {
            if (++entries > MAX_ENTRIES) throw new IOException(archive + ": more than " + MAX_ENTRIES + " entries; refused");
            String n = name.replace('\\', '/');
            if (n.startsWith("/") || n.matches("^[A-Za-z]:.*") || n.contains("\0")) throw new IOException(archive + ": entry '" + name + "' has an absolute name; refused");
            for (String part : n.split("/")) {
                if (part.equals("..")) throw new IOException(archive + ": entry '" + name + "' points outside the destination; refused");
            }
            Path p = root.resolve(n).normalize();
            if (!p.startsWith(root)) throw new IOException(archive + ": entry '" + name + "' points outside the destination; refused");
            // no existing symbolic link on the way (it could lead outside)
            for (Path q = p; q != null && !q.equals(root); q = q.getParent()) {
                if (Files.isSymbolicLink(q)) throw new IOException(archive + ": entry '" + name + "' would be written through the symbolic link " + q + "; refused");
            }
            return p;
        }

        void directory(String name) throws IOException {
            Path p = resolve(name);
            Files.createDirectories(p);
        }

        void file(String name, InputStream in) throws IOException {
            Path p = resolve(name);
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) throw new IOException(archive + ": entry '" + name + "' is a file where a folder exists");
            Files.createDirectories(p.getParent());
            long[] written = {0};
            AtomicFiles.write(p, out -> written[0] = copy(in, out, MAX_TOTAL_BYTES - bytes, archive + ":" + name));
            bytes += written[0];
            if (log) System.err.println("extracted " + p + " (" + written[0] + " bytes)");
        }
    }
}
