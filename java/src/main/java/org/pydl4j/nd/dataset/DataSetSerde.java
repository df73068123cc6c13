package org.pydl4j.nd.dataset;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.pydl4j.nd.INDArray;
import org.pydl4j.util.serde.Nd4jBinary;

/**
 * The binary layout of {@link DataSet#save} / {@link DataSet#load}, as ND4J's DataSet.save: one byte saying which
 * arrays follow (1 features, 2 labels, 4 labels are the features, 8 features mask, 16 labels mask, 32 metadata),
 * then those arrays in ND4J's binary array format. Reading is bounded (every array's declared size is checked
 * against the limit before allocating); masks and Java-serialized metadata are refused with a clear error.
 */
final class DataSetSerde {
    private DataSetSerde() {}

    static final int FEATURES = 1, LABELS = 2, LABELS_SAME_AS_FEATURES = 4, FEATURES_MASK = 8, LABELS_MASK = 16, METADATA = 32;

    static void write(DataSet ds, OutputStream stream) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        INDArray f = ds.getFeatures(), l = ds.getLabels();
        boolean same = f != null && l == f;
        int mask = (f != null ? FEATURES : 0) | (l != null ? LABELS : 0) | (same ? LABELS_SAME_AS_FEATURES : 0);
        out.writeByte(mask);
        if (f != null) Nd4jBinary.write(f, out);
        if (l != null && !same) Nd4jBinary.write(l, out);
        out.flush();
    }

    /** Reads a data set; maxElements bounds each array. */
    static DataSet read(InputStream stream, String source, long maxElements) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        int mask = in.readUnsignedByte();
        if ((mask & ~63) != 0) throw new IOException(source + ": not a saved DataSet (flags " + mask + ")");
        if ((mask & (FEATURES_MASK | LABELS_MASK)) != 0) throw new IOException(source + ": the DataSet holds masks, which this library does not support");
        if ((mask & METADATA) != 0) throw new IOException(source + ": the DataSet holds Java-serialized metadata, which is never read (unsafe)");
        INDArray f = (mask & FEATURES) != 0 ? Nd4jBinary.read(in, source + " (features)", -1, maxElements) : null;
        INDArray l = null;
        if ((mask & LABELS) != 0) {
            if ((mask & LABELS_SAME_AS_FEATURES) != 0) {
                if (f == null) throw new IOException(source + ": labels are said to be the features, but there are no features");
                l = f;
            } else {
                l = Nd4jBinary.read(in, source + " (labels)", -1, maxElements);
            }
        }
        if (f != null && l != null && (f.rank() == 0 || l.rank() == 0 || f.size(0) != l.size(0))) {
            throw new IOException(source + ": features and labels have different numbers of examples");
        }
        return new DataSet(f, l);
    }
}
