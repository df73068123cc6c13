package org.pydl4j.common.resources;

import java.io.File;
import org.pydl4j.zoo.PretrainedCache;

/**
 * Where downloaded resources live, as DL4J's {@code DL4JResources}: a base directory (default: PYDL4J_HOME, i.e.
 * system property pydl4j.home, environment PYDL4J_HOME, else {@code ~/.pydl4j}, where DL4J uses
 * {@code ~/.deeplearning4j}) with one folder per {@link ResourceType} ({@code data/MNIST}, {@code models}, ...).
 * {@link #setBaseDirectory} moves it for this JVM.
 */
public final class DL4JResources {
    private DL4JResources() {}

    private static volatile File baseDirectory;

    public static void setBaseDirectory(File f) {
        if (f == null) throw new IllegalArgumentException("DL4JResources.setBaseDirectory: directory is null");
        if (f.exists() && !f.isDirectory()) throw new IllegalArgumentException("DL4JResources.setBaseDirectory: " + f + " is not a directory");
        baseDirectory = f;
    }

    /** Back to the default (PYDL4J_HOME or ~/.pydl4j). */
    public static void resetBaseDirectoryLocation() { baseDirectory = null; }

    public static File getBaseDirectory() {
        File f = baseDirectory;
        return f != null ? f : PretrainedCache.home().toFile();
    }

    /** The folder of one resource, e.g. {@code getDirectory(ResourceType.DATASET, "MNIST")}. */
    public static File getDirectory(ResourceType type, String name) {
        if (name == null || name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException("DL4JResources.getDirectory: '" + name + "' is not a plain folder name");
        }
        return new File(new File(getBaseDirectory(), type.folderName()), name);
    }
}
