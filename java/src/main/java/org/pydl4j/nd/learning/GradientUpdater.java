package org.pydl4j.nd.learning;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.config.IUpdater;

/**
 * Turns a gradient into the update to subtract from the parameters, keeping its state in a view of the network's
 * updater state array (as ND4J's GradientUpdater).
 */
public interface GradientUpdater {
    IUpdater getConfig();

    /** The state this updater works on (a view; null or empty for stateless updaters). */
    INDArray getState();

    /** Replaces the gradient, in place, by the update: parameters -= gradient afterwards. */
    void applyUpdater(INDArray gradient, int iteration, int epoch);
}
