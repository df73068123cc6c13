package org.pydl4j.nd.schedule;

import static org.pydl4j.util.json.JsonCodecs.DOUBLE;

import org.pydl4j.util.json.JsonType;

/** {@code initialValue / (1 + gamma * i) ^ power}, as ND4J's InverseSchedule (i: iteration or epoch). */
public class InverseSchedule extends BaseSchedule {
    /** The saved fields (after BaseSchedule's). */
    public static final JsonType<InverseSchedule> JSON = BaseSchedule.JSON.extend(InverseSchedule.class, InverseSchedule::new)
            .named("schedule.Inverse")
            .field("initialValue", DOUBLE, o -> o.initialValue, (o, v) -> o.initialValue = v)
            .field("gamma", DOUBLE, o -> o.gamma, (o, v) -> o.gamma = v)
            .field("power", DOUBLE, o -> o.power, (o, v) -> o.power = v)
            .build();

    private double initialValue, gamma, power;

    private InverseSchedule() {}

    public InverseSchedule(ScheduleType scheduleType, double initialValue, double gamma, double power) {
        super(scheduleType);
        this.initialValue = finite("initialValue", initialValue);
        this.gamma = finite("gamma", gamma);
        this.power = finite("power", power);
    }

    public double getInitialValue() { return initialValue; }
    public double getGamma() { return gamma; }
    public double getPower() { return power; }

    @Override
    public double valueAt(int iteration, int epoch) {
        return initialValue / Math.pow(1 + gamma * position(iteration, epoch), power);
    }
}
