package org.pydl4j.util.serde;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.Test;
import org.pydl4j.nd.DataType;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;

/** ND4J binary arrays from hand-made byte streams: old (INT shape, int lengths) and new (LONG shape) variants. */
public class Nd4jBinaryTest {

    /** Writes one buffer header the way ND4J's BaseDataBuffer does. */
    private static void header(DataOutputStream out, String mode, long length, String type) throws IOException {
        out.writeUTF(mode);
        if (mode.equals("DIRECT") || mode.equals("HEAP") || mode.equals("JAVACPP")) out.writeInt((int) length);
        else out.writeLong(length);
        out.writeUTF(type);
    }

    private static INDArray read(byte[] b) throws IOException {
        return Nd4jBinary.read(new ByteArrayInputStream(b), "test.bin");
    }

    @Test
    public void oldVariantIntShapeFloatDataCOrder() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        // shape info of a 2x3 'c' array: rank, shape, stride, offset, ews, order
        int[] info = {2, 2, 3, 3, 1, 0, 1, 'c'};
        header(out, "HEAP", info.length, "INT");
        for (int v : info) out.writeInt(v);
        header(out, "HEAP", 6, "FLOAT");
        for (int i = 0; i < 6; i++) out.writeFloat(i + 0.5f);
        INDArray a = read(bos.toByteArray());
        assertArrayEquals(new long[]{2, 3}, a.shape());
        assertEquals(DataType.FLOAT, a.dataType());
        assertArrayEquals(new float[]{0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f}, a.toFloatVector(), 0f);
    }

    @Test
    public void oldVariantFOrderIsTransposedIntoCOrder() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        // 2x3 'f' order: strides [1, 2]; buffer holds column-major values
        int[] info = {2, 2, 3, 1, 2, 0, 1, 'f'};
        header(out, "JAVACPP", info.length, "INT");
        for (int v : info) out.writeInt(v);
        header(out, "JAVACPP", 6, "DOUBLE");
        double[] colMajor = {1, 4, 2, 5, 3, 6};   // matrix [[1,2,3],[4,5,6]]
        for (double v : colMajor) out.writeDouble(v);
        INDArray a = read(bos.toByteArray());
        assertEquals(DataType.DOUBLE, a.dataType());
        assertArrayEquals(new double[]{1, 2, 3, 4, 5, 6}, a.toDoubleVector(), 0);
    }

    @Test
    public void newVariantLongShapeAndLongLengths() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        long[] info = {2, 1, 4, 4, 1, 8192, 1, 'c'};   // extras = FLOAT flag, not an offset
        header(out, "MIXED_DATA_TYPES", info.length, "LONG");
        for (long v : info) out.writeLong(v);
        header(out, "MIXED_DATA_TYPES", 4, "FLOAT");
        float[] vals = {-1f, Float.MIN_VALUE, 3.25f, Float.MAX_VALUE};
        for (float v : vals) out.writeFloat(v);
        INDArray a = read(bos.toByteArray());
        assertArrayEquals(new long[]{1, 4}, a.shape());
        assertArrayEquals(vals, a.toFloatVector(), 0f);
    }

    @Test
    public void longShapeModeAndHalfData() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        long[] info = {1, 3, 1, 4096, 1, 'c'};
        header(out, "LONG_SHAPE", info.length, "LONG");
        for (long v : info) out.writeLong(v);
        header(out, "LONG_SHAPE", 3, "HALF");
        out.writeShort(0x3C00);   // 1.0
        out.writeShort(0xC000);   // -2.0
        out.writeShort(0x3555);   // 0.333251953125
        INDArray a = read(bos.toByteArray());
        assertEquals(DataType.FLOAT, a.dataType());
        assertArrayEquals(new float[]{1f, -2f, 0.333251953125f}, a.toFloatVector(), 0f);
    }

    @Test
    public void newVariantFOrderRank3() throws IOException {
        long[] shape = {2, 3, 4};
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        long[] info = {3, 2, 3, 4, 1, 2, 6, 16384, 1, 'f'};
        header(out, "MIXED_DATA_TYPES", info.length, "LONG");
        for (long v : info) out.writeLong(v);
        header(out, "MIXED_DATA_TYPES", 24, "DOUBLE");
        // f order: index i + 2j + 6k holds value 100i + 10j + k
        double[] buf = new double[24];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 4; k++) buf[i + 2 * j + 6 * k] = 100 * i + 10 * j + k;
        for (double v : buf) out.writeDouble(v);
        INDArray a = read(bos.toByteArray());
        assertArrayEquals(shape, a.shape());
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 4; k++) {
            assertEquals(100 * i + 10 * j + k, a.getDouble(i, j, k), 0);
        }
    }

    @Test
    public void writeReadRoundTripIsBitExact() throws IOException {
        INDArray f = Nd4j.rand(7L, new long[]{3, 5, 2});
        f.putLinear(0, Float.intBitsToFloat(0x7fc00001));   // a NaN payload survives
        f.putLinear(1, -0.0);
        INDArray d = Nd4j.create(new double[]{Math.PI, -1e-300, Double.MAX_VALUE}, new long[]{3}, DataType.DOUBLE);
        for (INDArray a : new INDArray[]{f, d}) {
            for (boolean legacy : new boolean[]{false, true}) {
                ByteArrayOutputStream bos = new ByteArrayOutputStream();
                DataOutputStream out = new DataOutputStream(bos);
                if (legacy) Nd4jBinary.writeLegacy(a, out, "HEAP"); else Nd4jBinary.write(a, out);
                out.flush();
                INDArray b = read(bos.toByteArray());
                assertArrayEquals(a.shape(), b.shape());
                assertEquals(a.dataType(), b.dataType());
                for (int i = 0; i < a.length(); i++) {
                    if (a.dataType() == DataType.FLOAT) {
                        assertEquals(Float.floatToRawIntBits((float) a.getDoubleLinear(i)), Float.floatToRawIntBits((float) b.getDoubleLinear(i)));
                    } else {
                        assertEquals(Double.doubleToRawLongBits(a.getDoubleLinear(i)), Double.doubleToRawLongBits(b.getDoubleLinear(i)));
                    }
                }
            }
        }
    }

    @Test
    public void writtenNewVariantHasNd4jLayout() throws IOException {
        INDArray a = Nd4j.create(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        Nd4jBinary.write(a, out);
        java.io.DataInputStream in = new java.io.DataInputStream(new ByteArrayInputStream(bos.toByteArray()));
        assertEquals("MIXED_DATA_TYPES", in.readUTF());
        assertEquals(8, in.readLong());
        assertEquals("LONG", in.readUTF());
        long[] info = new long[8];
        for (int i = 0; i < 8; i++) info[i] = in.readLong();
        assertArrayEquals(new long[]{2, 2, 3, 3, 1, 8192, 1, 99}, info);
        assertEquals("MIXED_DATA_TYPES", in.readUTF());
        assertEquals(6, in.readLong());
        assertEquals("FLOAT", in.readUTF());
        for (int i = 0; i < 6; i++) assertEquals(i + 1, in.readFloat(), 0f);
        assertEquals(-1, in.read());
    }

    private static void expectFailure(byte[] b, long expected, long max, String... fragments) {
        try {
            Nd4jBinary.read(new ByteArrayInputStream(b), "model.zip:coefficients.bin", expected, max);
            fail("expected an IOException");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("model.zip:coefficients.bin"));
            for (String f : fragments) assertTrue(e.getMessage() + " should mention " + f, e.getMessage().contains(f));
        }
    }

    private static byte[] validArray() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        Nd4jBinary.write(Nd4j.create(new float[]{1, 2, 3, 4}, 1, 4), new DataOutputStream(bos));
        return bos.toByteArray();
    }

    @Test
    public void truncatedStreamIsAClearError() throws IOException {
        byte[] ok = validArray();
        for (int cut : new int[]{1, 10, ok.length - 3}) {
            expectFailure(Arrays.copyOf(ok, cut), -1, 100, "truncated");
        }
    }

    @Test
    public void bogusLengthIsRejectedBeforeAllocating() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        long[] info = {2, 1, 1L << 40, 1L << 40, 1, 8192, 1, 'c'};
        header(out, "MIXED_DATA_TYPES", info.length, "LONG");
        for (long v : info) out.writeLong(v);
        header(out, "MIXED_DATA_TYPES", 1L << 40, "FLOAT");
        expectFailure(bos.toByteArray(), -1, Integer.MAX_VALUE, "exceeds the limit");

        // shape fine, data buffer claims more values than the shape needs
        bos = new ByteArrayOutputStream();
        out = new DataOutputStream(bos);
        long[] info2 = {1, 4, 1, 8192, 1, 'c'};
        header(out, "MIXED_DATA_TYPES", info2.length, "LONG");
        for (long v : info2) out.writeLong(v);
        header(out, "MIXED_DATA_TYPES", 1L << 50, "FLOAT");
        expectFailure(bos.toByteArray(), -1, 100, "data buffer holds");
    }

    @Test
    public void expectedLengthMismatchIsAClearError() throws IOException {
        expectFailure(validArray(), 5, 100, "4 elements, expected 5");
    }

    @Test
    public void garbageIsNotAnArray() {
        expectFailure("PK\u0003\u0004 this is not an nd4j array".getBytes(), -1, 100, "not an ND4J array");
        byte[] unknownMode = new byte[]{0, 4, 'A', 'B', 'C', 'D', 0, 0, 0, 1};
        expectFailure(unknownMode, -1, 100, "unknown allocation mode 'ABCD'");
    }

    @Test
    public void unsupportedDataTypeIsNamed() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        long[] info = {1, 2, 1, 0, 1, 'c'};
        header(out, "MIXED_DATA_TYPES", info.length, "LONG");
        for (long v : info) out.writeLong(v);
        header(out, "MIXED_DATA_TYPES", 2, "UTF8");
        expectFailure(bos.toByteArray(), -1, 100, "UTF8");
    }
}
