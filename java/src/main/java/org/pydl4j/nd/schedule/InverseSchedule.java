package org.pydl4j.nd.schedule;

/** {@code initialValue / (1 + gamma * i) ^ power}, as ND4J's InverseSchedule (i: iteration or epoch). */
public class InverseSchedule extends BaseSchedule {
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
