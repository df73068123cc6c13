package org.pydl4j.nn.listeners;

import org.pydl4j.nn.api.Model;

/** Prints "Score at iteration N is S" every printIterations iterations, as DL4J's ScoreIterationListener. */
public class ScoreIterationListener implements TrainingListener {
    private final int printIterations;

    public ScoreIterationListener() { this(10); }

    public ScoreIterationListener(int printIterations) {
        if (printIterations < 1) throw new IllegalArgumentException("printIterations must be >= 1, got " + printIterations);
        this.printIterations = printIterations;
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        if (iteration % printIterations == 0) System.out.println("Score at iteration " + iteration + " is " + model.score());
    }

    @Override
    public String toString() { return "ScoreIterationListener(" + printIterations + ")"; }
}
