package org.pydl4j.dl4jstyle;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * Issue 14 items 2 and 3: ComputationGraph evaluate / doEvaluation / save / load / summary, INDArray rows() and
 * columns() as int, and the listeners (EvaluativeListener + InvocationType, CheckpointListener, PerformanceListener,
 * TimeIterationListener), as DL4J programs use them; compiled with javax.tools and run.
 */
public class GraphAndListenerProgramsTest {
    @Rule public TemporaryFolder tmp = new TemporaryFolder();

    static final String GRAPH = """
            import org.pydl4j.eval.Evaluation;
            import org.pydl4j.nd.INDArray;
            import org.pydl4j.nd.activations.Activation;
            import org.pydl4j.nd.dataset.DataSetIterator;
            import org.pydl4j.nd.learning.config.Adam;
            import org.pydl4j.nd.lossfunctions.LossFunctions;
            import org.pydl4j.nn.conf.ComputationGraphConfiguration;
            import org.pydl4j.nn.conf.NeuralNetConfiguration;
            import org.pydl4j.nn.conf.inputs.InputType;
            import org.pydl4j.nn.conf.layers.DenseLayer;
            import org.pydl4j.nn.conf.layers.OutputLayer;
            import org.pydl4j.nn.graph.ComputationGraph;
            import org.pydl4j.nn.weights.WeightInit;

            import java.io.File;
            import java.util.Arrays;

            public class GraphEvaluation {
                public static double accuracy, accuracyNamed, accuracyDoEval, restoredAccuracy;
                public static int rows, columns;
                public static String summary, firstLabel;

                public static void main(String[] args) throws Exception {
                    ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                        .seed(42)
                        .updater(new Adam(0.01))
                        .weightInit(WeightInit.XAVIER)
                        .graphBuilder()
                        .addInputs("in")
                        .addLayer("dense", new DenseLayer.Builder().nOut(16).activation(Activation.RELU).build(), "in")
                        .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4).activation(Activation.SOFTMAX).build(), "dense")
                        .setOutputs("out")
                        .setInputTypes(InputType.feedForward(8))
                        .build();
                    ComputationGraph graph = new ComputationGraph(conf);
                    graph.init();
                    summary = graph.summary();

                    DataSetIterator train = org.pydl4j.dl4jstyle.SyntheticData.vectors(16, 160, 8, 4, 1);
                    DataSetIterator test = org.pydl4j.dl4jstyle.SyntheticData.vectors(16, 80, 8, 4, 2);
                    graph.fit(train, 5);

                    Evaluation eval = graph.evaluate(test);
                    accuracy = eval.accuracy();
                    Evaluation named = graph.evaluate(test, Arrays.asList("north", "east", "south", "west"));
                    accuracyNamed = named.accuracy();
                    firstLabel = named.getClassLabel(0);
                    Evaluation e2 = new Evaluation(4);
                    graph.doEvaluation(test, e2);
                    accuracyDoEval = e2.accuracy();

                    test.reset();
                    INDArray out = graph.outputSingle(test.next().getFeatures());
                    rows = out.rows();
                    columns = out.columns();

                    File f = File.createTempFile("graph", ".zip");
                    f.deleteOnExit();
                    graph.save(f, true);
                    ComputationGraph restored = ComputationGraph.load(f, true);
                    restoredAccuracy = restored.evaluate(test).accuracy();
                }
            }
            """;

    @Test
    public void graphEvaluateSaveLoadSummary() throws Exception {
        Dl4jProgram p = Dl4jProgram.compile(GRAPH).run();
        double acc = p.get("accuracy");
        assertTrue("accuracy above chance (0.25): " + acc, acc > 0.6);
        assertEquals(acc, (double) p.get("accuracyNamed"), 0);
        assertEquals(acc, (double) p.get("accuracyDoEval"), 0);
        assertEquals(acc, (double) p.get("restoredAccuracy"), 0);
        assertEquals("north", p.get("firstLabel"));
        assertEquals(16, (int) (Integer) p.get("rows"));
        assertEquals(4, (int) (Integer) p.get("columns"));
        assertTrue(((String) p.get("summary")).contains("DenseLayer"));
    }

    static final String LISTENERS = """
            import org.pydl4j.eval.IEvaluation;
            import org.pydl4j.nd.activations.Activation;
            import org.pydl4j.nd.dataset.DataSetIterator;
            import org.pydl4j.nd.learning.config.Adam;
            import org.pydl4j.nd.lossfunctions.LossFunctions;
            import org.pydl4j.nn.api.Model;
            import org.pydl4j.nn.conf.MultiLayerConfiguration;
            import org.pydl4j.nn.conf.NeuralNetConfiguration;
            import org.pydl4j.nn.conf.layers.DenseLayer;
            import org.pydl4j.nn.conf.layers.OutputLayer;
            import org.pydl4j.nn.listeners.Checkpoint;
            import org.pydl4j.nn.listeners.CheckpointListener;
            import org.pydl4j.nn.listeners.EvaluativeListener;
            import org.pydl4j.nn.listeners.InvocationType;
            import org.pydl4j.nn.listeners.PerformanceListener;
            import org.pydl4j.nn.listeners.ScoreIterationListener;
            import org.pydl4j.nn.listeners.TimeIterationListener;
            import org.pydl4j.nn.listeners.callbacks.EvaluationCallback;
            import org.pydl4j.nn.multilayer.MultiLayerNetwork;

            import java.io.File;
            import java.util.ArrayList;
            import java.util.List;

            public class TrainingListeners {
                public static List<Double> epochEndAccuracies = new ArrayList<>();
                public static int iterationEvaluations;
                public static List<Integer> kept = new ArrayList<>();
                public static double samplesPerSecond;
                public static long remaining;
                public static int lastCheckpointIterations;
                public static boolean lastCheckpointLoads;

                public static void main(String[] args) throws Exception {
                    File checkpointDir = new File(args[0]);
                    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                        .seed(7)
                        .updater(new Adam(0.01))
                        .list()
                        .layer(new DenseLayer.Builder().nIn(8).nOut(12).activation(Activation.RELU).build())
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(12).nOut(4).activation(Activation.SOFTMAX).build())
                        .build();
                    MultiLayerNetwork net = new MultiLayerNetwork(conf);
                    net.init();

                    DataSetIterator train = org.pydl4j.dl4jstyle.SyntheticData.vectors(10, 100, 8, 4, 1);   // 10 iterations per epoch
                    DataSetIterator test = org.pydl4j.dl4jstyle.SyntheticData.vectors(20, 40, 8, 4, 2);

                    EvaluativeListener perEpoch = new EvaluativeListener(test, 1, InvocationType.EPOCH_END);
                    perEpoch.setCallback(new EvaluationCallback() {
                        @Override
                        public void call(EvaluativeListener listener, Model model, long invocationsCount, IEvaluation[] evaluations) {
                            epochEndAccuracies.add(((org.pydl4j.eval.Evaluation) evaluations[0]).accuracy());
                        }
                    });
                    EvaluativeListener perIterations = new EvaluativeListener(test, 5);
                    perIterations.setCallback((listener, model, count, evaluations) -> iterationEvaluations++);

                    CheckpointListener checkpoints = new CheckpointListener.Builder(checkpointDir)
                        .keepLast(2)
                        .saveEveryNIterations(4)
                        .build();
                    PerformanceListener performance = new PerformanceListener(5, true);
                    TimeIterationListener time = new TimeIterationListener(30);

                    net.setListeners(new ScoreIterationListener(10), perEpoch, perIterations, checkpoints, performance, time);
                    net.fit(train, 3);

                    for (Checkpoint c : CheckpointListener.availableCheckpoints(checkpointDir)) kept.add(c.getCheckpointNum());
                    samplesPerSecond = performance.getLastSamplesPerSecond();
                    remaining = time.getRemainingMillis();
                    MultiLayerNetwork last = CheckpointListener.loadLastCheckpointMLN(checkpointDir);
                    lastCheckpointIterations = last.getIterationCount();
                    lastCheckpointLoads = last.numParams() == net.numParams();
                }
            }
            """;

    @Test
    public void listenersDuringTraining() throws Exception {
        File dir = tmp.newFolder("checkpoints");
        Dl4jProgram p = Dl4jProgram.compile(LISTENERS).run(dir.getPath());
        List<Double> acc = p.doubles("epochEndAccuracies");
        assertEquals("one evaluation per epoch", 3, acc.size());
        assertTrue("the network learns: " + acc, acc.get(2) > 0.5);
        assertEquals("30 iterations, every 5th", 6, (int) (Integer) p.get("iterationEvaluations"));
        // 30 iterations, a checkpoint after iterations 3, 7, ..., 27 (checkpoints 0..6): the last 2 are kept
        assertEquals(List.of(5, 6), p.get("kept"));
        String[] files = dir.list();
        assertEquals("two zips and the list, nothing temporary: " + String.join(",", files), 3, files.length);
        assertTrue(new File(dir, "checkpoint_6_MultiLayerNetwork.zip").isFile());
        assertFalse(new File(dir, "checkpoint_4_MultiLayerNetwork.zip").exists());
        assertEquals(27, (int) (Integer) p.get("lastCheckpointIterations"));
        assertTrue((Boolean) p.get("lastCheckpointLoads"));
        assertTrue((double) p.get("samplesPerSecond") > 0);
        assertEquals("the estimate after the last of 30 expected iterations", 0L, (long) (Long) p.get("remaining"));
    }

    @Test
    public void checkpointFolderInUseIsAnError() throws Exception {
        File dir = tmp.newFolder("used");
        assertTrue(new File(dir, "checkpoint_0_ComputationGraph.zip").createNewFile());
        try {
            new org.pydl4j.nn.listeners.CheckpointListener.Builder(dir).saveEveryNEpochs(1).build();
            org.junit.Assert.fail("existing checkpoints silently mixed in");
        } catch (IllegalStateException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("deleteExisting"));
        }
        new org.pydl4j.nn.listeners.CheckpointListener.Builder(dir).saveEveryNEpochs(1).deleteExisting(true).build();
        assertEquals(0, dir.list().length);
    }
}
