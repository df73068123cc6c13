package org.pydl4j.nd.backend;

import static org.junit.Assert.*;

import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;
import org.pydl4j.nd.activations.Activation;
import org.pydl4j.nd.backend.reference.ReferenceBackend;

/** The oracle checked against hand-computed values and adjoint identities (backward ops are transposes of forward). */
public class ReferenceBackendTest {
    private final Backend ref = new ReferenceBackend();

    private static double dot(INDArray a, INDArray b) {
        double s = 0;
        for (int i = 0; i < a.length(); i++) s += a.getDoubleLinear(i) * b.getDoubleLinear(i);
        return s;
    }

    private static INDArray randn(long seed, long... shape) { return Nd4j.randn(seed, shape).castTo(DataType.DOUBLE); }

    @Test
    public void convolutionByHand() {
        INDArray x = Nd4j.create(new float[]{1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        INDArray w = Nd4j.create(new float[]{1, 0, 0, -1}, 1, 1, 2, 2);
        INDArray y = ref.conv2d(x, w, Nd4j.create(new float[]{10}, 1), ConvParams.of(2, 2, 1, 1, 0, 0));
        assertArrayEquals(new float[]{6, 6, 6, 6}, y.toFloatVector(), 0f);
        INDArray same = ref.conv2d(x, w, null, new ConvParams(2, 2, 2, 2, 0, 0, 1, 1, 1, 1, 1));
        assertArrayEquals(new long[]{1, 1, 2, 2}, same.shape());
        assertArrayEquals(new float[]{-4, 3, 7, 9}, same.toFloatVector(), 0f);
    }

    @Test
    public void convolutionBackwardIsTheAdjoint() {
        for (ConvParams p : new ConvParams[]{ConvParams.of(3, 3, 1, 1, 1, 1), new ConvParams(3, 3, 2, 2, 0, 0, 1, 1, 1, 1, 1),
                new ConvParams(3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 4)}) {
            long[] xs = {2, 4, 7, 6}, ws = {8, 4 / p.groups, 3, 3};
            INDArray x = randn(1, xs), w = randn(2, ws);
            INDArray y = ref.conv2d(x, w, null, p);
            INDArray g = randn(3, y.shape());
            assertEquals(dot(y, g), dot(x, ref.conv2dBackwardData(g, w, xs, p)), 1e-9);
            INDArray[] gw = ref.conv2dBackwardWeights(x, g, ws, true, p);
            assertEquals(dot(y, g), dot(w, gw[0]), 1e-9);
            assertEquals(g.sumNumber().doubleValue(), gw[1].sumNumber().doubleValue(), 1e-9);
        }
    }

    @Test
    public void poolingByHandAndAdjoint() {
        INDArray x = Nd4j.create(new float[]{1, 5, 2, 0, 3, 4, 7, 1, 6, 2, 0, 8, 1, 1, 9, 3}, 1, 1, 4, 4);
        ConvParams p = ConvParams.of(2, 2, 2, 2, 0, 0);
        assertArrayEquals(new float[]{5, 7, 6, 9}, ref.pool2d(x, PoolingType.MAX, p).toFloatVector(), 0f);
        assertArrayEquals(new float[]{3.25f, 2.5f, 2.5f, 5f}, ref.pool2d(x, PoolingType.AVG, p).toFloatVector(), 0f);
        // AVG excludes padding: a 3x3 window at the corner of a padded input averages 4 values
        ConvParams padded = ConvParams.of(3, 3, 1, 1, 1, 1);
        assertEquals((1 + 5 + 3 + 4) / 4.0, ref.pool2d(x, PoolingType.AVG, padded).getDouble(0), 1e-6);
        INDArray xd = randn(4, 2, 3, 5, 5);
        INDArray y = ref.pool2d(xd, PoolingType.AVG, padded);
        INDArray g = randn(5, y.shape());
        assertEquals(dot(y, g), dot(xd, ref.pool2dBackward(xd, g, PoolingType.AVG, padded)), 1e-9);
    }

    @Test
    public void batchNormNormalizesAndInferenceMatchesTraining() {
        INDArray x = randn(6, 4, 3, 5, 5);
        INDArray gamma = Nd4j.create(new double[]{1, 2, 0.5}, new long[]{3}, DataType.DOUBLE);
        INDArray beta = Nd4j.create(new double[]{0, 1, -1}, new long[]{3}, DataType.DOUBLE);
        INDArray[] out = ref.batchNormTraining(x, gamma, beta, 1e-5);
        INDArray perChannelMean = out[0].mean(0, 2, 3);
        assertArrayEquals(new double[]{0, 1, -1}, perChannelMean.toDoubleVector(), 1e-9);
        INDArray inf = ref.batchNormInference(x, gamma, beta, out[1], out[2], 1e-5);
        assertTrue(inf.equalsWithEps(out[0], 1e-12));
    }

    @Test
    public void activationsAndSoftmax() {
        INDArray x = Nd4j.create(new float[]{-2, 0.5f, 7}, 1, 3);
        assertArrayEquals(new float[]{0, 0.5f, 7}, ref.activate(Activation.RELU, x).toFloatVector(), 0f);
        assertArrayEquals(new float[]{0, 0.5f, 6}, ref.activate(Activation.RELU6, x).toFloatVector(), 0f);
        INDArray s = ref.activate(Activation.SOFTMAX, x);
        assertEquals(1.0, s.sumNumber().doubleValue(), 1e-6);
        assertEquals(2, s.argMax(1).getInt(0));
        assertThrows(IllegalArgumentException.class, () -> ref.activate(Activation.SOFTMAX, Nd4j.zeros(2, 2, 2)));
    }

    @Test
    public void gemmWithTransposes() {
        INDArray a = Nd4j.create(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        INDArray b = Nd4j.create(new float[]{1, 0, 0, 1, 1, 1}, 3, 2);
        INDArray c = Nd4j.ones(2, 2);
        ref.gemm(a, false, b, false, c, 1, 1);
        assertArrayEquals(new float[]{5, 6, 11, 12}, c.toFloatVector(), 0f);
        INDArray ct = Nd4j.zeros(3, 3);
        ref.gemm(a, true, a, false, ct, 2, 0);
        assertEquals(2 * (1 * 1 + 4 * 4), ct.getDouble(0, 0), 0);
        assertThrows(IllegalArgumentException.class, () -> ref.gemm(a, false, a, false, Nd4j.zeros(2, 3), 1, 0));
    }

    @Test
    public void badGeometryIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ref.conv2d(Nd4j.zeros(1, 3, 8, 8), Nd4j.zeros(4, 2, 3, 3), null, ConvParams.of(3, 3, 1, 1, 1, 1)));
        assertTrue(e.getMessage(), e.getMessage().contains("3 channels"));
    }
}
