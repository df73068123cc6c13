package org.pydl4j.nn.listeners;

/**
 * One checkpoint a {@link CheckpointListener} wrote, as DL4J's Checkpoint: its number, when, at which iteration and
 * epoch, the model type and the file name (in the checkpoint folder).
 */
public record Checkpoint(int checkpointNum, long timestamp, int iteration, int epoch, String modelType, String filename) {
    static final String FILE_HEADER = "checkpointNum,timestamp,iteration,epoch,modelType,filename";

    public int getCheckpointNum() { return checkpointNum; }
    public long getTimestamp() { return timestamp; }
    public int getIteration() { return iteration; }
    public int getEpoch() { return epoch; }
    public String getModelType() { return modelType; }
    public String getFilename() { return filename; }

    String toFileString() { return checkpointNum + "," + timestamp + "," + iteration + "," + epoch + "," + modelType + "," + filename; }

    /** A line of checkpointInfo.txt; anything malformed is an error naming the line. */
    static Checkpoint fromFileString(String line) {
        String[] f = line.split(",", -1);
        if (f.length != 6 || !f[5].matches("checkpoint_\\d+_[A-Za-z]+\\.zip")) {
            throw new IllegalArgumentException("checkpointInfo.txt: malformed line '" + line + "'");
        }
        try {
            return new Checkpoint(Integer.parseInt(f[0]), Long.parseLong(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[4], f[5]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("checkpointInfo.txt: malformed line '" + line + "'", e);
        }
    }
}
