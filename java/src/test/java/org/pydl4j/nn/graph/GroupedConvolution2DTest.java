package org.pydl4j.nn.graph;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import org.junit.Test;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.GroupedConvolution2D;
import org.pydl4j.nn.conf.layers.LayerKinds;

/** A grouped convolution against naive loops where each output group sees only its input group; bad groups fail. */
public class GroupedConvolution2DTest {
    @Test
    public void matchesNaiveGroupedConvolution() {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(3).activation(Activation.IDENTITY).graphBuilder()
                .addInputs("in").addLayer("conv", new GroupedConvolution2D.Builder(3, 3).groups(2).nOut(4).padding(1, 1).build(), "in")
                .setOutputs("conv").setInputTypes(InputType.convolutional(5, 5, 4)).build());
        net.init();
        assertEquals(LayerKinds.GROUPED_CONVOLUTION, LayerKinds.of(net.getLayer("conv").layerConf()));
        INDArray w = net.getLayer("conv").getParam("W"), b = net.getLayer("conv").getParam("b");
        assertArrayEquals(new long[]{4, 2, 3, 3}, w.shape());
        INDArray x = Nd4j.rand(2, 4, 5, 5);
        INDArray y = net.outputSingle(x);
        for (int n = 0; n < 2; n++) for (int o = 0; o < 4; o++) for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) {
            double acc = b.getDouble(0, o);
            int g = o / 2;
            for (int c = 0; c < 2; c++) for (int ki = 0; ki < 3; ki++) for (int kj = 0; kj < 3; kj++) {
                int ii = i + ki - 1, jj = j + kj - 1;
                if (ii >= 0 && ii < 5 && jj >= 0 && jj < 5) acc += w.getDouble(o, c, ki, kj) * x.getDouble(n, g * 2 + c, ii, jj);
            }
            assertEquals("y[" + n + "," + o + "," + i + "," + j + "]", acc, y.getDouble(n, o, i, j), 1e-4);
        }
    }

    @Test(expected = IllegalArgumentException.class)
    public void groupsMustDivideChannels() {
        new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                .addLayer("conv", new GroupedConvolution2D.Builder(1, 1).groups(3).nOut(4).build(), "in")
                .setOutputs("conv").setInputTypes(InputType.convolutional(5, 5, 4)).build()).init();
    }
}
