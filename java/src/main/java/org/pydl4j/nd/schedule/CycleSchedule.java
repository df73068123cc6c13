package org.pydl4j.nd.schedule;

import static org.pydl4j.util.json.JsonCodecs.COUNT;
import static org.pydl4j.util.json.JsonCodecs.DOUBLE;

import org.pydl4j.util.json.JsonType;

/**
 * The one-cycle policy, as ND4J's CycleSchedule: within each cycle of {@code cycleLength} steps the value rises
 * linearly from {@code initialLearningRate} to {@code maxLearningRate} over {@code stepSize = (cycleLength -
 * annealingLength) / 2} steps (integer division), falls back over the next stepSize steps, then anneals as
 * {@code initialLearningRate * annealingDecay ^ (annealingLength - (cycleLength - position))}.
 * {@code new CycleSchedule(type, max, cycleLength)} uses initial = max / 10, annealing over 10% of the cycle, decay 0.1.
 */
public class CycleSchedule extends BaseSchedule {
    /** The saved fields (after BaseSchedule's). */
    public static final JsonType<CycleSchedule> JSON = BaseSchedule.JSON.extend(CycleSchedule.class, CycleSchedule::new)
            .named("schedule.Cycle")
            .field("initialLearningRate", DOUBLE, o -> o.initialLearningRate, (o, v) -> o.initialLearningRate = v)
            .field("maxLearningRate", DOUBLE, o -> o.maxLearningRate, (o, v) -> o.maxLearningRate = v)
            .field("annealingDecay", DOUBLE, o -> o.annealingDecay, (o, v) -> o.annealingDecay = v)
            .field("cycleLength", COUNT, o -> o.cycleLength, (o, v) -> o.cycleLength = v)
            .field("annealingLength", COUNT, o -> o.annealingLength, (o, v) -> o.annealingLength = v)
            .check(s -> new CycleSchedule(s.scheduleType, s.initialLearningRate, s.maxLearningRate, s.cycleLength, s.annealingLength, s.annealingDecay))
            .build();

    private double initialLearningRate, maxLearningRate, annealingDecay;
    private int cycleLength, annealingLength;

    private CycleSchedule() {}

    public CycleSchedule(ScheduleType scheduleType, double initialLearningRate, double maxLearningRate, int cycleLength,
                         int annealingLength, double annealingDecay) {
        super(scheduleType);
        this.initialLearningRate = finite("initialLearningRate", initialLearningRate);
        this.maxLearningRate = finite("maxLearningRate", maxLearningRate);
        this.cycleLength = positive("cycleLength", cycleLength);
        if (annealingLength < 0 || cycleLength - annealingLength < 2) {
            throw new IllegalArgumentException("CycleSchedule: annealingLength must be in 0.." + (cycleLength - 2) + " for cycleLength " + cycleLength + ", got " + annealingLength);
        }
        this.annealingLength = annealingLength;
        this.annealingDecay = finite("annealingDecay", annealingDecay);
    }

    public CycleSchedule(ScheduleType scheduleType, double maxLearningRate, int cycleLength) {
        this(scheduleType, maxLearningRate * 0.1, maxLearningRate, cycleLength, (int) Math.round(cycleLength * 0.1), 0.1);
    }

    public double getInitialLearningRate() { return initialLearningRate; }
    public double getMaxLearningRate() { return maxLearningRate; }
    public int getCycleLength() { return cycleLength; }
    public int getAnnealingLength() { return annealingLength; }
    public double getAnnealingDecay() { return annealingDecay; }

    @Override
    public double valueAt(int iteration, int epoch) {
        int stepSize = (cycleLength - annealingLength) / 2;
        double increment = (maxLearningRate - initialLearningRate) / stepSize;
        int p = position(iteration, epoch) % cycleLength;
        if (p < stepSize) return initialLearningRate + increment * p;
        if (p < 2 * stepSize) return maxLearningRate - increment * (p - stepSize);
        return initialLearningRate * Math.pow(annealingDecay, annealingLength - (cycleLength - p));
    }
}
