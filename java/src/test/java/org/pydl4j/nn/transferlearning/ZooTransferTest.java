package org.pydl4j.nn.transferlearning;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.BeforeClass;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.dataset.DataSet;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.learning.config.Nesterovs;
import org.pydl4j.nd.lossfunctions.LossFunctions;
import org.pydl4j.nn.api.Layer;
import org.pydl4j.nn.conf.layers.OutputLayer;
import org.pydl4j.nn.graph.ComputationGraph;
import org.pydl4j.nn.weights.WeightInit;
import org.pydl4j.zoo.model.EfficientNetLite;
import org.pydl4j.zoo.model.VGG16;

/**
 * The DL4J transfer-learning lesson's recipe on the zoo's VGG-16, and the same kind of transfer on EfficientNet-Lite0
 * through TransferLearningHelper, at small input sizes with random weights. Runs on the cpu backend when it loads
 * (-Dpydl4j.native.dir=... during development), else on the reference backend.
 */
public class ZooTransferTest {
    @BeforeClass
    public static void setUp() {
        try {
            Nd4j.setBackend("cpu");
        } catch (IllegalArgumentException e) {
            Nd4j.setBackend("reference");
        }
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    /** n images [n, 3, size, size] in [0, scale), labels one-hot over 5 classes; class c brightens channel c % 3. */
    private static DataSet images(int n, int size, double scale, long seed) {
        Random r = new Random(seed);
        INDArray x = Nd4j.zeros(DataType.FLOAT, n, 3, size, size);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 5);
        int plane = size * size;
        for (int i = 0; i < n; i++) {
            int c = i % 5;
            for (int ch = 0; ch < 3; ch++) {
                double base = ch == c % 3 ? 0.6 + 0.08 * c : 0.2;
                for (int k = 0; k < plane; k++) x.putLinear((i * 3 + ch) * plane + k, scale * (base + 0.2 * r.nextDouble()));
            }
            y.putScalar(i, c, 1.0);
        }
        return new DataSet(x, y);
    }

    private static float[] params(ComputationGraph g, String layer) {
        float[] out = new float[0];
        for (Map.Entry<String, INDArray> e : g.getLayer(layer).paramTable().entrySet()) {
            float[] v = e.getValue().toFloatVector();
            float[] joined = Arrays.copyOf(out, out.length + v.length);
            System.arraycopy(v, 0, joined, out.length, v.length);
            out = joined;
        }
        return out;
    }

    @Test
    public void dl4jLessonRecipeOnVgg16() { runLessonRecipe(); }

    /**
     * The recipe on the current backend (other backends' suites call this after selecting theirs): asserts that the
     * loss falls, frozen layers keep their parameters and the outputs are distributions; returns {loss before, after}.
     */
    public static double[] runLessonRecipe() {
        long t0 = System.nanoTime();
        int numClasses = 5;
        long seed = 12345;
        ComputationGraph vgg16 = VGG16.builder().inputShape(new int[]{3, 32, 32}).build().init();

        // ---- the lesson's code, verbatim except imports
        FineTuneConfiguration fineTuneConf = new FineTuneConfiguration.Builder()
                .updater(new Nesterovs(5e-5))
                .seed(seed)
                .build();
        ComputationGraph vgg16Transfer = new TransferLearning.GraphBuilder(vgg16)
                .fineTuneConfiguration(fineTuneConf)
                .setFeatureExtractor("fc2")
                .removeVertexKeepConnections("predictions")
                .addLayer("predictions",
                        new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD)
                                .nIn(4096).nOut(numClasses)
                                .weightInit(WeightInit.XAVIER)
                                .activation(Activation.SOFTMAX).build(), "fc2")
                .build();
        // ----

        for (Layer l : vgg16Transfer.getLayers()) {
            assertEquals(l.getName(), !l.getName().equals("predictions"), l.isFrozen());
        }
        assertEquals(4096L * numClasses + numClasses, vgg16Transfer.numTrainableParams());
        assertEquals(new Nesterovs(5e-5), ((org.pydl4j.nn.conf.layers.BaseLayer) vgg16Transfer.getConfiguration().getLayer("predictions")).getIUpdater());

        DataSet ds = images(5, 32, 1, 1);
        float[] predictionsBefore = params(vgg16Transfer, "predictions");
        double before = vgg16Transfer.score(ds);
        for (int i = 0; i < 3; i++) vgg16Transfer.fit(ds);
        double after = vgg16Transfer.score(ds);
        assertTrue("loss " + before + " -> " + after, after < before);

        for (Layer l : vgg16.getLayers()) {
            if (l.getName().equals("predictions")) continue;
            assertArrayEquals(l.getName() + " unchanged", params(vgg16, l.getName()), params(vgg16Transfer, l.getName()), 0f);
        }
        assertFalse("predictions trained", Arrays.equals(predictionsBefore, params(vgg16Transfer, "predictions")));
        INDArray out = vgg16Transfer.outputSingle(ds.getFeatures());
        assertArrayEquals(new long[]{5, numClasses}, out.shape());
        for (int i = 0; i < 5; i++) assertEquals(1.0, out.getRow(i).sum().getDouble(0), 1e-4);
        System.out.printf("VGG-16 32x32 recipe on %s: loss %.5f -> %.5f, %.1f s%n", Nd4j.getBackend().getClass().getSimpleName(),
                before, after, (System.nanoTime() - t0) / 1e9);
        return new double[]{before, after};
    }

    @Test
    public void efficientNetLite0ThroughTheHelper() {
        long t0 = System.nanoTime();
        ComputationGraph eff = EfficientNetLite.builder(0).resolution(64).build().init();
        TransferLearningTest.expectError(() -> new TransferLearning.GraphBuilder(eff).setFeatureExtractor("avg_pol"),
                "'avg_pol'", "similar names", "avg_pool");
        ComputationGraph transfer = new TransferLearning.GraphBuilder(eff)
                .fineTuneConfiguration(new FineTuneConfiguration.Builder().updater(new Adam(1e-4)).seed(42).build())
                .setFeatureExtractor("avg_pool")
                .removeVertexKeepConnections("fc")
                .addLayer("fc", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(1280).nOut(5)
                        .weightInit(WeightInit.XAVIER).activation(Activation.SOFTMAX).build(), "avg_pool")
                .build();
        TransferLearningHelper helper = new TransferLearningHelper(transfer);
        assertEquals(java.util.List.of("avg_pool"), helper.getBoundary());
        assertTrue(helper.isSharingParameters());

        DataSet ds = images(6, 64, 1, 2);
        DataSet featurized = helper.featurize(ds);
        assertArrayEquals(new long[]{6, 1280}, featurized.getFeatures().shape());
        // featurize runs the fused inference pass (batch norm folded into the convolutions): equal within float
        // rounding over ~50 layers, about 1e-5 relative to features of magnitude ~5
        assertArrayEquals(transfer.feedForward(ds.getFeatures(), false).get("avg_pool").toFloatVector(),
                featurized.getFeatures().toFloatVector(), 5e-5f);

        float[] fcBefore = params(transfer, "fc");
        double before = helper.unfrozenGraph().score(featurized);
        for (int i = 0; i < 10; i++) helper.fitFeaturized(featurized);
        double after = helper.unfrozenGraph().score(featurized);
        assertTrue("loss " + before + " -> " + after, after < before);

        for (Layer l : eff.getLayers()) {
            if (l.getName().equals("fc")) continue;
            assertArrayEquals(l.getName() + " unchanged", params(eff, l.getName()), params(transfer, l.getName()), 0f);
        }
        assertFalse("fc trained", Arrays.equals(fcBefore, params(transfer, "fc")));
        INDArray viaHelper = helper.outputFromFeaturized(featurized.getFeatures());
        INDArray full = transfer.outputSingle(ds.getFeatures());
        assertArrayEquals(new long[]{6, 5}, full.shape());
        assertArrayEquals(full.toFloatVector(), viaHelper.toFloatVector(), 1e-5f);
        System.out.printf("EfficientNet-Lite0 64x64 via helper on %s: loss %.5f -> %.5f, %.1f s%n",
                Nd4j.getBackend().getClass().getSimpleName(), before, after, (System.nanoTime() - t0) / 1e9);
    }
}
