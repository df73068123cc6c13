package org.pydl4j.datasets;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Test;

public class FlowerPhotosDirTest {
    @Test
    public void environmentFirstThenSharedBesideTheRepositoryElseBothNamed() throws Exception {
        Path top = Files.createTempDirectory("flowers-layout");
        Path repo = Files.createDirectories(top.resolve("repo"));
        Path shared = top.resolve("shared/datasets/flower_photos");
        Path own = Files.createDirectories(top.resolve("mine"));
        try {
            FlowerPhotosDir.locate(Map.of(), repo);
            fail("expected IllegalStateException");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("FLOWERS_DIR") && e.getMessage().contains(shared.toString()));
        }
        Files.createDirectories(shared);
        assertEquals(shared.toFile(), FlowerPhotosDir.locate(Map.of(), repo));
        assertEquals(own.toFile(), FlowerPhotosDir.locate(Map.of("FLOWERS_DIR", own.toString()), repo));
        try {
            FlowerPhotosDir.locate(Map.of("FLOWERS_DIR", top.resolve("nope").toString()), repo);
            fail("a FLOWERS_DIR that is not a folder is an error, not a fallback");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("nope"));
        }
        for (File f : new File[]{shared.toFile(), shared.getParent().toFile(), shared.getParent().getParent().toFile(), own.toFile(), repo.toFile(), top.toFile()}) {
            assertTrue(f.delete());
        }
    }
}
