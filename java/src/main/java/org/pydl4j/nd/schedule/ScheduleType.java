package org.pydl4j.nd.schedule;

/** Whether a schedule counts iterations (minibatches) or epochs, as ND4J's ScheduleType. */
public enum ScheduleType {
    ITERATION, EPOCH;

    /** The counter this type follows. */
    public int position(int iteration, int epoch) { return this == ITERATION ? iteration : epoch; }
}
