package org.pydl4j.nn.listeners;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.pydl4j.nn.api.Model;
import org.pydl4j.nn.api.NeuralNetwork;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.multilayer.MultiLayerNetwork;
import org.pydl4j.util.ModelSerializer;
import org.pydl4j.util.serde.AtomicFiles;

/**
 * Saves the network during training, as DL4J's CheckpointListener: every N iterations, N epochs and/or a time
 * interval, to {@code checkpoint_<num>_<ModelType>.zip} in a folder, listed in {@code checkpointInfo.txt}; keeps
 * all, the last N, or the last N plus every M-th. Every file is written atomically (temporary file, fsync, rename),
 * so a crash mid-save leaves the previous checkpoints and list intact.
 * <pre>{@code
 * CheckpointListener checkpoints = new CheckpointListener.Builder(dir)
 *         .keepLast(3)
 *         .saveEveryNIterations(100)
 *         .build();
 * }</pre>
 */
public class CheckpointListener implements TrainingListener {
    private static final String INFO = "checkpointInfo.txt";

    private final File rootDir;
    private final int keepLast, keepEvery;
    private final boolean keepAll, saveUpdater, logSaving;
    private final int everyEpochs, everyIterations;
    private final boolean iterationsSinceLast;
    private final long everyMillis;
    private final List<Checkpoint> checkpoints = new ArrayList<>();
    private int nextNum;
    private long lastSaveTime = System.currentTimeMillis();
    private int lastSaveIteration = -1;

    private CheckpointListener(Builder b) {
        this.rootDir = b.rootDir;
        this.keepAll = b.keepAll;
        this.keepLast = b.keepLast;
        this.keepEvery = b.keepEvery;
        this.saveUpdater = b.saveUpdater;
        this.logSaving = b.logSaving;
        this.everyEpochs = b.everyEpochs;
        this.everyIterations = b.everyIterations;
        this.iterationsSinceLast = b.iterationsSinceLast;
        this.everyMillis = b.everyMillis;
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        boolean byIterations = everyIterations > 0 && (iterationsSinceLast
                ? iteration - Math.max(lastSaveIteration, -1) >= everyIterations
                : (iteration + 1) % everyIterations == 0);
        boolean byTime = everyMillis > 0 && System.currentTimeMillis() - lastSaveTime >= everyMillis;
        if (byIterations || byTime) save(model, iteration, epoch);
    }

    @Override
    public void onEpochEnd(Model model) {
        NeuralNetwork n = network(model);
        if (everyEpochs > 0 && (n.getEpochCount() + 1) % everyEpochs == 0) save(model, n.getIterationCount(), n.getEpochCount());
    }

    private static NeuralNetwork network(Model model) {
        if (!(model instanceof NeuralNetwork)) throw new IllegalArgumentException("CheckpointListener: cannot save a " + model.getClass().getSimpleName());
        return (NeuralNetwork) model;
    }

    private synchronized void save(Model model, int iteration, int epoch) {
        String type = model instanceof MultiLayerNetwork ? "MultiLayerNetwork" : "ComputationGraph";
        int num = nextNum++;
        Checkpoint c = new Checkpoint(num, System.currentTimeMillis(), iteration, epoch, type, "checkpoint_" + num + "_" + type + ".zip");
        try {
            network(model).save(new File(rootDir, c.filename()), saveUpdater);
            checkpoints.add(c);
            applyKeepPolicy();
            writeInfo();
        } catch (IOException e) {
            throw new UncheckedIOException("CheckpointListener: cannot write " + new File(rootDir, c.filename()) + ": " + e.getMessage(), e);
        }
        lastSaveTime = c.timestamp();
        lastSaveIteration = iteration;
        if (logSaving) System.out.println("Model checkpoint saved: " + c.filename() + " (iteration " + iteration + ", epoch " + epoch + ")");
    }

    private void applyKeepPolicy() throws IOException {
        if (keepAll) return;
        List<Checkpoint> kept = new ArrayList<>();
        for (int i = 0; i < checkpoints.size(); i++) {
            Checkpoint c = checkpoints.get(i);
            boolean last = i >= checkpoints.size() - keepLast;
            boolean every = keepEvery > 0 && c.checkpointNum() % keepEvery == 0;
            if (last || every) kept.add(c);
            else Files.deleteIfExists(new File(rootDir, c.filename()).toPath());
        }
        checkpoints.clear();
        checkpoints.addAll(kept);
    }

    private void writeInfo() throws IOException {
        StringBuilder sb = new StringBuilder(Checkpoint.FILE_HEADER).append('\n');
        for (Checkpoint c : checkpoints) sb.append(c.toFileString()).append('\n');
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(new File(rootDir, INFO).toPath(), out -> out.write(bytes));
    }

    // ---------------------------------------------------------------- reading checkpoints

    /** The checkpoints kept so far, oldest first. */
    public List<Checkpoint> availableCheckpoints() { return Collections.unmodifiableList(new ArrayList<>(checkpoints)); }

    /** The checkpoints listed in a folder's checkpointInfo.txt (empty when there is none). */
    public static List<Checkpoint> availableCheckpoints(File rootDir) {
        File info = new File(rootDir, INFO);
        if (!info.isFile()) return Collections.emptyList();
        List<Checkpoint> out = new ArrayList<>();
        try {
            List<String> lines = Files.readAllLines(info.toPath(), StandardCharsets.UTF_8);
            for (int i = 1; i < lines.size(); i++) if (!lines.get(i).isBlank()) out.add(Checkpoint.fromFileString(lines.get(i)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + info + ": " + e.getMessage(), e);
        }
        return out;
    }

    public Checkpoint lastCheckpoint() { return checkpoints.isEmpty() ? null : checkpoints.get(checkpoints.size() - 1); }

    public static Checkpoint lastCheckpoint(File rootDir) {
        List<Checkpoint> all = availableCheckpoints(rootDir);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    public File getFileForCheckpoint(int checkpointNum) { return getFileForCheckpoint(rootDir, checkpointNum); }

    public static File getFileForCheckpoint(File rootDir, int checkpointNum) {
        for (Checkpoint c : availableCheckpoints(rootDir)) if (c.checkpointNum() == checkpointNum) return new File(rootDir, c.filename());
        throw new IllegalArgumentException("no checkpoint " + checkpointNum + " in " + rootDir + " (available: " + nums(rootDir) + ")");
    }

    private static List<Integer> nums(File rootDir) {
        List<Integer> n = new ArrayList<>();
        for (Checkpoint c : availableCheckpoints(rootDir)) n.add(c.checkpointNum());
        return n;
    }

    public MultiLayerNetwork loadCheckpointMLN(int checkpointNum) { return loadCheckpointMLN(rootDir, checkpointNum); }

    public static MultiLayerNetwork loadCheckpointMLN(File rootDir, int checkpointNum) {
        return load(() -> ModelSerializer.restoreMultiLayerNetwork(getFileForCheckpoint(rootDir, checkpointNum), true));
    }

    public static MultiLayerNetwork loadLastCheckpointMLN(File rootDir) { return loadCheckpointMLN(rootDir, last(rootDir)); }

    public ComputationGraph loadCheckpointCG(int checkpointNum) { return loadCheckpointCG(rootDir, checkpointNum); }

    public static ComputationGraph loadCheckpointCG(File rootDir, int checkpointNum) {
        return load(() -> ModelSerializer.restoreComputationGraph(getFileForCheckpoint(rootDir, checkpointNum), true));
    }

    public static ComputationGraph loadLastCheckpointCG(File rootDir) { return loadCheckpointCG(rootDir, last(rootDir)); }

    private interface Restore<T> { T restore() throws IOException; }

    /** DL4J's load methods declare no checked exceptions: an unreadable checkpoint is an UncheckedIOException. */
    private static <T> T load(Restore<T> r) {
        try {
            return r.restore();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int last(File rootDir) {
        Checkpoint c = lastCheckpoint(rootDir);
        if (c == null) throw new IllegalArgumentException("no checkpoints in " + rootDir);
        return c.checkpointNum();
    }

    @Override
    public String toString() { return "CheckpointListener(" + rootDir + ")"; }

    /** Configures a CheckpointListener, as DL4J's CheckpointListener.Builder. */
    public static class Builder {
        private final File rootDir;
        private boolean keepAll = true, saveUpdater = true, logSaving = true, deleteExisting;
        private int keepLast, keepEvery, everyEpochs, everyIterations;
        private boolean iterationsSinceLast;
        private long everyMillis;

        public Builder(String rootDir) { this(new File(rootDir)); }

        public Builder(File rootDir) {
            if (rootDir == null) throw new IllegalArgumentException("CheckpointListener: folder is null");
            this.rootDir = rootDir;
        }

        public Builder keepAll() { keepAll = true; keepLast = 0; keepEvery = 0; return this; }

        /** Keeps only the last n checkpoints. */
        public Builder keepLast(int n) {
            if (n < 1) throw new IllegalArgumentException("keepLast: n must be >= 1, got " + n);
            keepAll = false; keepLast = n; keepEvery = 0;
            return this;
        }

        /** Keeps the last nLast checkpoints and every everyN-th (by checkpoint number). */
        public Builder keepLastAndEvery(int nLast, int everyN) {
            keepLast(nLast);
            if (everyN < 1) throw new IllegalArgumentException("keepLastAndEvery: everyN must be >= 1, got " + everyN);
            keepEvery = everyN;
            return this;
        }

        public Builder saveEveryNEpochs(int n) {
            if (n < 1) throw new IllegalArgumentException("saveEveryNEpochs: n must be >= 1, got " + n);
            everyEpochs = n;
            return this;
        }

        public Builder saveEveryNIterations(int n) { return saveEveryNIterations(n, false); }

        /** Every n iterations: counted from the start of training, or (sinceLast) since the last checkpoint of any kind. */
        public Builder saveEveryNIterations(int n, boolean sinceLast) {
            if (n < 1) throw new IllegalArgumentException("saveEveryNIterations: n must be >= 1, got " + n);
            everyIterations = n;
            iterationsSinceLast = sinceLast;
            return this;
        }

        public Builder saveEvery(long amount, TimeUnit timeUnit) {
            if (amount < 1) throw new IllegalArgumentException("saveEvery: amount must be >= 1, got " + amount);
            everyMillis = timeUnit.toMillis(amount);
            return this;
        }

        /** As {@link #saveEvery(long, TimeUnit)}: time is always measured since the last checkpoint here. */
        public Builder saveEvery(long amount, TimeUnit timeUnit, boolean sinceLast) { return saveEvery(amount, timeUnit); }

        public Builder saveUpdater(boolean saveUpdater) { this.saveUpdater = saveUpdater; return this; }

        /** Whether existing checkpoint files in the folder are deleted at build (otherwise they are an error). */
        public Builder deleteExisting(boolean deleteExisting) { this.deleteExisting = deleteExisting; return this; }

        public Builder logSaving(boolean logSaving) { this.logSaving = logSaving; return this; }

        public CheckpointListener build() {
            if (everyEpochs == 0 && everyIterations == 0 && everyMillis == 0) {
                throw new IllegalStateException("CheckpointListener: no saving frequency; call saveEveryNEpochs, saveEveryNIterations or saveEvery");
            }
            try {
                Files.createDirectories(rootDir.toPath());
                File[] existing = rootDir.listFiles((d, n) -> n.equals(INFO) || n.matches("checkpoint_\\d+_[A-Za-z]+\\.zip"));
                if (existing != null && existing.length > 0) {
                    if (!deleteExisting) {
                        throw new IllegalStateException("CheckpointListener: " + rootDir + " already holds checkpoint files (" + existing.length
                                + "); use another folder or deleteExisting(true)");
                    }
                    for (File f : existing) Files.delete(f.toPath());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("CheckpointListener: cannot prepare " + rootDir + ": " + e.getMessage(), e);
            }
            return new CheckpointListener(this);
        }
    }
}
