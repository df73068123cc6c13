package org.pydl4j.datasets.fetchers;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import org.pydl4j.common.resources.DL4JResources;
import org.pydl4j.common.resources.Downloader;
import org.pydl4j.common.resources.ResourceType;

/**
 * Finds the files of a built-in data set in its cache folder ({@code $PYDL4J_HOME/data/<NAME>}, default
 * {@code ~/.pydl4j/data/<NAME>}, as DL4J's {@code ~/.deeplearning4j/data/<NAME>}), downloading a file that is missing
 * or fails its pinned checksum from its addresses (in order, 3 tries each) through {@link Downloader} (atomic,
 * locked). When no address works the {@link DatasetUnavailableException} names the file, its checksum and the path
 * to place it at by hand.
 */
public class DatasetFetcher {
    public static final int MAX_TRIES = 3;

    private final String name;
    private final File dir;

    public DatasetFetcher(String name, File dir) {
        this.name = name;
        this.dir = dir;
    }

    /** The fetcher of data set NAME in the default cache ({@link DL4JResources}: base directory / data / NAME). */
    public static DatasetFetcher defaultFor(String name) {
        return new DatasetFetcher(name, DL4JResources.getDirectory(ResourceType.DATASET, name));
    }

    public File getDirectory() { return dir; }

    public String getName() { return name; }

    /** The verified local copy of the file, downloaded when needed. */
    public File file(RemoteFile f) throws IOException {
        File target = new File(dir, f.fileName());
        if (target.isFile() && Downloader.checkMD5OfFile(f.checksum(), target)) return target;
        IOException last = null;
        for (String url : f.urls()) {
            try {
                Downloader.download(name + " " + f.fileName(), new URL(url), target, f.checksum(), MAX_TRIES, 15_000, 60_000);
                return target;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new DatasetUnavailableException(name + ": " + f.fileName() + " is not in " + dir + (target.isFile() ? " with the right checksum" : "")
                + " and could not be downloaded from " + f.urls() + " (" + (last == null ? "no address" : last.getMessage()) + "). Download it yourself and place it at "
                + target + " (checksum " + f.checksum() + ").", last);
    }

    /** A path inside the cache folder (for files extracted from an archive). */
    public Path resolve(String relative) { return dir.toPath().resolve(relative).normalize(); }
}
