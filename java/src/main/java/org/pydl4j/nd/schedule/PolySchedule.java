package org.pydl4j.nd.schedule;

/**
 * Polynomial decay as ND4J's PolySchedule javadoc states it: {@code initialValue * (1 + i / maxIter) ^ (-power)}
 * for {@code i < maxIter}, 0 from {@code maxIter} on (i: iteration or epoch).
 */
public class PolySchedule extends BaseSchedule {
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
