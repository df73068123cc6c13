package org.pydl4j.nn.listeners;

import org.pydl4j.eval.Evaluation;
import org.pydl4j.eval.IEvaluation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.DataSetIterator;
import org.pydl4j.nd.dataset.ListDataSetIterator;
import org.pydl4j.nn.api.Model;
import org.pydl4j.nn.api.NeuralNetwork;
import org.pydl4j.nn.listeners.callbacks.EvaluationCallback;

/**
 * Evaluates the network being trained on a held-out iterator every {@code frequency} iterations or epochs and
 * prints the evaluations' stats, as DL4J's EvaluativeListener. The evaluations are reset before each run; a
 * {@link EvaluationCallback} receives them afterwards.
 */
public class EvaluativeListener implements TrainingListener {
    private final DataSetIterator iterator;
    private final int frequency;
    private final InvocationType invocationType;
    private final IEvaluation<?>[] evaluations;
    private EvaluationCallback callback;
    private long iterations, epochStarts, epochEnds, invocations;

    /** Every {@code frequency} iterations, a classification Evaluation. */
    public EvaluativeListener(DataSetIterator iterator, int frequency) { this(iterator, frequency, InvocationType.ITERATION_END); }

    public EvaluativeListener(DataSetIterator iterator, int frequency, InvocationType type) {
        this(iterator, frequency, type, new Evaluation());
    }

    public EvaluativeListener(DataSetIterator iterator, int frequency, InvocationType type, IEvaluation<?>... evaluations) {
        if (iterator == null) throw new IllegalArgumentException("EvaluativeListener: iterator is null");
        if (frequency < 1) throw new IllegalArgumentException("EvaluativeListener: frequency must be >= 1, got " + frequency);
        if (type == null) throw new IllegalArgumentException("EvaluativeListener: invocation type is null");
        if (evaluations == null || evaluations.length == 0) throw new IllegalArgumentException("EvaluativeListener: no evaluations given");
        this.iterator = iterator;
        this.frequency = frequency;
        this.invocationType = type;
        this.evaluations = evaluations;
    }

    /** Evaluates on one DataSet. */
    public EvaluativeListener(DataSet dataSet, int frequency, InvocationType type) {
        this(new ListDataSetIterator<>(java.util.List.of(dataSet), Math.max(1, dataSet.numExamples())), frequency, type);
    }

    public void setCallback(EvaluationCallback callback) { this.callback = callback; }

    public EvaluationCallback getCallback() { return callback; }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        if (invocationType == InvocationType.ITERATION_END && ++iterations % frequency == 0) invokeListener(model);
    }

    @Override
    public void onEpochStart(Model model) {
        if (invocationType == InvocationType.EPOCH_START && ++epochStarts % frequency == 0) invokeListener(model);
    }

    @Override
    public void onEpochEnd(Model model) {
        if (invocationType == InvocationType.EPOCH_END && ++epochEnds % frequency == 0) invokeListener(model);
    }

    /** Runs the evaluations now on the model's current parameters. */
    public void invokeListener(Model model) {
        if (!(model instanceof NeuralNetwork)) {
            throw new IllegalArgumentException("EvaluativeListener: cannot evaluate a " + model.getClass().getSimpleName() + " (a network is needed)");
        }
        for (IEvaluation<?> e : evaluations) e.reset();
        ((NeuralNetwork) model).doEvaluation(iterator, evaluations);
        invocations++;
        StringBuilder sb = new StringBuilder("Reporting evaluation results:\n");
        for (IEvaluation<?> e : evaluations) sb.append("Evaluation:\n").append(e.stats()).append('\n');
        System.out.println(sb);
        if (callback != null) callback.call(this, model, invocations, evaluations);
    }

    @Override
    public String toString() { return "EvaluativeListener(every " + frequency + " " + invocationType + ")"; }
}
