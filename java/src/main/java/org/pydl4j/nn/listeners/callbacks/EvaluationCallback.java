package org.pydl4j.nn.listeners.callbacks;

import org.pydl4j.eval.IEvaluation;
import org.pydl4j.nn.api.Model;
import org.pydl4j.nn.listeners.EvaluativeListener;

/** Receives the evaluations an {@link EvaluativeListener} made, as DL4J's EvaluationCallback. */
public interface EvaluationCallback {
    void call(EvaluativeListener listener, Model model, long invocationsCount, IEvaluation<?>[] evaluations);
}
