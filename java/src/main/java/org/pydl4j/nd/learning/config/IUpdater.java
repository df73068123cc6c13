package org.pydl4j.nd.learning.config;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.GradientUpdater;

/** An updater's configuration, as ND4J's {@code org.nd4j.linalg.learning.config.IUpdater}. */
public interface IUpdater extends Cloneable {
    /** Number of state values kept for numParams parameters (Sgd 0, Nesterovs n, Adam 2n). */
    long stateSize(long numParams);

    /**
     * The updater working on the given state view (length {@link #stateSize}); initializeViewArray zeroes the state.
     */
    GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray);

    IUpdater clone();

    /** The learning rate at an iteration and epoch (constant here), NaN when the updater has none. */
    double getLearningRate(int iteration, int epoch);

    boolean hasLearningRate();

    /** Changes the learning rate (fine-tuning). */
    void setLrAndSchedule(double lr, Object schedule);
}
