package org.pydl4j.nd.backend;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads the JNI libraries of the native backends ({@code libpydl4j_cpu.so}, {@code libpydl4j_cuda.so}) so that users
 * never set java.library.path or install oneDNN/OpenBLAS: from the directory in system property
 * {@code pydl4j.native.dir} when set (development builds), else from the jar folder {@code /native/linux-x86_64/}.
 *
 * <p>A library may come with a bundle ({@code lib<name>.so.bundle}: {@code sha256 size file} per line, dependencies
 * first, the library last), written at build time by {@code bundle_natives.py}: the shared libraries it needs beyond
 * glibc under unique names with RUNPATH {@code $ORIGIN}. The whole bundle is extracted into
 * {@code $PYDL4J_HOME/native/<hash of the bundle list>/} (PYDL4J_HOME defaults to ~/.pydl4j) and loaded dependency
 * first with {@link System#load}, so the dynamic linker never looks for them on the host.
 *
 * <p>Extraction is safe for concurrent JVMs: each writes into its own fresh temporary directory, checks every file's
 * SHA-256 against the list, and renames the directory into place in one step; a JVM that loses the race uses the
 * winner's copy. Symbolic links are never followed into or inside the extraction folder.
 */
public final class NativeLoader {
    private NativeLoader() {}

    public static final String PLATFORM = "linux-x86_64";
    /** Longest bundle list accepted (a hostile jar cannot make us allocate more). */
    private static final int MAX_LIST_BYTES = 64 << 10;
    private static final Map<String, List<Path>> LOADED = new LinkedHashMap<>();

    /** One file of a bundle. */
    record Entry(String file, String sha256, long size) {
        Entry {
            if (!file.matches("[A-Za-z0-9_+.-]+") || file.startsWith(".")) throw new IllegalArgumentException("bad file name " + file);
            if (!sha256.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("bad sha256 for " + file);
            if (size < 0 || size > (1L << 31)) throw new IllegalArgumentException("bad size for " + file);
        }
    }

    /**
     * Loads {@code lib<name>.so} (and its bundled dependencies) once per JVM. Throws IllegalStateException saying
     * where it looked when it cannot.
     */
    public static synchronized void load(String name) {
        if (LOADED.containsKey(name)) return;
        String file = "lib" + name + ".so";
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")
                || !System.getProperty("os.arch", "").matches("amd64|x86_64")) {
            throw new IllegalStateException(file + " is built for " + PLATFORM + " only, this JVM runs on "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
        }
        List<Path> paths = locate(file).stream().map(p -> p.toAbsolutePath().normalize()).toList();
        for (Path path : paths) {
            try {
                System.load(path.toString());
            } catch (UnsatisfiedLinkError e) {
                throw new IllegalStateException("cannot load " + path + ": " + e.getMessage(), e);
            }
        }
        LOADED.put(name, List.copyOf(paths));
    }

    /** The files {@link #load} handed to {@link System#load}, by library name, dependencies first. */
    public static synchronized Map<String, List<Path>> loaded() { return Collections.unmodifiableMap(new LinkedHashMap<>(LOADED)); }

    private static List<Path> locate(String file) {
        String dir = System.getProperty("pydl4j.native.dir");
        if (dir != null && !dir.isEmpty()) return fromFolder(Paths.get(dir), file);
        String folder = "/native/" + PLATFORM + "/";
        try {
            List<Entry> entries;
            byte[] list = readResource(folder + file + ".bundle", MAX_LIST_BYTES);
            if (list != null) {
                entries = parse(list, folder + file + ".bundle");
            } else {
                byte[] lib = readResource(folder + file, Integer.MAX_VALUE - 8);
                if (lib == null) {
                    throw new IllegalStateException(file + " is neither in the jar (" + folder + file
                            + ") nor in -Dpydl4j.native.dir; build it with `gradle --offline jar`");
                }
                entries = List.of(new Entry(file, sha256(lib), lib.length));
                list = (entries.get(0).sha256() + " " + lib.length + " " + file + "\n").getBytes(StandardCharsets.UTF_8);
            }
            Path target = extract(home().resolve("native"), sha256(list).substring(0, 16), entries,
                    f -> NativeLoader.class.getResourceAsStream(folder + f));
            List<Path> out = new ArrayList<>();
            for (Entry e : entries) out.add(target.resolve(e.file()));
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot extract " + file + " under " + home().resolve("native") + ": " + e, e);
        }
    }

    private static List<Path> fromFolder(Path dir, String file) {
        Path list = dir.resolve(file + ".bundle");
        List<Path> out = new ArrayList<>();
        try {
            if (Files.isRegularFile(list)) {
                if (Files.size(list) > MAX_LIST_BYTES) throw new IllegalStateException(list + " is too large for a bundle list");
                for (Entry e : parse(Files.readAllBytes(list), list.toString())) out.add(dir.resolve(e.file()));
            } else {
                out.add(dir.resolve(file));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + list + ": " + e, e);
        }
        for (Path p : out) {
            if (!Files.isRegularFile(p)) throw new IllegalStateException("pydl4j.native.dir=" + dir + " holds no " + p.getFileName());
        }
        return out;
    }

    /** Reads a bundle list: {@code sha256 size file} per line. */
    static List<Entry> parse(byte[] list, String source) {
        List<Entry> out = new ArrayList<>();
        for (String line : new String(list, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) continue;
            String[] f = line.trim().split(" ");
            try {
                if (f.length != 3) throw new IllegalArgumentException("expected 'sha256 size file'");
                out.add(new Entry(f[2], f[0], Long.parseLong(f[1])));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(source + ": bad line '" + line + "': " + e.getMessage(), e);
            }
        }
        if (out.isEmpty()) throw new IllegalStateException(source + " lists no files");
        return out;
    }

    /** Opens a file of the bundle by name (a jar resource, in tests a map). */
    @FunctionalInterface
    interface Source {
        InputStream open(String file) throws IOException;
    }

    /**
     * The folder {@code base/key} holding every entry, extracting it first unless a complete copy is there.
     * Concurrent callers each fill a private temporary folder and rename it into place; the loser of the race
     * deletes its copy and uses the winner's.
     */
    static Path extract(Path base, String key, List<Entry> entries, Source source) throws IOException {
        Path target = base.resolve(key);
        if (complete(target, entries)) return target;
        Files.createDirectories(base);
        if (Files.isSymbolicLink(base)) throw new IOException(base + " is a symbolic link; refusing to extract there");
        Path tmp = Files.createTempDirectory(base, ".extract-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            for (Entry e : entries) write(tmp.resolve(e.file()), e, source);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException raced) {
                // another JVM renamed its copy into place first (ENOTEMPTY/EEXIST): use it, checked below
                if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) throw raced;
            }
        } finally {
            deleteTree(tmp);
        }
        if (!complete(target, entries)) {
            throw new IOException(target + " exists but does not hold the expected files (not a folder, a link, or "
                    + "sizes differ); delete it and retry");
        }
        return target;
    }

    private static void write(Path dst, Entry e, Source source) throws IOException {
        MessageDigest md = digest();
        long written = 0;
        try (InputStream in = source.open(e.file())) {
            if (in == null) throw new IOException(e.file() + " is listed in the bundle but missing");
            try (FileChannel ch = FileChannel.open(dst, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
                 OutputStream out = Channels.newOutputStream(ch)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    written += n;
                    if (written > e.size()) throw new IOException(e.file() + " is larger than its listed " + e.size() + " bytes");
                    md.update(buf, 0, n);
                    out.write(buf, 0, n);
                }
                ch.force(true);
            }
        }
        String actual = HexFormat.of().formatHex(md.digest());
        if (written != e.size() || !actual.equals(e.sha256())) {
            throw new IOException(e.file() + ": " + written + " bytes with sha256 " + actual + ", the bundle list says "
                    + e.size() + " bytes, " + e.sha256());
        }
        Files.setPosixFilePermissions(dst, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A real folder (not a link) with every entry as a regular file of the listed size. */
    private static boolean complete(Path dir, List<Entry> entries) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return false;
        for (Entry e : entries) {
            Path p = dir.resolve(e.file());
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.size(p) != e.size()) return false;
        }
        return true;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> files = Files.walk(root)) {   // walk does not follow links
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        }
    }

    private static Path home() {
        String prop = System.getProperty("pydl4j.home");
        if (prop != null && !prop.isEmpty()) return Paths.get(prop);
        String env = System.getenv("PYDL4J_HOME");
        if (env != null && !env.isEmpty()) return Paths.get(env);
        return Paths.get(System.getProperty("user.home"), ".pydl4j");
    }

    private static byte[] readResource(String name, int limit) throws IOException {
        try (InputStream in = NativeLoader.class.getResourceAsStream(name)) {
            if (in == null) return null;
            byte[] bytes = in.readNBytes(limit);
            if (in.read() >= 0) throw new IOException(name + " is larger than " + limit + " bytes");
            return bytes;
        }
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    static String sha256(byte[] bytes) { return HexFormat.of().formatHex(digest().digest(bytes)); }
}
