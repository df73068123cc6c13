package org.pydl4j.nd.backend;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.Test;

public class NativeLoaderTest {
    private static final Map<String, byte[]> FILES = Map.of(
            "libdep-0001.so.1", "a dependency".getBytes(StandardCharsets.UTF_8),
            "libx.so", "the library".getBytes(StandardCharsets.UTF_8));

    private static List<NativeLoader.Entry> entries(Map<String, byte[]> files, String... order) {
        List<NativeLoader.Entry> out = new ArrayList<>();
        for (String f : order) out.add(new NativeLoader.Entry(f, NativeLoader.sha256(files.get(f)), files.get(f).length));
        return out;
    }

    private static NativeLoader.Source from(Map<String, byte[]> files) {
        return f -> files.containsKey(f) ? new ByteArrayInputStream(files.get(f)) : null;
    }

    @Test
    public void extractionIsKeyedByListAndLeavesNoTemporaries() throws Exception {
        Path base = Files.createTempDirectory("pydl4j-home").resolve("native");
        List<NativeLoader.Entry> list = entries(FILES, "libdep-0001.so.1", "libx.so");
        Path a = NativeLoader.extract(base, "k1", list, from(FILES));
        assertEquals(a, NativeLoader.extract(base, "k1", list, f -> { throw new IOException("a second JVM reuses the copy"); }));
        assertArrayEquals(FILES.get("libx.so"), Files.readAllBytes(a.resolve("libx.so")));
        assertArrayEquals(FILES.get("libdep-0001.so.1"), Files.readAllBytes(a.resolve("libdep-0001.so.1")));
        Path b = NativeLoader.extract(base, "k2", list, from(FILES));
        assertFalse("another bundle gets its own folder", a.equals(b));
        assertNoTemporaries(base);
        deleteTree(base.getParent());
    }

    @Test
    public void concurrentExtractionsAgreeOnOneCompleteFolder() throws Exception {
        Path base = Files.createTempDirectory("pydl4j-home").resolve("native");
        List<NativeLoader.Entry> list = entries(FILES, "libdep-0001.so.1", "libx.so");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Callable<Path> task = () -> NativeLoader.extract(base, "same", list, from(FILES));
                results.add(pool.submit(task));
            }
            for (Future<Path> f : results) {
                Path p = f.get();
                assertEquals(base.resolve("same"), p);
                assertArrayEquals(FILES.get("libx.so"), Files.readAllBytes(p.resolve("libx.so")));
            }
        } finally {
            pool.shutdownNow();
        }
        assertNoTemporaries(base);
        deleteTree(base.getParent());
    }

    @Test
    public void contentThatDisagreesWithTheListIsRefused() throws Exception {
        Path base = Files.createTempDirectory("pydl4j-home").resolve("native");
        List<NativeLoader.Entry> list = entries(FILES, "libx.so");
        Map<String, byte[]> tampered = Map.of("libx.so", "the librarY".getBytes(StandardCharsets.UTF_8));
        try {
            NativeLoader.extract(base, "k", list, from(tampered));
            fail("expected IOException");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("libx.so") && e.getMessage().contains("sha256"));
        }
        assertFalse("nothing renamed into place", Files.exists(base.resolve("k")));
        assertNoTemporaries(base);
        deleteTree(base.getParent());
    }

    @Test
    public void aSymbolicLinkInPlaceOfTheFolderIsNeitherUsedNorFollowed() throws Exception {
        Path home = Files.createTempDirectory("pydl4j-home");
        Path base = Files.createDirectories(home.resolve("native"));
        Path elsewhere = Files.createDirectories(home.resolve("elsewhere"));
        List<NativeLoader.Entry> list = entries(FILES, "libx.so");
        Files.write(elsewhere.resolve("libx.so"), FILES.get("libx.so"));   // complete, but behind a link
        Files.createSymbolicLink(base.resolve("k"), elsewhere);
        try {
            NativeLoader.extract(base, "k", list, from(FILES));
            fail("expected IOException");
        } catch (IOException e) {
            assertTrue(Files.isSymbolicLink(base.resolve("k")));
        }
        try (Stream<Path> s = Files.list(elsewhere)) {
            assertEquals("nothing written through the link", 1, s.count());
        }
        assertNoTemporaries(base);
        deleteTree(home);
    }

    @Test
    public void bundleListsWithPathsOrBadHashesAreRefused() {
        for (String bad : new String[]{"0 1 ../libx.so", "zz 1 libx.so", NativeLoader.sha256(new byte[0]) + " 1 sub/libx.so",
                NativeLoader.sha256(new byte[0]) + " -1 libx.so", ""}) {
            try {
                NativeLoader.parse(bad.getBytes(StandardCharsets.UTF_8), "test.bundle");
                fail("accepted " + bad);
            } catch (IllegalStateException e) {
                assertTrue(e.getMessage(), e.getMessage().contains("test.bundle"));
            }
        }
    }

    @Test
    public void missingLibraryInNativeDirFailsClearly() throws Exception {
        Path empty = Files.createTempDirectory("pydl4j-native");
        String old = System.getProperty("pydl4j.native.dir");
        System.setProperty("pydl4j.native.dir", empty.toString());
        try {
            NativeLoader.load("pydl4j_does_not_exist");
            fail("expected IllegalStateException");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains(empty.toString()) && e.getMessage().contains("libpydl4j_does_not_exist.so"));
        } finally {
            Files.delete(empty);
            if (old == null) System.clearProperty("pydl4j.native.dir"); else System.setProperty("pydl4j.native.dir", old);
        }
    }

    private static void assertNoTemporaries(Path base) throws IOException {
        try (Stream<Path> files = Files.list(base)) {
            assertTrue("no temporary folders left", files.noneMatch(p -> p.getFileName().toString().startsWith(".extract-")));
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) Files.delete(p);
        }
    }
}
