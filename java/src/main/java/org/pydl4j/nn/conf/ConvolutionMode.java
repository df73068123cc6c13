package org.pydl4j.nn.conf;

/**
 * How convolution and pooling layers size their output, as DL4J's ConvolutionMode.
 * <ul>
 * <li>{@code Strict}: explicit padding; (in + 2*pad - k) must be divisible by the stride, else an error.</li>
 * <li>{@code Truncate}: explicit padding; output = floor((in + 2*pad - k) / s) + 1.</li>
 * <li>{@code Same}: output = ceil(in / s), padding as TensorFlow "SAME": total = max((out-1)*s + k - in, 0),
 * half of it (rounded down) at the top/left, the rest at the bottom/right. Explicit padding is ignored.</li>
 * </ul>
 */
public enum ConvolutionMode {
    Strict, Truncate, Same
}
