package org.pydl4j.nn.listeners;

/** When a listener such as {@link EvaluativeListener} acts, as DL4J's InvocationType. */
public enum InvocationType {
    EPOCH_START, EPOCH_END, ITERATION_END
}
