package org.pydl4j.nd.dataset;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.Test;
import org.pydl4j.eval.Evaluation;
import org.pydl4j.nd.INDArray;
import org.pydl4j.nd.Nd4j;

/**
 * DataSets and Evaluations cross Spark's Java serialization (RDD data, task results): DataSets as their saved form,
 * read back bounded by the bytes received, whatever the arrays declare.
 */
public class DataSetJavaSerializationTest {

    private static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static Object deserialize(byte[] b) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b))) {
            return in.readObject();
        }
    }

    @Test
    public void roundTripKeepsArraysAndLabelsSharedWithFeatures() throws Exception {
        INDArray f = Nd4j.create(new float[]{1, 2, 3, 4, 5, 6}, 3, 2);
        INDArray l = Nd4j.create(new float[]{1, 0, 0, 1, 1, 0}, 3, 2);
        DataSet back = (DataSet) deserialize(serialize(new DataSet(f, l)));
        assertArrayEquals(f.toFloatVector(), back.getFeatures().toFloatVector(), 0f);
        assertArrayEquals(l.toFloatVector(), back.getLabels().toFloatVector(), 0f);
        assertArrayEquals(new long[]{3, 2}, back.getFeatures().shape());
        DataSet same = (DataSet) deserialize(serialize(new DataSet(f, f)));
        assertTrue(same.getLabels() == same.getFeatures());
    }

    @Test
    public void arraysDeclaringMoreThanTheBytesHoldAreRefusedBeforeAllocating() throws Exception {
        // a serial form whose features array claims 2^40 elements: refused (InvalidObjectException), never allocated
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        new DataSet(Nd4j.create(new float[]{1, 2}, 1, 2), null).save(saved);
        byte[] honest = saved.toByteArray();
        byte[] hostile = serialize(new DataSetSerialForm(inflateFirstDimension(honest)));
        try {
            deserialize(hostile);
            fail("a DataSet declaring more elements than its bytes was read");
        } catch (InvalidObjectException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("DataSet: "));
        }
    }

    @Test
    public void aStreamWithTheDataSetsOwnFieldsIsRefused() throws Exception {
        // the class descriptor of DataSet written as if it had serialized fields: readObject refuses it
        byte[] honest = serialize(new DataSetSerialForm(new byte[]{0}));
        DataSet empty = (DataSet) deserialize(honest);
        assertEquals(0, empty.numExamples());
        byte[] forged = forgeDataSetStream();
        try {
            deserialize(forged);
            fail("a DataSet stream with fields was read");
        } catch (InvalidObjectException e) {
            assertTrue(e.getMessage().contains("only its serial form"));
        }
    }

    @Test
    public void evaluationsMergeAfterSerialization() throws Exception {
        Evaluation a = new Evaluation(java.util.List.of("a", "b", "c"));
        a.eval(0, 0);
        a.eval(1, 2);
        Evaluation b = (Evaluation) deserialize(serialize(a));
        b.merge(a);
        assertEquals(4, b.getNumRowCounter());
        assertEquals(2, b.getConfusionMatrix().getCount(0, 0));
        assertEquals(java.util.List.of("a", "b", "c"), b.getLabelsList());
    }

    /** The saved bytes with the first array's first dimension raised to 2^40 (the header's shape field). */
    private static byte[] inflateFirstDimension(byte[] saved) {
        byte[] out = saved.clone();
        // shape info of ND4J's binary format: rank (int64) then the dimensions (int64 each): find rank 2, dims 1, 2
        for (int i = 0; i + 24 <= out.length; i++) {
            if (readLong(out, i) == 2 && readLong(out, i + 8) == 1 && readLong(out, i + 16) == 2) {
                writeLong(out, i + 8, 1L << 40);
                return out;
            }
        }
        throw new AssertionError("no shape header found in the saved DataSet");
    }

    private static long readLong(byte[] b, int at) {
        long v = 0;
        for (int k = 0; k < 8; k++) v = (v << 8) | (b[at + k] & 0xff);
        return v;
    }

    private static void writeLong(byte[] b, int at, long v) {
        for (int k = 7; k >= 0; k--) { b[at + k] = (byte) v; v >>>= 8; }
    }

    /** A stream declaring class DataSet with serializable-fields flags, as an attacker could write it. */
    private static byte[] forgeDataSetStream() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeShort(0xACED);     // STREAM_MAGIC
        out.writeShort(5);          // STREAM_VERSION
        out.writeByte(0x73);        // TC_OBJECT
        out.writeByte(0x72);        // TC_CLASSDESC
        out.writeUTF(DataSet.class.getName());
        out.writeLong(1L);          // serialVersionUID
        out.writeByte(0x02);        // SC_SERIALIZABLE
        out.writeShort(0);          // no fields
        out.writeByte(0x78);        // TC_ENDBLOCKDATA
        out.writeByte(0x70);        // TC_NULL: no superclass
        out.flush();
        return bytes.toByteArray();
    }
}
