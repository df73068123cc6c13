package org.pydl4j.common.resources;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.pydl4j.common.util.ArchiveUtils;

/**
 * Downloads a file with a checksum and retries, as ND4J's {@code org.nd4j.common.resources.Downloader}: a file that
 * is already there with the right checksum is kept; otherwise the content goes to a unique temporary file in the
 * target's folder, is checked (MD5 for a 32-digit checksum, SHA-256 for 64 digits), fsynced and renamed into place,
 * under a lock file so that concurrent processes do not download the same file twice. Only http, https and file
 * addresses are followed; downloads are capped at {@link #MAX_BYTES} (-Dpydl4j.download.maxBytes).
 */
public final class Downloader {
    private Downloader() {}

    public static final int DEFAULT_CONNECTION_TIMEOUT = 60_000;
    public static final int DEFAULT_READ_TIMEOUT = 60_000;
    public static final long MAX_BYTES = Long.getLong("pydl4j.download.maxBytes", 8L << 30);

    public static void download(String name, URL url, File f, String targetMD5, int maxTries) throws IOException {
        download(name, url, f, targetMD5, maxTries, DEFAULT_CONNECTION_TIMEOUT, DEFAULT_READ_TIMEOUT);
    }

    /**
     * Makes f the verified content of url (checksum may be null only for files with no published checksum).
     *
     * @throws IOException naming the resource, the address and the last failure after maxTries attempts
     */
    public static void download(String name, URL url, File f, String targetMD5, int maxTries, int connectionTimeout, int readTimeout) throws IOException {
        if (maxTries < 1) throw new IllegalArgumentException("Downloader: maxTries must be >= 1, got " + maxTries);
        String proto = url.getProtocol();
        if (!proto.equals("http") && !proto.equals("https") && !proto.equals("file")) {
            throw new IOException(name + ": refusing to download from " + url + " (only http, https and file addresses)");
        }
        Path target = f.getAbsoluteFile().toPath();
        Files.createDirectories(target.getParent());
        Path lockFile = target.resolveSibling("." + target.getFileName() + ".lock");
        try (FileChannel lockCh = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockCh.lock()) {
            if (Files.isRegularFile(target) && checksumMatches(targetMD5, target.toFile())) return;
            IOException last = null;
            for (int attempt = 1; attempt <= maxTries; attempt++) {
                Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".part-", "");
                try {
                    fetch(url, tmp, connectionTimeout, readTimeout);
                    if (!checksumMatches(targetMD5, tmp.toFile())) {
                        throw new IOException("checksum mismatch: " + checksum(algorithm(targetMD5), tmp.toFile()) + " != " + targetMD5.toLowerCase());
                    }
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    return;
                } catch (IOException e) {
                    last = e;
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            throw new IOException(name + ": could not download " + url + " to " + target + " in " + maxTries + " attempt(s): " + last, last);
        }
    }

    /** Downloads (as {@link #download}) an archive to f, then extracts it into extractToDir. */
    public static void downloadAndExtract(String name, URL url, File f, File extractToDir, String targetMD5, int maxTries) throws IOException {
        download(name, url, f, targetMD5, maxTries);
        ArchiveUtils.unzipFileTo(f.getAbsolutePath(), extractToDir.getAbsolutePath(), false);
    }

    /** Whether the file's checksum is the given one (MD5 or SHA-256 by length; null or empty: any file matches). */
    public static boolean checkMD5OfFile(String targetMD5, File file) throws IOException { return checksumMatches(targetMD5, file); }

    private static boolean checksumMatches(String expected, File file) throws IOException {
        if (expected == null || expected.isEmpty()) return true;
        return checksum(algorithm(expected), file).equalsIgnoreCase(expected);
    }

    private static String algorithm(String checksum) {
        if (checksum.length() == 32) return "MD5";
        if (checksum.length() == 64) return "SHA-256";
        throw new IllegalArgumentException("Downloader: checksum '" + checksum + "' is neither MD5 (32 hex digits) nor SHA-256 (64)");
    }

    /** Hex digest of a file. */
    public static String checksum(String algorithm, File file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
        try (InputStream in = Files.newInputStream(file.toPath())) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static void fetch(URL url, Path tmp, int connectionTimeout, int readTimeout) throws IOException {
        URLConnection conn = url.openConnection();
        conn.setConnectTimeout(connectionTimeout);
        conn.setReadTimeout(readTimeout);
        long declared = -1;
        if (conn instanceof HttpURLConnection) {
            HttpURLConnection http = (HttpURLConnection) conn;
            http.setInstanceFollowRedirects(true);
            int code = http.getResponseCode();
            if (code != 200) throw new IOException("HTTP " + code + " for " + url);
            declared = http.getContentLengthLong();
            if (declared > MAX_BYTES) throw new IOException(url + " declares " + declared + " bytes, more than the limit of " + MAX_BYTES);
        }
        try (InputStream in = conn.getInputStream();
             FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
             OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
            byte[] buf = new byte[1 << 16];
            long done = 0;
            for (int n; (n = in.read(buf)) > 0; ) {
                done += n;
                if (done > MAX_BYTES) throw new IOException(url + ": more than " + MAX_BYTES + " bytes; refused");
                out.write(buf, 0, n);
            }
            out.flush();
            ch.force(true);
            if (declared >= 0 && done != declared) throw new IOException("download of " + url + " ended after " + done + " of " + declared + " bytes");
        }
    }
}
