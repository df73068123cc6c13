package org.pydl4j.nd;

import org.junit.AfterClass;
import org.junit.BeforeClass;

/** Base of tests that check values in double precision on the reference backend; restores FLOAT defaults after. */
public abstract class DoublePrecisionTests {
    @BeforeClass
    public static void referenceBackendInDouble() {
        Nd4j.setBackend("reference");
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterClass
    public static void restoreFloat() { Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT); }
}
