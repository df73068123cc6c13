package org.pydl4j.eval;

/** How per-class metrics are averaged (ND4J's {@code org.nd4j.evaluation.EvaluationAveraging}). */
public enum EvaluationAveraging {
    /** Mean of the per-class values, each class weighted equally. */
    Macro,
    /** The metric computed from the summed counts of all classes. */
    Micro
}
