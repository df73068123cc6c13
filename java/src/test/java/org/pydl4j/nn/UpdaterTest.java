package org.pydl4j.nn;

import static org.junit.Assert.assertEquals;

import org.junit.BeforeClass;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.learning.GradientUpdater;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.learning.config.Nesterovs;
import org.pydl4j.nd.learning.config.Sgd;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.weights.WeightInit;

/** Updater rules against values computed by hand from ND4J's documented formulas. */
public class UpdaterTest {
    @BeforeClass
    public static void setUp() { Nd4j.setBackend("reference"); }

    private static INDArray vec(double... v) { return Nd4j.create(v, new long[]{v.length}, DataType.DOUBLE); }

    @Test
    public void sgd() {
        Sgd sgd = new Sgd(0.1);
        assertEquals(0, sgd.stateSize(5));
        INDArray g = vec(1, -2);
        sgd.instantiate(null, true).applyUpdater(g, 0, 0);
        assertEquals(0.1, g.getDouble(0), 1e-15);
        assertEquals(-0.2, g.getDouble(1), 1e-15);
        assertEquals(1e-3, new Sgd().getLearningRate(), 0);
    }

    @Test
    public void nesterovs() {
        Nesterovs n = new Nesterovs(0.1, 0.9);
        assertEquals(0.9, new Nesterovs(0.5).getMomentum(), 0);
        INDArray state = vec(0);
        GradientUpdater u = n.instantiate(state, true);
        INDArray g = vec(1);
        u.applyUpdater(g, 0, 0);
        // v1 = 0.9*0 - 0.1*1 = -0.1; update = 0.9*0 - 1.9*(-0.1) = 0.19
        assertEquals(0.19, g.getDouble(0), 1e-12);
        assertEquals(-0.1, state.getDouble(0), 1e-12);
        g = vec(1);
        u.applyUpdater(g, 1, 0);
        // v2 = 0.9*(-0.1) - 0.1 = -0.19; update = 0.9*(-0.1) - 1.9*(-0.19) = 0.271
        assertEquals(0.271, g.getDouble(0), 1e-12);
    }

    @Test
    public void adam() {
        Adam a = new Adam(0.01);
        assertEquals(0.9, a.getBeta1(), 0);
        assertEquals(0.999, a.getBeta2(), 0);
        assertEquals(1e-8, a.getEpsilon(), 0);
        assertEquals(2, a.stateSize(1));
        INDArray state = vec(0, 0);
        GradientUpdater u = a.instantiate(state, true);
        INDArray g = vec(2);
        u.applyUpdater(g, 0, 0);
        // m = 0.2, v = 0.004, alpha = 0.01*sqrt(1-0.999)/(1-0.9); update = alpha*m/(sqrt(v)+1e-8)
        assertEquals(0.00999999841886142, g.getDouble(0), 1e-14);
        assertEquals(0.2, state.getDouble(0), 1e-15);
        assertEquals(0.004, state.getDouble(1), 1e-15);
        g = vec(-1);
        u.applyUpdater(g, 1, 0);
        assertEquals(0.002663370019795853, g.getDouble(0), 1e-14);
    }

    @Test
    public void networkStepWithL2MatchesHandComputation() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Sgd(0.1)).l2(0.1)
                    .weightInit(WeightInit.ONES).graphBuilder().addInputs("in")
                    .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(1).nOut(1).activation(Activation.IDENTITY).build(), "in")
                    .setOutputs("out").build();
            ComputationGraph net = new ComputationGraph(conf);
            net.init();
            assertEquals(1.0, net.getLayer("out").getParam("W").getDouble(0), 0);
            assertEquals(0.0, net.getLayer("out").getParam("b").getDouble(0), 0);
            DataSet ds = new DataSet(vec(2).reshape(1, 1), vec(1).reshape(1, 1));
            // out = 2, loss = (2-1)^2 = 1, score = 1 + 0.5*0.1*1^2 = 1.05 ; dW = 2*(2-1)*2 + 0.1*1 = 4.1 ; db = 2
            assertEquals(1.05, net.score(ds), 1e-12);
            net.fit(ds);
            assertEquals(1.05, net.score(), 1e-12);
            assertEquals(1 - 0.41, net.getLayer("out").getParam("W").getDouble(0), 1e-12);
            assertEquals(-0.2, net.getLayer("out").getParam("b").getDouble(0), 1e-12);
            assertEquals(1, net.getIterationCount());
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
    }
}
