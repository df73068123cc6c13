package org.pydl4j.earlystopping.saver;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.pydl4j.earlystopping.EarlyStoppingModelSaver;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.util.ModelSerializer;

/**
 * Saves the best and latest graphs as {@code bestGraph.bin} and {@code latestGraph.bin} (ModelSerializer zips with
 * updater state) in a directory, as DL4J's {@code LocalFileGraphSaver}. Each file is written to a temporary in the
 * same directory and renamed, so a crash mid-save leaves the previous best model intact.
 */
public class LocalFileGraphSaver implements EarlyStoppingModelSaver<ComputationGraph> {
    public static final String BEST_GRAPH_BIN = "bestGraph.bin";
    public static final String LATEST_GRAPH_BIN = "latestGraph.bin";

    private final Path directory;

    public LocalFileGraphSaver(String directory) { this(new File(directory)); }

    public LocalFileGraphSaver(File directory) {
        if (directory == null) throw new IllegalArgumentException("LocalFileGraphSaver: directory is null");
        this.directory = directory.toPath();
    }

    public Path getDirectory() { return directory; }

    @Override public void saveBestModel(ComputationGraph net, double score) throws IOException { save(net, BEST_GRAPH_BIN); }

    @Override public void saveLatestModel(ComputationGraph net, double score) throws IOException { save(net, LATEST_GRAPH_BIN); }

    @Override public ComputationGraph getBestModel() throws IOException { return load(BEST_GRAPH_BIN); }

    @Override public ComputationGraph getLatestModel() throws IOException { return load(LATEST_GRAPH_BIN); }

    private void save(ComputationGraph net, String name) throws IOException {
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new IOException("LocalFileGraphSaver: " + directory + " exists and is not a directory");
        }
        Files.createDirectories(directory);
        ModelSerializer.writeModel(net, directory.resolve(name), true);   // atomic: temp file + fsync + rename
    }

    private ComputationGraph load(String name) throws IOException {
        Path file = directory.resolve(name);
        if (!Files.isRegularFile(file)) return null;
        return ModelSerializer.restoreComputationGraph(file.toFile(), true);
    }

    @Override public String toString() { return "LocalFileGraphSaver(" + directory + ")"; }
}
