package org.pydl4j.earlystopping.termination;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** Stops once training has run longer than a time budget (checked after every minibatch), as DL4J. */
public class MaxTimeIterationTerminationCondition implements IterationTerminationCondition {
    private final long maxTimeNanos;
    private final LongSupplier clock;
    private long started;

    public MaxTimeIterationTerminationCondition(long maxTimeAmount, TimeUnit maxTimeUnit) {
        this(maxTimeAmount, maxTimeUnit, System::nanoTime);
    }

    /** With an injected nanosecond clock (tests). */
    public MaxTimeIterationTerminationCondition(long maxTimeAmount, TimeUnit maxTimeUnit, LongSupplier nanoClock) {
        if (maxTimeAmount <= 0 || maxTimeUnit == null) {
            throw new IllegalArgumentException("MaxTimeIterationTerminationCondition: need a positive time and a unit, got " + maxTimeAmount + " " + maxTimeUnit);
        }
        this.maxTimeNanos = maxTimeUnit.toNanos(maxTimeAmount);
        this.clock = nanoClock;
    }

    @Override public void initialize() { started = clock.getAsLong(); }

    @Override public boolean terminate(double lastMiniBatchScore) { return clock.getAsLong() - started >= maxTimeNanos; }

    @Override public String toString() { return "MaxTimeIterationTerminationCondition(" + maxTimeNanos / 1_000_000 + " ms)"; }
}
