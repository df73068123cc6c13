package org.pydl4j.nn.listeners;

import java.util.Date;
import org.pydl4j.nn.api.Model;

/**
 * Prints an estimate of the remaining training time after each iteration, as DL4J's TimeIterationListener: the
 * average time per iteration so far times the iterations left of the expected total.
 */
public class TimeIterationListener implements TrainingListener {
    private final long start = System.currentTimeMillis();
    private final int iterationCount;
    private int done;
    private long lastRemainingMillis = -1;

    /** @param iterationCount the total number of iterations expected */
    public TimeIterationListener(int iterationCount) {
        if (iterationCount < 1) throw new IllegalArgumentException("TimeIterationListener: iterationCount must be >= 1, got " + iterationCount);
        this.iterationCount = iterationCount;
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        done++;
        long elapsed = System.currentTimeMillis() - start;
        lastRemainingMillis = Math.max(iterationCount - done, 0) * elapsed / done;
        System.out.println("Remaining time : " + lastRemainingMillis / 60000 + "mn - End expected : " + new Date(System.currentTimeMillis() + lastRemainingMillis));
    }

    /** The last estimate of the time left, in milliseconds (-1 before the first iteration). */
    public long getRemainingMillis() { return lastRemainingMillis; }
}
