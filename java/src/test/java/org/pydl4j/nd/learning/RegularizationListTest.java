package org.pydl4j.nd.learning;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.BeforeClass;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.learning.config.Sgd;
import org.pydl4j.nd.learning.regularization.L1Regularization;
import org.pydl4j.nd.learning.regularization.L2Regularization;
import org.pydl4j.nd.learning.regularization.Regularization;
import org.pydl4j.nd.learning.regularization.WeightDecay;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.layers.BaseLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.transferlearning.FineTuneConfiguration;
import org.pydl4j.nn.transferlearning.TransferLearning;
import org.pydl4j.nn.weights.WeightInit;

/** DL4J's regularization(List) / Regularization objects: the same training as the coefficient setters they stand for. */
public class RegularizationListTest {
    @BeforeClass
    public static void setUp() { Nd4j.setBackend("reference"); }

    private static INDArray vec(double... v) { return Nd4j.create(v, new long[]{1, v.length}, DataType.DOUBLE); }

    /** out = W x + b with W = 1, b = 0, MSE against 1 at x = 2: dW = 4, db = 2. */
    private static double[] stepOnOneWeight(NeuralNetConfiguration.Builder defaults) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            ComputationGraphConfiguration conf = defaults.seed(1).updater(new Sgd(0.1)).weightInit(WeightInit.ONES).graphBuilder()
                    .addInputs("in")
                    .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(1).nOut(1)
                            .activation(Activation.IDENTITY).biasInit(1.0).build(), "in")
                    .setOutputs("out").build();
            ComputationGraph net = new ComputationGraph(conf);
            net.init();
            net.fit(new DataSet(vec(2), vec(1)));
            return new double[]{net.getLayer("out").getParam("W").getDouble(0), net.getLayer("out").getParam("b").getDouble(0)};
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
    }

    @Test
    public void listsTrainAsTheCoefficientSettersTheyStandFor() {
        // W = 1, b = 1 before the step, so each term adds its coefficient times lr (or lr * sign) to the update
        double[] viaList = stepOnOneWeight(new NeuralNetConfiguration.Builder()
                .regularization(Arrays.asList(new L2Regularization(0.5), new WeightDecay(0.2, true)))
                .regularizationBias(List.of(new L1Regularization(0.3))));
        double[] viaSetters = stepOnOneWeight(new NeuralNetConfiguration.Builder().l2(0.5).weightDecay(0.2).l1Bias(0.3));
        double[] none = stepOnOneWeight(new NeuralNetConfiguration.Builder());
        assertEquals(viaSetters[0], viaList[0], 0);
        assertEquals(viaSetters[1], viaList[1], 0);
        // the terms act: W += -0.1 * 0.5 * 1 (l2 before the updater) - 0.2 * 0.1 * 1 (decay after), b -= 0.1 * 0.3
        assertEquals(none[0] - 0.05 - 0.02, viaList[0], 1e-12);
        assertEquals(none[1] - 0.03, viaList[1], 1e-12);
    }

    @Test
    public void aListReplacesTheWholeSettingAndLayersReportIt() {
        DenseLayer layer = new DenseLayer.Builder().nIn(2).nOut(2).l1(0.1).l2(0.2).weightDecay(0.3)
                .regularization(Collections.singletonList(new WeightDecay(1e-4))).build();
        assertEquals(0.0, layer.getL1ByParam("W"), 0);
        assertEquals(0.0, layer.getL2ByParam("W"), 0);
        assertEquals(1e-4, layer.getWeightDecayByParam("W"), 0);
        assertEquals(List.of(new WeightDecay(1e-4, true)), layer.getRegularization());
        assertEquals(List.of(), layer.getRegularizationBias());
        DenseLayer both = new DenseLayer.Builder().nIn(2).nOut(2).regularization(List.of(new L1Regularization(0.1), new L2Regularization(0.2)))
                .build();
        assertEquals(List.of(new L1Regularization(0.1), new L2Regularization(0.2)), both.getRegularization());
        assertEquals(Regularization.ApplyStep.BEFORE_UPDATER, both.getRegularization().get(0).applyStep());
        assertEquals(Regularization.ApplyStep.POST_UPDATER, new WeightDecay(1e-4).applyStep());
    }

    @Test
    public void fineTuneListsReachTheUnfrozenLayersOnly() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(5).l2(0.5).graphBuilder()
                .addInputs("x").addLayer("d1", new DenseLayer.Builder().nIn(2).nOut(3).build(), "x")
                .addLayer("d2", new DenseLayer.Builder().nIn(3).nOut(3).build(), "d1")
                .addLayer("out", new OutputLayer.Builder().nIn(3).nOut(2).build(), "d2").setOutputs("out").build());
        g.init();
        FineTuneConfiguration ft = new FineTuneConfiguration.Builder().updater(new Sgd(0.01))
                .regularization(List.of(new L1Regularization(1e-3), new WeightDecay(1e-2, true)))
                .regularizationBias(List.of(new L2Regularization(1e-5))).build();
        ComputationGraph t = new TransferLearning.GraphBuilder(g).fineTuneConfiguration(ft).setFeatureExtractor("d1").build();
        assertEquals(0.0, t.getLayer("d1").layerConf().getL1ByParam("W"), 0);   // frozen: untouched, no l1 added
        for (String name : new String[]{"d2", "out"}) {
            BaseLayer l = (BaseLayer) t.getLayer(name).layerConf();
            assertEquals(name, List.of(new L1Regularization(1e-3), new WeightDecay(1e-2)), l.getRegularization());
            assertEquals(name, List.of(new L2Regularization(1e-5)), l.getRegularizationBias());
        }
        // and they survive the configuration's JSON (clone, saved models)
        assertEquals(1e-3, ((BaseLayer) t.getConfiguration().clone().getLayer("d2")).getL1(), 0);
    }

    @Test
    public void badListsAndValuesAreRefusedNamingTheSetting() {
        expectIllegal("regularization", () -> new DenseLayer.Builder().regularization(null));
        expectIllegal("regularization", () -> new DenseLayer.Builder().regularization(Arrays.asList(new L2Regularization(1e-4), null)));
        expectIllegal("appears twice", () -> new NeuralNetConfiguration.Builder()
                .regularization(List.of(new L2Regularization(1e-4), new L2Regularization(1e-3))));
        expectIllegal("L2Regularization", () -> new L2Regularization(Double.NaN));
        expectIllegal("L1Regularization", () -> new L1Regularization(-1));
        expectIllegal("weightDecay", () -> new WeightDecay(Double.POSITIVE_INFINITY));
        expectIllegal("l2", () -> new NeuralNetConfiguration.Builder().l2(Double.NaN));
        expectIllegal("l2Bias", () -> new DenseLayer.Builder().l2Bias(-0.5));
        expectIllegal("l1", () -> new FineTuneConfiguration.Builder().l1(Double.NaN));
        try {
            new NeuralNetConfiguration.Builder().weightDecay(1e-4, false);
            fail("applyLR=false accepted");
        } catch (UnsupportedOperationException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains("applyLR"));
        }
    }

    private static void expectIllegal(String named, Runnable r) {
        try {
            r.run();
            fail("accepted; expected an error naming " + named);
        } catch (IllegalArgumentException expected) {
            assertTrue(expected.getMessage(), expected.getMessage().contains(named));
        }
    }
}
