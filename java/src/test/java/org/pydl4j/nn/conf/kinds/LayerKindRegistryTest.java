package org.pydl4j.nn.conf.kinds;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipFile;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.learning.config.Sgd;
import org.pydl4j.nd.lossfunctions.LossFunctions.LossFunction;
import org.pydl4j.nn.conf.ComputationGraphConfiguration;
import org.pydl4j.nn.conf.NeuralNetConfiguration;
import org.pydl4j.nn.conf.layers.DenseLayer;
import org.pydl4j.nn.conf.layers.LayerKinds;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.util.ModelSerializer;
import org.pydl4j.util.serde.Dl4jFormat;
import org.pydl4j.util.serde.Dl4jZipExporter;

/**
 * A layer kind that exists only in the tests ({@link ScaleLayer} + {@link ScaleLayerRuntime}, two files) becomes a
 * full citizen with one registration line per format: it trains, saves and loads in this project's model zip, and
 * exports to and imports from the DL4J format, with identical outputs.
 */
public class LayerKindRegistryTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @BeforeClass
    public static void register() {
        LayerKinds.register(ScaleLayer.KIND);               // the layer kind registry
        Dl4jFormat.register(ScaleLayer.KIND, ScaleLayer.DL4J); // the DL4J format's registry
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    private static ComputationGraph graph() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(3).updater(new Sgd(0.5))
                .graphBuilder()
                .addInputs("in")
                .addLayer("dense", new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.TANH).build(), "in")
                .addLayer("scale", new ScaleLayer(6, 0.5), "dense")
                .addLayer("out", new OutputLayer.Builder(LossFunction.MCXENT).nIn(6).nOut(3).activation(Activation.SOFTMAX).build(), "scale")
                .setOutputs("out")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    @Test
    public void theKindIsFoundByClassAndName() {
        assertSame(ScaleLayer.KIND, LayerKinds.of(new ScaleLayer(2, 1)));
        assertSame(ScaleLayer.KIND, LayerKinds.named("test.Scale"));
        assertSame(LayerKinds.DEPTHWISE_CONVOLUTION, LayerKinds.find(org.pydl4j.nn.conf.layers.DepthwiseConvolution2D.class));
    }

    @Test
    public void testOnlyLayerTrainsSavesLoadsAndRoundTripsThroughDl4j() throws Exception {
        ComputationGraph g = graph();
        INDArray x = Nd4j.rand(1L, 5L, 4L);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 5, 3);
        for (int i = 0; i < 5; i++) y.putScalar(i, i % 3, 1.0);
        float[] before = g.getLayer("scale").getParam("s").toFloatVector();
        for (int i = 0; i < 3; i++) g.fit(new DataSet(x, y));
        assertFalse("the test layer's parameter trained", java.util.Arrays.equals(before, g.getLayer("scale").getParam("s").toFloatVector()));
        float[] expected = g.outputSingle(x).toFloatVector();

        File ours = tmp.newFile("scale.zip");
        ModelSerializer.writeModel(g, ours, true);
        //STABLE-NAMES
        ComputationGraph back = ModelSerializer.restoreComputationGraph(ours, true);
        assertEquals(g.getConfiguration(), back.getConfiguration());
        assertArrayEquals(expected, back.outputSingle(x).toFloatVector(), 0f);

        File dl4j = tmp.newFile("scale-dl4j.zip");
        Dl4jZipExporter.write(g, dl4j.toPath(), false);
        ComputationGraph imported = ModelSerializer.restoreComputationGraph(dl4j, false);
        assertTrue(imported.getLayer("scale").layerConf() instanceof ScaleLayer);
        assertEquals(6, ((ScaleLayer) imported.getLayer("scale").layerConf()).getN());
        assertArrayEquals(g.getLayer("scale").getParam("s").toFloatVector(), imported.getLayer("scale").getParam("s").toFloatVector(), 0f);
        assertArrayEquals(expected, imported.outputSingle(x).toFloatVector(), 0f);
    }
}
