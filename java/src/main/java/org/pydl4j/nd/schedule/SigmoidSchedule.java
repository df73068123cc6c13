package org.pydl4j.nd.schedule;

/** {@code initialValue / (1 + exp(-gamma * (i - stepSize)))}, as ND4J's SigmoidSchedule (i: iteration or epoch). */
public class SigmoidSchedule extends BaseSchedule {
    private double initialValue, gamma;
    private int stepSize;

    private SigmoidSchedule() {}

    public SigmoidSchedule(ScheduleType scheduleType, double initialValue, double gamma, int stepSize) {
        super(scheduleType);
        this.initialValue = finite("initialValue", initialValue);
        this.gamma = finite("gamma", gamma);
        this.stepSize = stepSize;
    }

    public double getInitialValue() { return initialValue; }
    public double getGamma() { return gamma; }
    public int getStepSize() { return stepSize; }

    @Override
    public double valueAt(int iteration, int epoch) {
        return initialValue / (1.0 + Math.exp(-gamma * (position(iteration, epoch) - stepSize)));
    }
}
