package org.pydl4j.datasets.split;

import java.io.File;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.pydl4j.datasets.io.filters.RandomPathFilter;

/**
 * The files under a root folder (recursively by default) or a single file, as DataVec's
 * {@code org.datavec.api.split.FileSplit}.
 *
 * <p>Files are listed in path order and, when a {@link Random} is given, shuffled with it, so a seeded generator
 * gives the same order on every machine. Hidden files and folders (name starting with '.') are skipped.
 * Extensions match case-insensitively ({@code "jpg"} also accepts {@code .JPG}).
 */
public class FileSplit extends BaseInputSplit {
    private final File rootDir;
    private final String[] allowFormat;
    private final boolean recursive;
    private final Random random;
    private URI[] locations;

    public FileSplit(File rootDir) { this(rootDir, null, true, null); }

    public FileSplit(File rootDir, Random random) { this(rootDir, null, true, random); }

    public FileSplit(File rootDir, String[] allowFormat) { this(rootDir, allowFormat, true, null); }

    public FileSplit(File rootDir, String[] allowFormat, Random random) { this(rootDir, allowFormat, true, random); }

    public FileSplit(File rootDir, String[] allowFormat, boolean recursive) { this(rootDir, allowFormat, recursive, null); }

    /**
     * @param rootDir     a folder (its files are listed) or a single file
     * @param allowFormat extensions to keep, e.g. {@code BaseImageLoader.ALLOWED_FORMATS}; null keeps all
     * @param recursive   whether to descend into sub-folders (class folders need true)
     * @param random      shuffles the listed files; null keeps path order
     */
    public FileSplit(File rootDir, String[] allowFormat, boolean recursive, Random random) {
        if (rootDir == null) throw new IllegalArgumentException("FileSplit: root folder is null");
        if (!rootDir.exists()) throw new IllegalArgumentException("FileSplit: " + rootDir.getAbsolutePath() + " does not exist");
        this.rootDir = rootDir;
        this.allowFormat = allowFormat == null ? null : allowFormat.clone();
        this.recursive = recursive;
        this.random = random;
        initialize();
    }

    private void initialize() {
        List<File> files = new ArrayList<>();
        if (rootDir.isFile()) {
            files.add(rootDir.getAbsoluteFile());
        } else {
            list(rootDir.getAbsoluteFile(), files);
        }
        files.sort(null);
        List<URI> uris = new ArrayList<>(files.size());
        for (File f : files) uris.add(f.toURI());
        if (random != null) Collections.shuffle(uris, random);
        locations = uris.toArray(new URI[0]);
    }

    private void list(File dir, List<File> out) {
        File[] children = dir.listFiles();
        if (children == null) throw new IllegalArgumentException("FileSplit: cannot list folder " + dir.getAbsolutePath());
        for (File c : children) {
            if (c.getName().startsWith(".")) continue;
            if (c.isDirectory()) {
                if (recursive) list(c, out);
            } else if (RandomPathFilter.acceptName(c.getName(), allowFormat)) {
                out.add(c);
            }
        }
    }

    public File getRootDir() { return rootDir; }

    @Override
    public URI[] locations() { return locations.clone(); }

    @Override
    public long length() { return locations.length; }

    @Override
    public String toString() { return "FileSplit(" + rootDir + ", " + locations.length + " files)"; }
}
