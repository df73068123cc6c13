package org.pydl4j.nn.conf;

/**
 * DL4J's WorkspaceMode (memory reuse for training and inference). Accepted for compatibility: memory reuse here
 * is always on ({@code MemoryScope} per training step and pooled arrays), whatever the mode.
 */
public enum WorkspaceMode {
    NONE, ENABLED, SINGLE, SEPARATE
}
