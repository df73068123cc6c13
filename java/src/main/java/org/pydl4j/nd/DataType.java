package org.pydl4j.nd;

/** Element types of {@link INDArray}. FLOAT is the engine's type; DOUBLE exists for gradient checks on the reference backend. */
public enum DataType {
    FLOAT(4), DOUBLE(8);

    private final int width;

    DataType(int width) { this.width = width; }

    /** Bytes per element. */
    public int width() { return width; }
}
