package org.pydl4j.nd.backend;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.Set;

/**
 * Loads the JNI libraries of the native backends ({@code libpydl4j_cpu.so}, {@code libpydl4j_cuda.so}) so that users
 * never set java.library.path: from the directory in system property {@code pydl4j.native.dir} when set (development
 * builds), else from the jar resource {@code /native/linux-x86_64/<lib>}, extracted once into
 * {@code $PYDL4J_HOME/native/<sha256 prefix>/} (PYDL4J_HOME defaults to ~/.pydl4j). The content hash in the path means
 * a new build never reuses a stale copy and concurrent JVMs agree on one file.
 */
public final class NativeLoader {
    private NativeLoader() {}

    public static final String PLATFORM = "linux-x86_64";
    private static final Set<String> LOADED = new HashSet<>();

    /**
     * Loads {@code lib<name>.so} once per JVM. Throws IllegalStateException saying where it looked when it cannot.
     */
    public static synchronized void load(String name) {
        if (LOADED.contains(name)) return;
        String file = "lib" + name + ".so";
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")
                || !System.getProperty("os.arch", "").matches("amd64|x86_64")) {
            throw new IllegalStateException(file + " is built for " + PLATFORM + " only, this JVM runs on "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
        }
        Path path = locate(file);
        try {
            System.load(path.toAbsolutePath().toString());
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("cannot load " + path + ": " + e.getMessage()
                    + " (the cpu backend needs libdnnl.so.2 and libopenblas.so.0 installed)", e);
        }
        LOADED.add(name);
    }

    private static Path locate(String file) {
        String dir = System.getProperty("pydl4j.native.dir");
        if (dir != null && !dir.isEmpty()) {
            Path p = Paths.get(dir, file);
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException("pydl4j.native.dir=" + dir + " holds no " + file);
            }
            return p;
        }
        String resource = "/native/" + PLATFORM + "/" + file;
        byte[] bytes;
        try (InputStream in = NativeLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(file + " is neither in the jar (" + resource
                        + ") nor in -Dpydl4j.native.dir; build it with `gradle --offline jar`");
            }
            bytes = readAll(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource + " from the jar: " + e, e);
        }
        try {
            return extract(home(), file, bytes);
        } catch (IOException e) {
            throw new IllegalStateException("cannot extract " + file + " under " + home() + ": " + e, e);
        }
    }

    /** Writes the library to the cache unless an identical copy is there; temp file then rename, so never half-written. */
    static Path extract(Path home, String file, byte[] bytes) throws IOException {
        Path dir = home.resolve("native").resolve(sha256(bytes).substring(0, 16));
        Path target = dir.resolve(file);
        if (Files.isRegularFile(target) && Files.size(target) == bytes.length) return target;
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file, ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    private static Path home() {
        String env = System.getenv("PYDL4J_HOME");
        if (env != null && !env.isEmpty()) return Paths.get(env);
        return Paths.get(System.getProperty("user.home"), ".pydl4j");
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        for (int r; (r = in.read(buf)) > 0; ) out.write(buf, 0, r);
        return out.toByteArray();
    }

    private static String sha256(byte[] bytes) {
        try {
            StringBuilder sb = new StringBuilder();
            for (byte b : MessageDigest.getInstance("SHA-256").digest(bytes)) sb.append(String.format("%02x", b));
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
