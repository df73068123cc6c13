package org.pydl4j.nd.schedule;

import static org.pydl4j.util.json.JsonCodecs.COUNT;
import static org.pydl4j.util.json.JsonCodecs.DOUBLE;

import org.pydl4j.util.json.JsonType;

/** {@code initialValue / (1 + exp(-gamma * (i - stepSize)))}, as ND4J's SigmoidSchedule (i: iteration or epoch). */
public class SigmoidSchedule extends BaseSchedule {
    /** The saved fields (after BaseSchedule's). */
    public static final JsonType<SigmoidSchedule> JSON = BaseSchedule.JSON.extend(SigmoidSchedule.class, SigmoidSchedule::new)
            .named("schedule.Sigmoid")
            .field("initialValue", DOUBLE, o -> o.initialValue, (o, v) -> o.initialValue = v)
            .field("gamma", DOUBLE, o -> o.gamma, (o, v) -> o.gamma = v)
            .field("stepSize", COUNT, o -> o.stepSize, (o, v) -> o.stepSize = v)
            .build();

    private double initialValue, gamma;
    private int stepSize;

    private SigmoidSchedule() {}

    public SigmoidSchedule(ScheduleType scheduleType, double initialValue, double gamma, int stepSize) {
        super(scheduleType);
        this.initialValue = finite("initialValue", initialValue);
        this.gamma = finite("gamma", gamma);
        this.stepSize = stepSize;
    }

    public double getInitialValue() { return initialValue; }
    public double getGamma() { return gamma; }
    public int getStepSize() { return stepSize; }

    @Override
    public double valueAt(int iteration, int epoch) {
        return initialValue / (1.0 + Math.exp(-gamma * (position(iteration, epoch) - stepSize)));
    }
}
