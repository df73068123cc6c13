package org.pydl4j.datasets;

import java.io.File;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;

/**
 * The flower photos for tests, found as the Python side finds them (pydl4j_transfer/flowers.py): {@code $FLOWERS_DIR},
 * else {@code ../shared/datasets/flower_photos} beside the repository root (system property {@code pydl4j.repo.root},
 * which gradle sets, else the working directory).
 */
public final class FlowerPhotosDir {
    private FlowerPhotosDir() {}

    /** The folder, or IllegalStateException naming both places looked at. */
    public static File locate() {
        String root = System.getProperty("pydl4j.repo.root");
        return locate(System.getenv(), Paths.get(root == null || root.isEmpty() ? System.getProperty("user.dir") : root));
    }

    static File locate(Map<String, String> env, Path repoRoot) {
        String fromEnv = env.get("FLOWERS_DIR");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            File f = new File(fromEnv);
            if (!f.isDirectory()) throw new IllegalStateException("FLOWERS_DIR=" + fromEnv + " is not a folder");
            return f;
        }
        File shared = repoRoot.toAbsolutePath().normalize().resolveSibling("shared").resolve("datasets").resolve("flower_photos").toFile();
        if (shared.isDirectory()) return shared;
        throw new IllegalStateException("no flower photos: FLOWERS_DIR is not set and " + shared + " does not exist");
    }
}
