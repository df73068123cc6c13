package org.pydl4j.earlystopping.scorecalc;

import org.pydl4j.nn.api.Model;

/** The held-out score early stopping watches, as DL4J's {@code ScoreCalculator}. */
public interface ScoreCalculator<T extends Model> {
    double calculateScore(T network);

    /** True when a lower score is better (a loss), false for accuracy-like scores. */
    boolean minimizeScore();
}
