package org.pydl4j.nd.schedule;

import static org.pydl4j.util.json.JsonCodecs.DOUBLE;

import org.pydl4j.util.json.JsonType;

/** The same value at every iteration and epoch, as ND4J's FixedSchedule. */
public class FixedSchedule extends BaseSchedule {
    /** The saved fields (after BaseSchedule's). */
    public static final JsonType<FixedSchedule> JSON = BaseSchedule.JSON.extend(FixedSchedule.class, FixedSchedule::new)
            .named("schedule.Fixed")
            .field("value", DOUBLE, o -> o.value, (o, v) -> o.value = v)
            .build();

    private double value;

    private FixedSchedule() {}

    public FixedSchedule(double value) {
        super(ScheduleType.ITERATION);
        this.value = finite("value", value);
    }

    public double getValue() { return value; }

    @Override
    public double valueAt(int iteration, int epoch) { return value; }
}
