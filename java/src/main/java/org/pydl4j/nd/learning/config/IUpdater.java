package org.pydl4j.nd.learning.config;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.GradientUpdater;
import org.pydl4j.nd.schedule.ISchedule;

/** An updater's configuration, as ND4J's {@code org.nd4j.linalg.learning.config.IUpdater}. */
public interface IUpdater extends Cloneable {
    /** Number of state values kept for numParams parameters (Sgd 0, Nesterovs n, Adam 2n). */
    long stateSize(long numParams);

    /**
     * The updater working on the given state view (length {@link #stateSize}); initializeViewArray zeroes the state.
     */
    GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray);

    IUpdater clone();

    /** The learning rate at an iteration and epoch (the schedule's value when one is set), NaN when the updater has none. */
    double getLearningRate(int iteration, int epoch);

    boolean hasLearningRate();

    /** Sets the fixed learning rate and the schedule (null: none) that overrides it, as ND4J's. */
    void setLrAndSchedule(double lr, ISchedule schedule);
}
