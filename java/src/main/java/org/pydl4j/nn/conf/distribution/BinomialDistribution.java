package org.pydl4j.nn.conf.distribution;

import static org.pydl4j.util.json.JsonCodecs.COUNT;
import static org.pydl4j.util.json.JsonCodecs.DOUBLE;

import java.util.Random;
import org.pydl4j.util.json.JsonType;

/** Number of successes in numberOfTrials Bernoulli trials, as DL4J's BinomialDistribution. */
public class BinomialDistribution extends Distribution {
    /** The saved fields (after Distribution's). */
    public static final JsonType<BinomialDistribution> JSON = Distribution.JSON.extend(BinomialDistribution.class, BinomialDistribution::new)
            .named("distribution.BinomialDistribution")
            .field("numberOfTrials", COUNT, o -> o.numberOfTrials, (o, v) -> o.numberOfTrials = v)
            .field("probabilityOfSuccess", DOUBLE, o -> o.probabilityOfSuccess, (o, v) -> o.probabilityOfSuccess = v)
            .build();

    /** More trials than this would make one draw slow (each is simulated); DL4J uses it with a handful. */
    public static final int MAX_TRIALS = 10_000;

    private int numberOfTrials;
    private double probabilityOfSuccess;

    private BinomialDistribution() {}

    public BinomialDistribution(int numberOfTrials, double probabilityOfSuccess) {
        if (numberOfTrials < 0 || numberOfTrials > MAX_TRIALS) {
            throw new IllegalArgumentException("BinomialDistribution: numberOfTrials must be in 0.." + MAX_TRIALS + ", got " + numberOfTrials);
        }
        if (!(probabilityOfSuccess >= 0 && probabilityOfSuccess <= 1)) {
            throw new IllegalArgumentException("BinomialDistribution: probabilityOfSuccess must be in [0, 1], got " + probabilityOfSuccess);
        }
        this.numberOfTrials = numberOfTrials;
        this.probabilityOfSuccess = probabilityOfSuccess;
    }

    public int getNumberOfTrials() { return numberOfTrials; }
    public double getProbabilityOfSuccess() { return probabilityOfSuccess; }

    @Override
    public double sample(Random rng) {
        int k = 0;
        for (int i = 0; i < numberOfTrials; i++) if (rng.nextDouble() < probabilityOfSuccess) k++;
        return k;
    }
}
