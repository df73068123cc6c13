package org.pydl4j.nd.schedule;

import static org.pydl4j.util.json.JsonCodecs.DOUBLE;

import org.pydl4j.util.json.JsonType;

/** {@code initialValue * gamma ^ i}, as ND4J's ExponentialSchedule (i: iteration or epoch). */
public class ExponentialSchedule extends BaseSchedule {
    /** The saved fields (after BaseSchedule's). */
    public static final JsonType<ExponentialSchedule> JSON = BaseSchedule.JSON.extend(ExponentialSchedule.class, ExponentialSchedule::new)
            .named("schedule.Exponential")
            .field("initialValue", DOUBLE, o -> o.initialValue, (o, v) -> o.initialValue = v)
            .field("gamma", DOUBLE, o -> o.gamma, (o, v) -> o.gamma = v)
            .build();

    private double initialValue, gamma;

    private ExponentialSchedule() {}

    public ExponentialSchedule(ScheduleType scheduleType, double initialValue, double gamma) {
        super(scheduleType);
        this.initialValue = finite("initialValue", initialValue);
        this.gamma = finite("gamma", gamma);
    }

    public double getInitialValue() { return initialValue; }
    public double getGamma() { return gamma; }

    @Override
    public double valueAt(int iteration, int epoch) { return initialValue * Math.pow(gamma, position(iteration, epoch)); }
}
