package org.pydl4j.nd;

/** How a device op uses an array ({@link INDArray#deviceAddress}): it decides what must be copied to the device. */
public enum DeviceAccess {
    /** The op reads the array: the device copy must hold its newest values. */
    READ,
    /** The op writes every element without reading: nothing is uploaded for an array covering its whole memory. */
    WRITE,
    /** The op reads and writes the array (gemm with beta != 0, in-place updates). */
    READ_WRITE
}
