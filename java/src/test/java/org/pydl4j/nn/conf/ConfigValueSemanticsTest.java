package org.pydl4j.nn.conf;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;

import org.junit.Test;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nd.schedule.MapSchedule;
import org.pydl4j.nd.schedule.ScheduleType;
import org.pydl4j.nn.conf.distribution.NormalDistribution;
import org.pydl4j.nn.conf.graph.LayerVertex;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.ConvolutionLayer;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.OutputLayer;

/**
 * Configurations are values (DL4J's Lombok {@code @Data} semantics): equals and hashCode over the declared fields,
 * clone a deep copy that a caller may change through the public setters without touching the original.
 */
public class ConfigValueSemanticsTest {
    private static ComputationGraphConfiguration conf() {
        return new NeuralNetConfiguration.Builder().seed(7).updater(new Adam(new MapSchedule.Builder(ScheduleType.EPOCH).add(0, 0.01).add(2, 0.001).build()))
                .weightInit(new NormalDistribution(0, 0.1))
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(6, 6, 2))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(3).stride(1, 1).build(), "in")
                .addLayer("dense", new DenseLayer.Builder().nOut(4).activation(Activation.RELU).build(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX).build(), "dense")
                .setOutputs("out").build();
    }

    @Test
    public void equalsAndHashCodeFollowTheContract() {
        ComputationGraphConfiguration a = conf(), b = conf(), c = conf();
        assertTrue(a.equals(a));
        assertTrue(a.equals(b) && b.equals(a));
        assertTrue(b.equals(c) && a.equals(c));
        assertEquals(a.hashCode(), b.hashCode());
        assertFalse(a.equals(null));
        assertFalse(a.equals(a.toJson()));
        ((ConvolutionLayer) a.getLayer("conv")).setNOut(5);
        assertNotEquals(a, b);
        assertNotEquals(a.getLayer("conv"), b.getLayer("conv"));
        assertEquals(b.getLayer("dense"), a.getLayer("dense"));
        assertEquals(b.getLayer("dense").hashCode(), a.getLayer("dense").hashCode());
        assertNotEquals(a.getLayer("dense"), a.getLayer("out"));   // another class with the same dense fields
    }

    @Test
    public void cloneIsADeepCopyChangedThroughTheSettersAlone() {
        ComputationGraphConfiguration original = conf(), copy = original.clone();
        String before = original.toJson();
        assertEquals(original, copy);
        assertNotSame(original.getVertices(), copy.getVertices());
        ConvolutionLayer conv = (ConvolutionLayer) copy.getLayer("conv");
        assertNotSame(original.getLayer("conv"), conv);
        conv.setNOut(9);
        conv.setDist(new NormalDistribution(1, 2));
        ((Adam) ((DenseLayer) copy.getLayer("dense")).getIUpdater()).setLearningRate(0.5);
        ((Adam) copy.getDefaultConfiguration().getUpdater()).setBeta1(0.5);
        copy.getNetworkInputs().add("extra");
        ((LayerVertex) copy.getVertices().get("out")).getLayerConf().setLayerName("renamed");
        assertEquals("the original is untouched", before, original.toJson());
        assertNotEquals(original, copy);

        DenseLayer dense = (DenseLayer) original.getLayer("dense"), denseCopy = (DenseLayer) dense.clone();
        assertEquals(dense, denseCopy);
        Double l2 = dense.getL2();
        denseCopy.setL2(0.5);
        assertEquals(l2, dense.getL2());
        assertNotEquals(dense, denseCopy);
        NeuralNetConfiguration defaults = original.getDefaultConfiguration(), defaultsCopy = defaults.clone();
        assertEquals(defaults, defaultsCopy);
        assertEquals(defaults.hashCode(), defaultsCopy.hashCode());
        defaultsCopy.setSeed(99);
        assertNotEquals(defaults, defaultsCopy);
    }
}
