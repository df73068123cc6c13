package org.pydl4j.nd.schedule;

/** The same value at every iteration and epoch, as ND4J's FixedSchedule. */
public class FixedSchedule extends BaseSchedule {
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
