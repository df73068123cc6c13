package org.pydl4j.nd.schedule;

import static org.pydl4j.util.json.JsonCodecs.COUNT;
import static org.pydl4j.util.json.JsonCodecs.object;

import org.pydl4j.util.json.JsonType;

/**
 * Linear warm-up over a base schedule, as ND4J's RampSchedule: at iteration i &lt; numIter - 1 the value is
 * {@code base(i) * (i + 1) / numIter}, afterwards the base schedule's value. Always counts iterations.
 */
public class RampSchedule extends BaseSchedule {
    /** The saved fields (after BaseSchedule's). */
    public static final JsonType<RampSchedule> JSON = BaseSchedule.JSON.extend(RampSchedule.class, RampSchedule::new)
            .named("schedule.Ramp")
            .field("baseSchedule", object(ISchedule.class), o -> o.baseSchedule, (o, v) -> o.baseSchedule = v)
            .field("numIter", COUNT, o -> o.numIter, (o, v) -> o.numIter = v)
            .check(s -> new RampSchedule(s.baseSchedule, s.numIter))
            .build();

    private ISchedule baseSchedule;
    private int numIter;

    private RampSchedule() {}

    public RampSchedule(ISchedule baseSchedule, int numIter) {
        super(ScheduleType.ITERATION);
        if (baseSchedule == null) throw new IllegalArgumentException("RampSchedule: baseSchedule is null");
        this.baseSchedule = baseSchedule;
        this.numIter = positive("numIter", numIter);
    }

    public ISchedule getBaseSchedule() { return baseSchedule; }
    public int getNumIter() { return numIter; }

    @Override
    public double valueAt(int iteration, int epoch) {
        double base = baseSchedule.valueAt(iteration, epoch);
        if (iteration >= numIter - 1) return base;
        return base * (iteration + 1) / (double) numIter;
    }
}
