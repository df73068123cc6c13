package org.pydl4j.spark.impl.paramavg;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.fail;

import org.junit.Test;

/** The builder's DL4J defaults and checks, and the driver-side averaging arithmetic (no Spark context needed). */
public class ParameterAveragingTrainingMasterTest {

    @Test
    public void builderKeepsDl4jDefaultsAndSettings() {
        ParameterAveragingTrainingMaster m = new ParameterAveragingTrainingMaster.Builder(16).build();
        assertEquals(16, m.getRddDataSetNumExamples());
        assertEquals(16, m.getBatchSizePerWorker());      // defaults to the RDD's DataSet size
        assertEquals(5, m.getAveragingFrequency());        // DL4J's default
        assertEquals(0, m.getWorkerPrefetchNumBatches());
        ParameterAveragingTrainingMaster n = new ParameterAveragingTrainingMaster.Builder(4, 32).batchSizePerWorker(8)
                .averagingFrequency(3).workerPrefetchNumBatches(2).saveUpdater(false).build();
        assertEquals(8, n.getBatchSizePerWorker());
        assertEquals(3, n.getAveragingFrequency());
        assertEquals(2, n.getWorkerPrefetchNumBatches());
        assertFalse(n.isSaveUpdater());
        assertEquals(Double.NaN, n.getLastScore(), 0);
    }

    @Test
    public void builderRefusesNonPositiveSizes() {
        for (Runnable bad : new Runnable[]{
                () -> new ParameterAveragingTrainingMaster.Builder(0),
                () -> new ParameterAveragingTrainingMaster.Builder(0, 4),
                () -> new ParameterAveragingTrainingMaster.Builder(4).averagingFrequency(0),
                () -> new ParameterAveragingTrainingMaster.Builder(4).batchSizePerWorker(-1),
                () -> new ParameterAveragingTrainingMaster.Builder(4).workerPrefetchNumBatches(-1)}) {
            try {
                bad.run();
                fail("accepted");
            } catch (IllegalArgumentException expected) {
                // the message names the setting
            }
        }
    }

    @Test
    public void resultsSumThenAveragePerWorker() {
        ParameterAveragingResult a = new ParameterAveragingResult(new double[]{1, 2}, new double[]{0.5}, 3.0, 2, 1, 7);
        ParameterAveragingResult b = new ParameterAveragingResult(new double[]{3, 6}, new double[]{1.5}, 1.0, 2, 1, 9);
        ParameterAveragingResult sum = a.add(b);
        assertArrayEquals(new double[]{2, 4}, ParameterAveragingResult.mean(sum.params(), sum.workers()), 0);
        assertArrayEquals(new double[]{1.0}, ParameterAveragingResult.mean(sum.updaterState(), sum.workers()), 0);
        assertEquals(4.0, sum.scoreSum(), 0);
        assertEquals(4, sum.minibatches());
        assertEquals(9, sum.iterationCount());
        assertArrayEquals(new double[]{1, 2}, a.params(), 0);     // the inputs are not modified
        try {
            a.add(new ParameterAveragingResult(new double[]{1}, null, 0, 1, 1, 1));
            fail("different parameter counts were summed");
        } catch (IllegalStateException expected) {
            // a worker with another network is a bug, not something to average
        }
    }
}
