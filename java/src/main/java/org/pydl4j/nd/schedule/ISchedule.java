package org.pydl4j.nd.schedule;

/**
 * A value (learning rate, momentum) that depends on the iteration and epoch, as ND4J's
 * {@code org.nd4j.linalg.schedule.ISchedule}. Iterations and epochs count from 0. Implementations are plain
 * configuration objects: they are saved with the network configuration (JSON) and compared by value.
 */
public interface ISchedule extends Cloneable {
    double valueAt(int iteration, int epoch);

    ISchedule clone();
}
