package org.pydl4j.common.resources;

/** Kinds of downloaded resources and their folder under the base directory, as DL4J's ResourceType. */
public enum ResourceType {
    DATASET("data"), ZOO_MODEL("models"), RESOURCE("resources");

    private final String folder;

    ResourceType(String folder) { this.folder = folder; }

    public String folderName() { return folder; }
}
