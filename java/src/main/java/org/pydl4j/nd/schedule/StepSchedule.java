package org.pydl4j.nd.schedule;

import static org.pydl4j.util.json.JsonCodecs.DOUBLE;

import org.pydl4j.util.json.JsonType;

/** {@code initialValue * decayRate ^ floor(i / step)}, as ND4J's StepSchedule (i: iteration or epoch). */
public class StepSchedule extends BaseSchedule {
    /** The saved fields (after BaseSchedule's). */
    public static final JsonType<StepSchedule> JSON = BaseSchedule.JSON.extend(StepSchedule.class, StepSchedule::new)
            .named("schedule.Step")
            .field("initialValue", DOUBLE, o -> o.initialValue, (o, v) -> o.initialValue = v)
            .field("decayRate", DOUBLE, o -> o.decayRate, (o, v) -> o.decayRate = v)
            .field("step", DOUBLE, o -> o.step, (o, v) -> o.step = v)
            .check(s -> new StepSchedule(s.scheduleType, s.initialValue, s.decayRate, s.step))
            .build();

    private double initialValue, decayRate, step;

    private StepSchedule() {}

    public StepSchedule(ScheduleType scheduleType, double initialValue, double decayRate, double step) {
        super(scheduleType);
        this.initialValue = finite("initialValue", initialValue);
        this.decayRate = finite("decayRate", decayRate);
        if (!(step > 0) || !Double.isFinite(step)) throw new IllegalArgumentException("StepSchedule: step must be > 0, got " + step);
        this.step = step;
    }

    public double getInitialValue() { return initialValue; }
    public double getDecayRate() { return decayRate; }
    public double getStep() { return step; }

    @Override
    public double valueAt(int iteration, int epoch) {
        return initialValue * Math.pow(decayRate, Math.floor(position(iteration, epoch) / step));
    }
}
