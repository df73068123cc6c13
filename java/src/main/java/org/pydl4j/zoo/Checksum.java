package org.pydl4j.zoo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.Adler32;

/**
 * An expected file checksum in the algorithm its publisher uses: DL4J publishes Adler-32 values for its zoo zips,
 * Keras MD5 for its .h5 files, and we use SHA-256 for our own.
 */
public final class Checksum {
    public enum Algorithm { ADLER32, MD5, SHA256 }

    public final Algorithm algorithm;
    public final String expected;   // decimal for ADLER32 (as DL4J prints it), lowercase hex otherwise

    public Checksum(Algorithm algorithm, String expected) {
        this.algorithm = algorithm;
        this.expected = expected.toLowerCase();
    }

    public static Checksum adler32(long value) { return new Checksum(Algorithm.ADLER32, Long.toString(value)); }
    public static Checksum md5(String hex) { return new Checksum(Algorithm.MD5, hex); }
    public static Checksum sha256(String hex) { return new Checksum(Algorithm.SHA256, hex); }

    /** The file's checksum in this algorithm, in the same notation as {@link #expected}. */
    public String compute(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            if (algorithm == Algorithm.ADLER32) {
                Adler32 a = new Adler32();
                for (int n; (n = in.read(buf)) > 0; ) a.update(buf, 0, n);
                return Long.toString(a.getValue());
            }
            MessageDigest md = MessageDigest.getInstance(algorithm == Algorithm.MD5 ? "MD5" : "SHA-256");
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            StringBuilder sb = new StringBuilder();
            for (byte b : md.digest()) sb.append(String.format("%02x", b));
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM lacks " + algorithm, e);
        }
    }

    public boolean matches(Path file) throws IOException { return expected.equals(compute(file)); }

    @Override
    public String toString() { return algorithm + ":" + expected; }
}
