package org.pydl4j.nd.backend;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.Test;

public class NativeLoaderTest {
    @Test
    public void extractionIsKeyedByContentAndLeavesNoTempFiles() throws Exception {
        Path home = Files.createTempDirectory("pydl4j-home");
        byte[] v1 = "first build".getBytes(StandardCharsets.UTF_8), v2 = "second build".getBytes(StandardCharsets.UTF_8);
        Path a = NativeLoader.extract(home, "libx.so", v1);
        assertEquals(a, NativeLoader.extract(home, "libx.so", v1));   // second JVM reuses the copy
        Path b = NativeLoader.extract(home, "libx.so", v2);
        assertTrue("a new build gets its own directory", !a.getParent().equals(b.getParent()));
        assertArrayEquals(v1, Files.readAllBytes(a));
        assertArrayEquals(v2, Files.readAllBytes(b));
        assertEquals(home.resolve("native"), a.getParent().getParent());
        try (Stream<Path> files = Files.walk(home)) {
            assertTrue("no temp files left", files.noneMatch(p -> p.toString().endsWith(".tmp")));
        }
        deleteTree(home);
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) Files.delete(p);
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
}
