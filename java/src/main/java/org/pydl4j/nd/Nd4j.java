package org.pydl4j.nd;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.pydl4j.nd.backend.Backend;
import org.pydl4j.nd.backend.Backends;

/** Array factories and the current backend, named as in ND4J. */
public final class Nd4j {
    private Nd4j() {}

    private static volatile DataType defaultType = DataType.FLOAT;
    private static final Random RANDOM = new Random(0x5EEDL);

    // ---------------------------------------------------------------- backend and defaults

    /** The backend ops run on: PYDL4J_BACKEND / -Dpydl4j.backend, else the fastest that loads. */
    public static Backend getBackend() { return Backends.current(); }

    /** Switches backend for the whole JVM ("reference", "cpu", "cuda"); fails clearly if it cannot load. */
    public static void setBackend(String name) { Backends.select(name); }

    public static void setDefaultDataTypes(DataType defaultType, DataType defaultFloatingPointType) {
        Nd4j.defaultType = defaultFloatingPointType;
    }

    public static DataType defaultFloatingPointType() { return defaultType; }

    private static final org.pydl4j.nd.concurrency.AffinityManager AFFINITY = new org.pydl4j.nd.concurrency.BasicAffinityManager();

    /** The device-affinity manager (one device per process here: a no-op manager, as ND4J's on a CPU backend). */
    public static org.pydl4j.nd.concurrency.AffinityManager getAffinityManager() { return AFFINITY; }

    /** Index of the largest value along the given dimensions (all when none), as ND4J's {@code Nd4j.argMax}. */
    public static INDArray argMax(INDArray arr, int... dimension) { return arr.argMax(dimension); }

    /** The shared random generator; {@code Nd4j.getRandom().setSeed(s)} makes rand/randn repeatable. */
    public static Random getRandom() { return RANDOM; }

    // ---------------------------------------------------------------- allocation

    /**
     * A new array (64-byte aligned) whose contents are unspecified: memory recycled from closed arrays
     * ({@link MemoryPool}) holds old values, so callers must write every element.
     */
    public static INDArray createUninitialized(DataType type, long... shape) {
        long bytes = (long) Shapes.length(shape) * type.width();
        if (bytes > Integer.MAX_VALUE - 1024) {
            throw new IllegalArgumentException("array of shape " + Arrays.toString(shape) + " (" + ArrayAllocationException.bytes(bytes)
                    + ") exceeds the 2 GiB limit of one array; use a smaller batch size");
        }
        Storage s;
        try {
            s = MemoryPool.acquire((int) bytes);
        } catch (ArrayAllocationException e) {
            throw e.withArray("an array of shape " + Arrays.toString(shape) + " (" + type + ")");
        }
        return new INDArray(s, s.view((int) bytes), 0, type, shape);
    }

    /**
     * Wraps an existing direct buffer (for example numpy memory handed over by JPype) without copying. The memory
     * stays the caller's: closing the array never frees or recycles it.
     */
    public static INDArray wrap(ByteBuffer direct, DataType type, long... shape) {
        if (!direct.isDirect()) throw new IllegalArgumentException("wrap: buffer must be direct");
        Storage s = Storage.foreign(direct);
        return new INDArray(s, s.aligned, 0, type, shape);
    }

    public static INDArray zeros(long... shape) { return createUninitialized(defaultType, shape).assign(0); }
    public static INDArray zeros(int... shape) { return zeros(Shapes.of(shape)); }
    public static INDArray zeros(DataType type, long... shape) { return createUninitialized(type, shape).assign(0); }
    public static INDArray ones(long... shape) { return createUninitialized(defaultType, shape).assign(1); }
    public static INDArray ones(int... shape) { return ones(Shapes.of(shape)); }
    public static INDArray ones(DataType type, long... shape) { return createUninitialized(type, shape).assign(1); }
    public static INDArray valueArrayOf(long[] shape, double value) { return createUninitialized(defaultType, shape).assign(value); }
    public static INDArray scalar(double value) { return create(new double[]{value}, new long[0], defaultType); }
    public static INDArray zerosLike(INDArray a) { return zeros(a.dataType(), a.shape()); }

    public static INDArray create(double[] data, long[] shape, DataType type) {
        INDArray a = createUninitialized(type, shape);
        if (data.length != a.length()) {
            throw new IllegalArgumentException(data.length + " values for shape " + Arrays.toString(shape));
        }
        for (int i = 0; i < data.length; i++) a.putLinear(i, data[i]);
        return a;
    }

    public static INDArray create(float[] data, long... shape) {
        if (shape.length == 0) shape = new long[]{data.length};
        INDArray a = createUninitialized(DataType.FLOAT, shape);
        if (data.length != a.length()) {
            throw new IllegalArgumentException(data.length + " values for shape " + Arrays.toString(shape));
        }
        a.floatBuffer().put(data);
        return a;
    }

    public static INDArray create(float[] data, int[] shape) { return create(data, Shapes.of(shape)); }

    public static INDArray create(double[] data, long... shape) {
        return create(data, shape.length == 0 ? new long[]{data.length} : shape, defaultType);
    }

    public static INDArray create(double[] data, int[] shape) { return create(data, Shapes.of(shape)); }

    public static INDArray create(float[][] rows) {
        int r = rows.length, c = r == 0 ? 0 : rows[0].length;
        INDArray a = createUninitialized(DataType.FLOAT, r, c);
        for (int i = 0; i < r; i++) {
            if (rows[i].length != c) throw new IllegalArgumentException("ragged rows: row " + i + " has " + rows[i].length + " values, row 0 has " + c);
            for (int j = 0; j < c; j++) a.putLinear(i * c + j, rows[i][j]);
        }
        return a;
    }

    public static INDArray create(double[][] rows) {
        int r = rows.length, c = r == 0 ? 0 : rows[0].length;
        INDArray a = createUninitialized(defaultType, r, c);
        for (int i = 0; i < r; i++) {
            if (rows[i].length != c) throw new IllegalArgumentException("ragged rows: row " + i + " has " + rows[i].length + " values, row 0 has " + c);
            for (int j = 0; j < c; j++) a.putLinear(i * c + j, rows[i][j]);
        }
        return a;
    }

    /** Zeros of the given shape (ND4J's create(shape)). */
    public static INDArray create(long... shape) { return zeros(shape); }
    public static INDArray create(int... shape) { return zeros(Shapes.of(shape)); }

    // ---------------------------------------------------------------- random

    /** Uniform [0, 1) from the shared generator. */
    public static INDArray rand(long[] shape) { return fill(createUninitialized(defaultType, shape), RANDOM, false); }
    public static INDArray rand(int... shape) { return rand(Shapes.of(shape)); }
    public static INDArray rand(long seed, long... shape) { return fill(createUninitialized(defaultType, shape), new Random(seed), false); }

    /** Standard normal from the shared generator. */
    public static INDArray randn(long... shape) { return fill(createUninitialized(defaultType, shape), RANDOM, true); }
    public static INDArray randn(int... shape) { return randn(Shapes.of(shape)); }
    public static INDArray randn(long seed, long[] shape) { return fill(createUninitialized(defaultType, shape), new Random(seed), true); }

    private static INDArray fill(INDArray a, Random r, boolean gaussian) {
        for (int i = 0; i < a.length(); i++) a.putLinear(i, gaussian ? r.nextGaussian() : r.nextDouble());
        return a;
    }

    // ---------------------------------------------------------------- joining

    /** Joins arrays along a dimension; all other dimensions must match. */
    public static INDArray concat(int dim, INDArray... arrays) {
        if (arrays.length == 0) throw new IllegalArgumentException("concat: no arrays");
        long[] shape = arrays[0].shape();
        int d = dim < 0 ? dim + shape.length : dim;
        long total = 0;
        for (INDArray a : arrays) {
            long[] s = a.shape();
            if (s.length != shape.length || a.dataType() != arrays[0].dataType()) {
                throw new IllegalArgumentException("concat: " + Arrays.toString(s) + " does not join " + Arrays.toString(shape));
            }
            for (int i = 0; i < s.length; i++) {
                if (i != d && s[i] != shape[i]) throw new IllegalArgumentException("concat: " + Arrays.toString(s) + " does not join " + Arrays.toString(shape) + " along " + dim);
            }
            total += s[d];
        }
        long[] outShape = shape.clone();
        outShape[d] = total;
        INDArray out = createUninitialized(arrays[0].dataType(), outShape);
        long outer = 1;
        for (int i = 0; i < d; i++) outer *= shape[i];
        long inner = 1;
        for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
        long pos = 0;
        for (long o = 0; o < outer; o++) {
            for (INDArray a : arrays) {
                long block = a.size(d) * inner;
                for (long k = 0; k < block; k++) out.putLinear((int) pos++, a.getDoubleLinear((int) (o * block + k)));
            }
        }
        return out;
    }

    public static INDArray vstack(INDArray... arrays) { return concat(0, arrays); }
    public static INDArray hstack(INDArray... arrays) { return concat(1, arrays); }
}
