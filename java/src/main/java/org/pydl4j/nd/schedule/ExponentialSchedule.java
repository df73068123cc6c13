package org.pydl4j.nd.schedule;

/** {@code initialValue * gamma ^ i}, as ND4J's ExponentialSchedule (i: iteration or epoch). */
public class ExponentialSchedule extends BaseSchedule {
    private double initialValue, gamma;

    private ExponentialSchedule() {}

    public ExponentialSchedule(ScheduleType scheduleType, double initialValue, double gamma) {
        super(scheduleType);
        this.initialValue = finite("initialValue", initialValue);
        this.gamma = finite("gamma", gamma);
    }

    public double getInitialValue() { return initialValue; }
    public double getGamma() { return gamma; }

    @Override
    public double valueAt(int iteration, int epoch) { return initialValue * Math.pow(gamma, position(iteration, epoch)); }
}
