package org.pydl4j.nd.learning.config;

import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.learning.GradientUpdater;
import org.pydl4j.nd.learning.NoOpUpdater;
import org.pydl4j.nd.schedule.ISchedule;
import org.pydl4j.util.json.JsonType;

/** An updater that never changes the parameters (update = 0), as ND4J's NoOp; keeps no state. */
public class NoOp extends BaseUpdaterConfig {
    /** The saved fields (after BaseUpdaterConfig's). */
    public static final JsonType<NoOp> JSON = BaseUpdaterConfig.JSON.extend(NoOp.class, NoOp::new)
            .named("updater.NoOp")
            .build();

    public NoOp() {}

    @Override public long stateSize(long numParams) { return 0; }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        if (viewArray != null && viewArray.length() != 0) throw new IllegalArgumentException("NoOp keeps no state, got a view of " + viewArray.length());
        return new NoOpUpdater(this);
    }

    @Override public NoOp clone() { return new NoOp(); }
    @Override public double getLearningRate(int iteration, int epoch) { return Double.NaN; }
    @Override public boolean hasLearningRate() { return false; }

    @Override
    public void setLrAndSchedule(double lr, ISchedule schedule) {
        throw new UnsupportedOperationException("NoOp has no learning rate");
    }
}
