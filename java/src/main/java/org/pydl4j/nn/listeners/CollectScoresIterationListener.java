package org.pydl4j.nn.listeners;

import java.util.ArrayList;
import java.util.List;
import org.pydl4j.nn.api.Model;

/** Records (iteration, score) every frequency iterations, as DL4J's CollectScoresIterationListener. */
public class CollectScoresIterationListener implements TrainingListener {
    private final int frequency;
    private final List<int[]> iterations = new ArrayList<>();
    private final List<Double> scores = new ArrayList<>();

    public CollectScoresIterationListener() { this(1); }

    public CollectScoresIterationListener(int frequency) { this.frequency = Math.max(1, frequency); }

    @Override
    public synchronized void iterationDone(Model model, int iteration, int epoch) {
        if (iteration % frequency == 0) {
            iterations.add(new int[]{iteration, epoch});
            scores.add(model.score());
        }
    }

    public synchronized List<Double> getScores() { return new ArrayList<>(scores); }

    public synchronized List<Integer> getIterations() {
        List<Integer> out = new ArrayList<>();
        for (int[] i : iterations) out.add(i[0]);
        return out;
    }
}
