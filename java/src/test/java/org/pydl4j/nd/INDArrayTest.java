package org.pydl4j.nd;

import static org.junit.Assert.*;

import org.junit.Test;

public class INDArrayTest {
    @Test
    public void broadcastingAddAndInPlace() {
        INDArray a = Nd4j.create(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        INDArray row = Nd4j.create(new float[]{10, 20, 30}, 1, 3);
        INDArray col = Nd4j.create(new float[]{100, 200}, 2, 1);
        assertArrayEquals(new float[]{11, 22, 33, 14, 25, 36}, a.add(row).toFloatVector(), 0f);
        assertArrayEquals(new float[]{101, 102, 103, 204, 205, 206}, a.add(col).toFloatVector(), 0f);
        a.muli(2);
        assertEquals(12.0, a.getDouble(1, 2), 0);
        assertThrows(IllegalArgumentException.class, () -> a.addi(Nd4j.zeros(3, 3)));
    }

    @Test
    public void reductionsAlongDimensions() {
        INDArray a = Nd4j.create(new float[]{1, 5, 3, 4, 2, 6}, 2, 3);
        assertArrayEquals(new float[]{5, 7, 9}, a.sum(0).toFloatVector(), 0f);
        assertArrayEquals(new float[]{3, 4}, a.mean(1).toFloatVector(), 0f);
        assertArrayEquals(new float[]{1, 2}, a.argMax(1).toFloatVector(), 0f);
        assertEquals(21.0, a.sumNumber().doubleValue(), 0);
        assertEquals(6.0, a.maxNumber().doubleValue(), 0);
    }

    @Test
    public void viewsShareMemoryAndPermuteCopies() {
        INDArray a = Nd4j.create(new float[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 3, 2, 2);
        INDArray mid = a.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all());
        assertArrayEquals(new long[]{2, 2, 2}, mid.shape());
        mid.putScalar(0, 100);
        assertEquals(100.0, a.getDouble(4), 0);
        INDArray p = a.permute(2, 0, 1);
        assertArrayEquals(new long[]{2, 3, 2}, p.shape());
        assertEquals(a.getDouble(2, 1, 0), p.getDouble(0, 2, 1), 0);
        assertEquals(a.reshape(6, -1).getDouble(5, 1), 11.0, 0);
    }

    @Test
    public void seededRandomIsRepeatable() {
        assertEquals(Nd4j.randn(7L, new long[]{4, 4}), Nd4j.randn(7L, new long[]{4, 4}));
        assertNotEquals(Nd4j.rand(1L, 4, 4), Nd4j.rand(2L, 4, 4));
    }

    @Test
    public void concatAlongDimensionOne() {
        INDArray a = Nd4j.create(new float[]{1, 2, 3, 4}, 2, 2);
        INDArray b = Nd4j.create(new float[]{5, 6}, 2, 1);
        assertArrayEquals(new float[]{1, 2, 5, 3, 4, 6}, Nd4j.concat(1, a, b).toFloatVector(), 0f);
    }
}
