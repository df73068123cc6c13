package org.pydl4j.earlystopping.termination;

/** Decides after each minibatch whether training stops, as DL4J's {@code IterationTerminationCondition}. */
public interface IterationTerminationCondition {
    /** Called once before training starts (a timer starts here). */
    void initialize();

    /** @param lastMiniBatchScore the training score of the minibatch just fitted; true to stop training */
    boolean terminate(double lastMiniBatchScore);
}
