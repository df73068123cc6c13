package org.pydl4j.nd.dataset;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serializable;

/**
 * What Java serialization (Spark's task and RDD data) carries for a {@link DataSet}: the bytes of
 * {@link DataSet#save}. Reading back goes through the bounded reader: no array may declare more elements than the
 * bytes could hold, so a hostile stream cannot make an executor allocate more than it was sent.
 */
public final class DataSetSerialForm implements Serializable {
    private static final long serialVersionUID = 1L;

    private final byte[] saved;

    DataSetSerialForm(byte[] saved) { this.saved = saved; }

    /** The DataSet saved in {@code saved} (the bytes of {@link DataSet#save}); {@code source} names them in errors. */
    public static DataSet read(byte[] saved, String source) throws IOException {
        return DataSetSerde.read(new ByteArrayInputStream(saved), source, Math.min(DataSet.MAX_LOAD_ELEMENTS, saved.length));
    }

    private Object readResolve() throws ObjectStreamException {
        if (saved == null) throw new InvalidObjectException("DataSet: serialized form without bytes");
        try {
            return read(saved, "<serialized DataSet>");
        } catch (IOException e) {
            InvalidObjectException error = new InvalidObjectException("DataSet: " + e.getMessage());
            error.initCause(e);
            throw error;
        }
    }
}
