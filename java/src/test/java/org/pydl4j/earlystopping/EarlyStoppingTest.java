package org.pydl4j.earlystopping;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pydl4j.earlystopping.EarlyStoppingResult.TerminationReason;
import org.pydl4j.earlystopping.saver.InMemoryModelSaver;
import org.pydl4j.earlystopping.saver.LocalFileGraphSaver;
import org.pydl4j.earlystopping.scorecalc.ClassificationScoreCalculator;
import org.pydl4j.earlystopping.scorecalc.DataSetLossCalculator;
import org.pydl4j.earlystopping.scorecalc.ScoreCalculator;
import org.pydl4j.earlystopping.termination.BestScoreEpochTerminationCondition;
import org.pydl4j.earlystopping.termination.MaxEpochsTerminationCondition;
import org.pydl4j.earlystopping.termination.MaxScoreIterationTerminationCondition;
import org.pydl4j.earlystopping.termination.MaxTimeIterationTerminationCondition;
import org.pydl4j.earlystopping.termination.ScoreImprovementEpochTerminationCondition;
import org.pydl4j.earlystopping.trainer.EarlyStoppingGraphTrainer;
import org.pydl4j.earlystopping.trainer.EarlyStoppingTrainer;
import org.pydl4j.eval.Evaluation;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.dataset.ListDataSetIterator;
import org.pydl4j.nd.learning.config.Sgd;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.api.Model;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.multilayer.MultiLayerNetwork;
import org.pydl4j.nn.weights.WeightInit;

/** Early stopping: patience on a scripted score, keep-best, savers, calculators, iteration conditions. */
public class EarlyStoppingTest {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    @BeforeClass
    public static void setUp() { Nd4j.setBackend("reference"); }

    /** A 4-feature, 3-class softmax classifier. */
    private static ComputationGraph net() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).updater(new Sgd(0.1))
                .weightInit(WeightInit.XAVIER).graphBuilder().addInputs("in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3).activation(Activation.SOFTMAX).build(), "in")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /** 12 examples; the class is the argmax of the first three features. */
    private static ListDataSetIterator<DataSet> data(int batch) {
        java.util.Random r = new java.util.Random(3);
        List<DataSet> list = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            float[] x = new float[4];
            for (int j = 0; j < 4; j++) x[j] = (float) r.nextGaussian();
            x[i % 3] += 3;
            float[] y = new float[3];
            y[i % 3] = 1;
            list.add(new DataSet(Nd4j.create(x, new long[]{1, 4}), Nd4j.create(y, new long[]{1, 3})));
        }
        return new ListDataSetIterator<>(list, batch);
    }

    /** Returns scripted scores in turn and records the parameters it saw at each call. */
    private static final class ScriptedScore implements ScoreCalculator<Model> {
        final double[] scores;
        final List<INDArray> seen = new ArrayList<>();

        ScriptedScore(double... scores) { this.scores = scores; }

        @Override
        public double calculateScore(Model network) {
            seen.add(network.params().dup());
            return scores[seen.size() - 1];
        }

        @Override public boolean minimizeScore() { return true; }
    }

    private static float[] values(INDArray a) {
        float[] out = new float[(int) a.length()];
        for (int i = 0; i < out.length; i++) out[i] = (float) a.getDoubleLinear(i);
        return out;
    }

    @Test
    public void patienceStopsAtTheExpectedEpochAndKeepsTheBestParameters() {
        // best at epoch 2 (3.0); epochs 3, 4, 5 do not improve by more than 0.05 -> stop after epoch 5 (= 2 + 3)
        ScriptedScore scores = new ScriptedScore(5, 4, 3, 3.5, 2.96, 3.1, 1, 1, 1, 1);
        ComputationGraph net = net();
        EarlyStoppingConfiguration<ComputationGraph> conf = new EarlyStoppingConfiguration.Builder<ComputationGraph>()
                .epochTerminationConditions(new MaxEpochsTerminationCondition(10), new ScoreImprovementEpochTerminationCondition(3, 0.05))
                .scoreCalculator(scores).modelSaver(new InMemoryModelSaver<>()).build();
        EarlyStoppingResult<ComputationGraph> result = new EarlyStoppingGraphTrainer(conf, net, data(4)).fit();

        assertEquals(TerminationReason.EpochTerminationCondition, result.getTerminationReason());
        assertTrue(result.getTerminationDetails(), result.getTerminationDetails().startsWith("ScoreImprovementEpochTerminationCondition"));
        assertEquals(6, result.getTotalEpochs());
        assertEquals(Arrays.asList(0, 1, 2, 3, 4, 5), new ArrayList<>(result.getScoreVsEpoch().keySet()));
        // the saver keeps the strictly best score (2.96 at epoch 4), while patience counts from the last improvement
        // larger than minImprovement (epoch 2)
        assertEquals(4, result.getBestModelEpoch());
        assertEquals(2.96, result.getBestModelScore(), 0);
        assertEquals(6, net.getEpochCount());
        assertEquals(18, net.getIterationCount());
        ComputationGraph best = result.getBestModel();
        assertNotNull(best);
        assertArrayEquals(values(scores.seen.get(4)), values(best.params()), 0f);
        assertFalse("training went on after the best epoch", Arrays.equals(values(best.params()), values(net.params())));
    }

    @Test
    public void withoutPatienceTheSameScriptRunsToMaxEpochs() {
        ScriptedScore scores = new ScriptedScore(5, 4, 3, 3.5, 3.2, 3.1, 4, 4);
        EarlyStoppingConfiguration<ComputationGraph> conf = new EarlyStoppingConfiguration.Builder<ComputationGraph>()
                .epochTerminationConditions(new MaxEpochsTerminationCondition(8)).scoreCalculator(scores).build();
        EarlyStoppingResult<ComputationGraph> result = new EarlyStoppingGraphTrainer(conf, net(), data(4)).fit();
        assertEquals(8, result.getTotalEpochs());
        assertEquals(2, result.getBestModelEpoch());
        assertArrayEquals(values(scores.seen.get(2)), values(result.getBestModel().params()), 0f);
    }

    @Test
    public void evaluatesEveryNEpochsOnly() {
        ScriptedScore scores = new ScriptedScore(3, 2, 1);
        EarlyStoppingConfiguration<ComputationGraph> conf = new EarlyStoppingConfiguration.Builder<ComputationGraph>()
                .epochTerminationConditions(new MaxEpochsTerminationCondition(6)).evaluateEveryNEpochs(2).scoreCalculator(scores).build();
        EarlyStoppingResult<ComputationGraph> result = new EarlyStoppingGraphTrainer(conf, net(), data(6)).fit();
        assertEquals(Arrays.asList(1, 3, 5), new ArrayList<>(result.getScoreVsEpoch().keySet()));
        assertEquals(5, result.getBestModelEpoch());
    }

    @Test
    public void bestScoreConditionStopsWhenReached() {
        EarlyStoppingConfiguration<ComputationGraph> conf = new EarlyStoppingConfiguration.Builder<ComputationGraph>()
                .epochTerminationConditions(new MaxEpochsTerminationCondition(10), new BestScoreEpochTerminationCondition(2.5))
                .scoreCalculator(new ScriptedScore(5, 4, 3, 2.5, 1)).build();
        EarlyStoppingResult<ComputationGraph> result = new EarlyStoppingGraphTrainer(conf, net(), data(4)).fit();
        assertEquals(4, result.getTotalEpochs());
        assertTrue(result.getTerminationDetails().startsWith("BestScoreEpochTerminationCondition"));
    }

    @Test
    public void timeBudgetStopsMidEpoch() {
        AtomicLong clock = new AtomicLong();
        // each call to the clock advances it by one second: started at 0, then 1 s, 2 s, ... after each minibatch
        MaxTimeIterationTerminationCondition time = new MaxTimeIterationTerminationCondition(5, TimeUnit.SECONDS,
                () -> clock.getAndAdd(TimeUnit.SECONDS.toNanos(1)));
        ComputationGraph net = net();
        EarlyStoppingConfiguration<ComputationGraph> conf = new EarlyStoppingConfiguration.Builder<ComputationGraph>()
                .epochTerminationConditions(new MaxEpochsTerminationCondition(100)).iterationTerminationConditions(time)
                .scoreCalculator(new DataSetLossCalculator(data(12), true)).build();
        EarlyStoppingResult<ComputationGraph> result = new EarlyStoppingGraphTrainer(conf, net, data(4)).fit();
        assertEquals(TerminationReason.IterationTerminationCondition, result.getTerminationReason());
        assertEquals(5, net.getIterationCount());   // minibatch 5 ends at 5 s
        assertEquals(2, result.getTotalEpochs());   // 3 minibatches per epoch: stopped in the second
        assertEquals(0, result.getBestModelEpoch());
    }

    @Test
    public void divergingScoreStopsTraining() {
        EarlyStoppingConfiguration<ComputationGraph> conf = new EarlyStoppingConfiguration.Builder<ComputationGraph>()
                .epochTerminationConditions(new MaxEpochsTerminationCondition(5))
                .iterationTerminationConditions(new MaxScoreIterationTerminationCondition(1e-9))
                .scoreCalculator(new DataSetLossCalculator(data(12), true)).build();
        EarlyStoppingResult<ComputationGraph> result = new EarlyStoppingGraphTrainer(conf, net(), data(4)).fit();
        assertEquals(TerminationReason.IterationTerminationCondition, result.getTerminationReason());
        assertEquals(-1, result.getBestModelEpoch());
        assertNull(result.getBestModel());
    }

    @Test
    public void realLossImprovesAndTheLossCalculatorWeightsMinibatches() {
        ComputationGraph net = net();
        DataSet all = data(12).next();
        DataSetLossCalculator avg = new DataSetLossCalculator(data(5), true), sum = new DataSetLossCalculator(data(5), false);
        assertEquals(net.score(all), avg.calculateScore(net), 1e-5);
        assertEquals(12 * net.score(all), sum.calculateScore(net), 1e-4);
        EarlyStoppingConfiguration<ComputationGraph> conf = new EarlyStoppingConfiguration.Builder<ComputationGraph>()
                .epochTerminationConditions(new MaxEpochsTerminationCondition(5)).scoreCalculator(avg).build();
        EarlyStoppingResult<ComputationGraph> result = new EarlyStoppingGraphTrainer(conf, net, data(4)).fit();
        List<Double> curve = new ArrayList<>(result.getScoreVsEpoch().values());
        assertTrue(curve.toString(), curve.get(4) < curve.get(0));

        ClassificationScoreCalculator acc = new ClassificationScoreCalculator(Evaluation.Metric.ACCURACY, data(5));
        Evaluation e = new Evaluation();
        e.eval(all.getLabels(), net.outputSingle(all.getFeatures()));
        assertEquals(e.accuracy(), acc.calculateScore(net), 0);
        assertFalse(acc.minimizeScore());
    }

    @Test
    public void localFileGraphSaverWritesAtomicallyAndRestoresTheBest() throws Exception {
        File dir = tmp.newFolder("es");
        ScriptedScore scores = new ScriptedScore(3, 1, 2);
        EarlyStoppingConfiguration<ComputationGraph> conf = new EarlyStoppingConfiguration.Builder<ComputationGraph>()
                .epochTerminationConditions(new MaxEpochsTerminationCondition(3)).scoreCalculator(scores)
                .modelSaver(new LocalFileGraphSaver(dir)).saveLastModel(true).build();
        ComputationGraph net = net();
        EarlyStoppingResult<ComputationGraph> result = new EarlyStoppingGraphTrainer(conf, net, data(4)).fit();
        assertEquals(1, result.getBestModelEpoch());
        assertArrayEquals(values(scores.seen.get(1)), values(result.getBestModel().params()), 0f);
        assertArrayEquals(values(net.params()), values(conf.getModelSaver().getLatestModel().params()), 0f);
        List<String> names = new ArrayList<>();
        try (var files = Files.list(dir.toPath())) { files.forEach(p -> names.add(p.getFileName().toString())); }
        names.sort(null);
        assertEquals(Arrays.asList(LocalFileGraphSaver.BEST_GRAPH_BIN, LocalFileGraphSaver.LATEST_GRAPH_BIN), names);
        assertNull(new LocalFileGraphSaver(tmp.newFolder("empty")).getBestModel());
    }

    @Test(expected = IllegalStateException.class)
    public void aRunThatCannotEndIsRefused() {
        new EarlyStoppingConfiguration.Builder<ComputationGraph>().scoreCalculator(new ScriptedScore(1)).build();
    }

    @Test(expected = IllegalStateException.class)
    public void aRunWithoutAHeldOutScoreIsRefused() {
        new EarlyStoppingConfiguration.Builder<ComputationGraph>().epochTerminationConditions(new MaxEpochsTerminationCondition(2)).build();
    }

    @Test
    public void multiLayerNetworkStopsOnPatienceAndKeepsTheBest() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7).updater(new Sgd(0.1)).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3).activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        ScriptedScore scores = new ScriptedScore(3, 2, 2.5, 2.4, 1, 1);
        EarlyStoppingConfiguration<MultiLayerNetwork> conf = new EarlyStoppingConfiguration.Builder<MultiLayerNetwork>()
                .epochTerminationConditions(new MaxEpochsTerminationCondition(6), new ScoreImprovementEpochTerminationCondition(2))
                .scoreCalculator(scores).build();
        EarlyStoppingResult<MultiLayerNetwork> result = new EarlyStoppingTrainer(conf, net, data(4)).fit();
        assertEquals(4, result.getTotalEpochs());
        assertEquals(1, result.getBestModelEpoch());
        assertArrayEquals(values(scores.seen.get(1)), values(result.getBestModel().params()), 0f);
        // the real loss calculator works on this kind too
        assertTrue(new DataSetLossCalculator(data(12), true).calculateScore(net) > 0);
    }
}
