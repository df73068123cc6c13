package org.pydl4j.nd.schedule;

import static org.pydl4j.util.json.JsonCodecs.COUNT;
import static org.pydl4j.util.json.JsonCodecs.DOUBLE;

import org.pydl4j.util.json.JsonType;

/**
 * Polynomial decay as ND4J's PolySchedule javadoc states it: {@code initialValue * (1 + i / maxIter) ^ (-power)}
 * for {@code i < maxIter}, 0 from {@code maxIter} on (i: iteration or epoch).
 */
public class PolySchedule extends BaseSchedule {
    /** The saved fields (after BaseSchedule's). */
    public static final JsonType<PolySchedule> JSON = BaseSchedule.JSON.extend(PolySchedule.class, PolySchedule::new)
            .named("schedule.Poly")
            .field("initialValue", DOUBLE, o -> o.initialValue, (o, v) -> o.initialValue = v)
            .field("power", DOUBLE, o -> o.power, (o, v) -> o.power = v)
            .field("maxIter", COUNT, o -> o.maxIter, (o, v) -> o.maxIter = v)
            .check(s -> new PolySchedule(s.scheduleType, s.initialValue, s.power, s.maxIter))
            .build();

    private double initialValue, power;
    private int maxIter;

    private PolySchedule() {}

    public PolySchedule(ScheduleType scheduleType, double initialValue, double power, int maxIter) {
        super(scheduleType);
        this.initialValue = finite("initialValue", initialValue);
        this.power = finite("power", power);
        this.maxIter = positive("maxIter", maxIter);
    }

    public double getInitialValue() { return initialValue; }
    public double getPower() { return power; }
    public int getMaxIter() { return maxIter; }

    @Override
    public double valueAt(int iteration, int epoch) {
        int i = position(iteration, epoch);
        if (i >= maxIter) return 0;
        return initialValue * Math.pow(1 + i / (double) maxIter, -power);
    }
}
