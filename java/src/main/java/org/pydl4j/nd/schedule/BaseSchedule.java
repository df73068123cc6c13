package org.pydl4j.nd.schedule;

import static org.pydl4j.util.json.JsonCodecs.enumOf;

import org.pydl4j.util.json.JsonValueObject;
import org.pydl4j.util.json.JsonType;

/**
 * Shared plumbing of the schedules: the schedule type, equality over the declared (saved) fields (each class's
 * {@code JSON}), and argument checks naming the schedule. Fields stay non-final so the declared setters can restore
 * them; the constructors' checks run again on a schedule read from a file.
 */
abstract class BaseSchedule extends JsonValueObject implements ISchedule {
    /** The saved fields (see JsonType). */
    public static final JsonType<BaseSchedule> JSON = JsonType.declareAbstract(BaseSchedule.class)
            .field("scheduleType", enumOf(ScheduleType.class), o -> o.scheduleType, (o, v) -> o.scheduleType = v)
            .check(s -> { if (s.scheduleType == null) throw new IllegalArgumentException("scheduleType is null"); })
            .build();

    protected ScheduleType scheduleType;

    protected BaseSchedule() {}

    protected BaseSchedule(ScheduleType scheduleType) {
        if (scheduleType == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": scheduleType is null");
        this.scheduleType = scheduleType;
    }

    public ScheduleType getScheduleType() { return scheduleType; }

    protected int position(int iteration, int epoch) { return scheduleType.position(iteration, epoch); }

    protected final double finite(String name, double v) {
        if (!Double.isFinite(v)) throw new IllegalArgumentException(getClass().getSimpleName() + ": " + name + " must be finite, got " + v);
        return v;
    }

    protected final int positive(String name, int v) {
        if (v < 1) throw new IllegalArgumentException(getClass().getSimpleName() + ": " + name + " must be >= 1, got " + v);
        return v;
    }

    @Override
    public ISchedule clone() { return (ISchedule) jsonCopy(); }
}
