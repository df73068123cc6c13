package org.pydl4j.nd;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * An n-dimensional array in C order, held in a direct (off-heap) buffer so that JNI code and numpy read it
 * without copying. Named as in ND4J so DL4J code compiles with only its imports changed.
 *
 * <p>Unlike ND4J, every array is contiguous: {@link #reshape} and {@link #get} along dimension 0 are views that
 * share memory, {@link #permute} returns a permuted copy.
 *
 * <p>Memory: an array and its views are handles on one reference-counted block. {@link #close()} gives this
 * handle's reference back; when every handle on the block is closed, the block is recycled for later arrays (see
 * {@link MemoryPool}). Closing is optional: memory of arrays never closed is freed by the garbage collector. A
 * closed handle refuses access, and buffers obtained earlier from it ({@link #buffer()}, numpy views) must no
 * longer be used; views that are still open stay valid.
 *
 * <p>Device backends (cuda) keep a copy of the memory on their {@link Device} and run ops there; host access through
 * this class (element access, {@link #buffer()}, numpy) first copies newer device values back, and host writes make
 * the device copy stale, so values cross only when the other side needs them. {@link #location()} tells where the
 * newest values are.
 */
public final class INDArray implements AutoCloseable {
    private final ByteBuffer data;   // native byte order, position 0, exactly length * width bytes
    private final DataType type;
    private final long[] shape;
    private final int length;
    private final Storage storage;   // the block this handle holds one reference on
    private final int offset;        // byte offset of data in the block
    private volatile boolean closed;

    /** A new handle on storage (takes a reference) whose memory is data, starting offset bytes into the block. */
    INDArray(Storage storage, ByteBuffer data, int offset, DataType type, long[] shape) {
        this.length = Shapes.length(shape);
        if (data.capacity() != (long) length * type.width()) {
            throw new IllegalArgumentException("buffer of " + data.capacity() + " bytes does not hold shape "
                    + Arrays.toString(shape) + " of " + type);
        }
        this.data = data.order(ByteOrder.nativeOrder());
        this.type = type;
        this.shape = shape.clone();
        this.offset = offset;
        this.storage = storage.retain();
        MemoryScope scope = storage.scope;
        if (scope != null) scope.track(this);
    }

    // ---------------------------------------------------------------- memory

    /**
     * Gives this handle's memory reference back: once every handle on the memory (this array and its views) is
     * closed, the memory is reused for new arrays. Idempotent and thread-safe; afterwards this handle refuses
     * access with IllegalStateException.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        storage.release();
    }

    /** True after {@link #close()}. */
    public boolean isClosed() { return closed; }

    // ---------------------------------------------------------------- device copies (device backends)

    /**
     * For device backends: the address of this array's first element on device, with the device copy made current
     * for the access (see {@link DeviceAccess}). After an op with a writing access, call {@link #afterDeviceWrite}.
     */
    public long deviceAddress(Device device, DeviceAccess access) {
        checkOpen();
        return storage.deviceAddress(device, access, offset, length * type.width());
    }

    /** For device backends, after an op wrote this array: keeps memory an outside holder (numpy) sees current. */
    public void afterDeviceWrite() { storage.afterDeviceWrite(); }

    /**
     * A number that changes whenever this array's memory (shared with its views) may have been written, through
     * the host or by a device op: derived values (folded weights) cached with it are current while it is unchanged.
     */
    public long writeCount() { return storage.writes; }

    /**
     * True if memory outside the engine can change this array without the engine seeing it (a numpy view, wrapped
     * numpy memory): {@link #writeCount} then does not prove the contents unchanged.
     */
    public boolean writableOutside() { return storage.external(); }

    /** Where this array's newest values are: HOST, DEVICE or EVERYWHERE. */
    public Location location() { return storage.location(); }

    /** True if this array and other are handles on the same memory (one is a view of the other, or both of a third). */
    public boolean sharesMemoryWith(INDArray other) { return other != null && other.storage == storage; }

    /** The memory block this handle is on (tests). */
    Storage storage() { return storage; }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("INDArray " + Arrays.toString(shape) + " was closed");
    }

    // ---------------------------------------------------------------- shape

    public long[] shape() { return shape.clone(); }

    public int rank() { return shape.length; }

    public long length() { return length; }

    public long size(int dim) { return shape[dim < 0 ? dim + shape.length : dim]; }

    public DataType dataType() { return type; }

    public boolean isScalar() { return length == 1 && shape.length <= 1; }

    public boolean isVector() { return shape.length == 1 || (shape.length == 2 && (shape[0] == 1 || shape[1] == 1)); }

    public boolean isMatrix() { return shape.length == 2; }

    /** Rows of a matrix (size of dimension 0), as ND4J's int. */
    public int rows() { return Math.toIntExact(shape[0]); }

    /** Columns of a matrix (size of dimension 1), as ND4J's int. */
    public int columns() {
        if (shape.length < 2) throw new IllegalStateException("columns(): array of rank " + shape.length + " has no columns");
        return Math.toIntExact(shape[1]);
    }

    // ---------------------------------------------------------------- raw access (backends, JNI, numpy)

    /**
     * The direct buffer behind this array (shared, native byte order), for reading and writing: newer device values
     * are copied in first, and the device copy counts as stale afterwards.
     */
    public ByteBuffer buffer() {
        checkOpen();
        storage.hostWrites();
        return data.duplicate().order(ByteOrder.nativeOrder());
    }

    /** The direct buffer behind this array for reading only (a device copy stays current); never write through it. */
    public ByteBuffer bufferForRead() {
        checkOpen();
        storage.hostReads();
        return data.duplicate().order(ByteOrder.nativeOrder());
    }

    /**
     * The direct buffer for a holder outside the engine (a numpy view): its memory is never recycled or freed
     * explicitly from now on, only by the garbage collector once that buffer is unreachable, so closing the array
     * cannot pull memory from under the holder.
     */
    public ByteBuffer exportBuffer() {
        ByteBuffer b = buffer();
        storage.markExported();
        return b;
    }

    /** The data as a float view; only for FLOAT arrays. */
    public FloatBuffer floatBuffer() {
        requireType(DataType.FLOAT);
        return buffer().asFloatBuffer();
    }

    /** The data as a float view for reading only (see {@link #bufferForRead}); only for FLOAT arrays. */
    public FloatBuffer floatBufferForRead() {
        requireType(DataType.FLOAT);
        return bufferForRead().asFloatBuffer();
    }

    /** The data as a double view; only for DOUBLE arrays. */
    public DoubleBuffer doubleBuffer() {
        requireType(DataType.DOUBLE);
        return buffer().asDoubleBuffer();
    }

    private void requireType(DataType t) {
        if (type != t) throw new IllegalStateException("array is " + type + ", expected " + t);
    }

    /** Element at linear (C-order) position i. */
    public double getDoubleLinear(int i) {
        if (closed) checkOpen();
        storage.hostReads();
        return type == DataType.FLOAT ? data.getFloat(i << 2) : data.getDouble(i << 3);
    }

    /** Sets the element at linear (C-order) position i. */
    public void putLinear(int i, double v) {
        if (closed) checkOpen();
        storage.hostWrites();
        if (type == DataType.FLOAT) data.putFloat(i << 2, (float) v); else data.putDouble(i << 3, v);
    }

    // ---------------------------------------------------------------- element access

    /** One index: the linear C-order position; several: one per dimension. */
    public double getDouble(long... indices) { return getDoubleLinear(offsetOf(indices)); }

    public float getFloat(long... indices) { return (float) getDouble(indices); }

    public int getInt(long... indices) { return (int) getDouble(indices); }

    public INDArray putScalar(long i, double value) { putLinear(offsetOf(new long[]{i}), value); return this; }

    public INDArray putScalar(long row, long col, double value) { putLinear(offsetOf(new long[]{row, col}), value); return this; }

    public INDArray putScalar(long[] indices, double value) { putLinear(offsetOf(indices), value); return this; }

    public INDArray putScalar(int[] indices, double value) {
        return putScalar(Arrays.stream(indices).asLongStream().toArray(), value);
    }

    private int offsetOf(long[] idx) {
        if (idx.length == 1) {
            if (idx[0] < 0 || idx[0] >= length) throw new IndexOutOfBoundsException("index " + idx[0] + " out of " + length);
            return (int) idx[0];
        }
        if (idx.length != shape.length) {
            throw new IllegalArgumentException(idx.length + " indices for an array of rank " + shape.length);
        }
        long off = 0;
        for (int d = 0; d < shape.length; d++) {
            if (idx[d] < 0 || idx[d] >= shape[d]) {
                throw new IndexOutOfBoundsException("index " + idx[d] + " out of " + shape[d] + " in dimension " + d);
            }
            off = off * shape[d] + idx[d];
        }
        return (int) off;
    }

    public float[] toFloatVector() {
        float[] out = new float[length];
        for (int i = 0; i < length; i++) out[i] = (float) getDoubleLinear(i);
        return out;
    }

    public double[] toDoubleVector() {
        double[] out = new double[length];
        for (int i = 0; i < length; i++) out[i] = getDoubleLinear(i);
        return out;
    }

    /** Copies values (same length) into this array. */
    public INDArray assign(INDArray other) {
        if (other.length != length) {
            throw new IllegalArgumentException("assign: shape " + Arrays.toString(other.shape) + " into " + Arrays.toString(shape));
        }
        if (other.type == type) {
            buffer().put(other.bufferForRead());
        } else {
            for (int i = 0; i < length; i++) putLinear(i, other.getDoubleLinear(i));
        }
        return this;
    }

    public INDArray assign(Number value) {
        double v = value.doubleValue();
        for (int i = 0; i < length; i++) putLinear(i, v);
        return this;
    }

    // ---------------------------------------------------------------- structure

    public INDArray dup() { return Nd4j.createUninitialized(type, shape).assign(this); }

    public INDArray castTo(DataType t) { return t == type ? this : Nd4j.createUninitialized(t, shape).assign(this); }

    /** A view with a new shape and the same data; one dimension may be -1. */
    public INDArray reshape(long... newShape) {
        long[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape: more than one -1 in " + Arrays.toString(newShape));
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) s[infer] = known == 0 ? 0 : length / known;
        if (Shapes.length(s) != length) {
            throw new IllegalArgumentException("reshape: cannot view shape " + Arrays.toString(shape) + " as " + Arrays.toString(newShape));
        }
        checkOpen();
        return new INDArray(storage, data, offset, type, s);
    }

    public INDArray reshape(int... newShape) { return reshape(Arrays.stream(newShape).asLongStream().toArray()); }

    /** A copy with the dimensions reordered: result dimension i is this array's dimension dims[i]. */
    public INDArray permute(int... dims) {
        if (dims.length != shape.length) throw new IllegalArgumentException("permute: " + dims.length + " dims for rank " + shape.length);
        long[] outShape = new long[dims.length];
        boolean[] seen = new boolean[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0 || dims[i] >= dims.length || seen[dims[i]]) throw new IllegalArgumentException("permute: bad order " + Arrays.toString(dims));
            seen[dims[i]] = true;
            outShape[i] = shape[dims[i]];
        }
        long[] inStrides = Shapes.strides(shape);
        long[] permStrides = new long[dims.length];
        for (int i = 0; i < dims.length; i++) permStrides[i] = inStrides[dims[i]];
        INDArray out = Nd4j.createUninitialized(type, outShape);
        long[] idx = new long[dims.length];
        for (int o = 0; o < length; o++) {
            long src = 0;
            for (int d = 0; d < idx.length; d++) src += idx[d] * permStrides[d];
            out.putLinear(o, getDoubleLinear((int) src));
            Shapes.increment(idx, outShape);
        }
        return out;
    }

    /** 2-d transpose (a copy). */
    public INDArray transpose() {
        int[] order = new int[shape.length];
        for (int i = 0; i < order.length; i++) order[i] = order.length - 1 - i;
        return permute(order);
    }

    /**
     * Indexing along dimension 0: the first index is {@link NDArrayIndex#point}, {@link NDArrayIndex#interval} or
     * {@link NDArrayIndex#all}; any further ones must be {@code all()}. Returns a view sharing memory.
     */
    public INDArray get(INDArrayIndex... indices) {
        if (shape.length == 0) throw new IllegalArgumentException("get: scalar array has no dimension 0");
        for (int i = 1; i < indices.length; i++) {
            if (!(indices[i] instanceof NDArrayIndex.All)) {
                throw new UnsupportedOperationException("get: only dimension 0 may be indexed, got " + indices[i] + " at " + i);
            }
        }
        if (indices.length == 0 || indices[0] instanceof NDArrayIndex.All) return this;
        long from, to;
        boolean point = indices[0] instanceof NDArrayIndex.Point;
        if (point) {
            from = ((NDArrayIndex.Point) indices[0]).index;
            to = from + 1;
        } else {
            NDArrayIndex.Interval iv = (NDArrayIndex.Interval) indices[0];
            from = iv.from;
            to = iv.to;
        }
        if (from < 0 || to > shape[0] || from > to) {
            throw new IndexOutOfBoundsException("get: [" + from + ", " + to + ") out of dimension 0 of size " + shape[0]);
        }
        long rowLen = shape[0] == 0 ? 0 : length / shape[0];
        checkOpen();
        ByteBuffer view = data.duplicate();
        int start = (int) (from * rowLen * type.width());
        view.position(start);
        view.limit((int) (to * rowLen * type.width()));
        long[] s = shape.clone();
        s[0] = to - from;
        if (point) s = Arrays.copyOfRange(shape, 1, shape.length);
        return new INDArray(storage, view.slice().order(ByteOrder.nativeOrder()), offset + start, type, s);
    }

    /** Row i of a matrix (or slice i along dimension 0), as a view. */
    public INDArray getRow(long i) { return get(NDArrayIndex.point(i)); }

    public INDArray slice(long i) { return get(NDArrayIndex.point(i)); }

    // ---------------------------------------------------------------- arithmetic with broadcasting

    public INDArray add(INDArray o) { return Broadcast.apply(this, o, Double::sum, null); }
    public INDArray sub(INDArray o) { return Broadcast.apply(this, o, (a, b) -> a - b, null); }
    public INDArray mul(INDArray o) { return Broadcast.apply(this, o, (a, b) -> a * b, null); }
    public INDArray div(INDArray o) { return Broadcast.apply(this, o, (a, b) -> a / b, null); }
    public INDArray rsub(INDArray o) { return Broadcast.apply(this, o, (a, b) -> b - a, null); }
    public INDArray rdiv(INDArray o) { return Broadcast.apply(this, o, (a, b) -> b / a, null); }

    public INDArray addi(INDArray o) { return Broadcast.apply(this, o, Double::sum, this); }
    public INDArray subi(INDArray o) { return Broadcast.apply(this, o, (a, b) -> a - b, this); }
    public INDArray muli(INDArray o) { return Broadcast.apply(this, o, (a, b) -> a * b, this); }
    public INDArray divi(INDArray o) { return Broadcast.apply(this, o, (a, b) -> a / b, this); }
    public INDArray rsubi(INDArray o) { return Broadcast.apply(this, o, (a, b) -> b - a, this); }
    public INDArray rdivi(INDArray o) { return Broadcast.apply(this, o, (a, b) -> b / a, this); }

    public INDArray add(Number s) { return map(v -> v + s.doubleValue(), false); }
    public INDArray sub(Number s) { return map(v -> v - s.doubleValue(), false); }
    public INDArray mul(Number s) { return map(v -> v * s.doubleValue(), false); }
    public INDArray div(Number s) { return map(v -> v / s.doubleValue(), false); }
    public INDArray rsub(Number s) { return map(v -> s.doubleValue() - v, false); }
    public INDArray rdiv(Number s) { return map(v -> s.doubleValue() / v, false); }
    public INDArray addi(Number s) { return map(v -> v + s.doubleValue(), true); }
    public INDArray subi(Number s) { return map(v -> v - s.doubleValue(), true); }
    public INDArray muli(Number s) { return map(v -> v * s.doubleValue(), true); }
    public INDArray divi(Number s) { return map(v -> v / s.doubleValue(), true); }
    public INDArray rsubi(Number s) { return map(v -> s.doubleValue() - v, true); }
    public INDArray rdivi(Number s) { return map(v -> s.doubleValue() / v, true); }

    public INDArray neg() { return map(v -> -v, false); }
    public INDArray negi() { return map(v -> -v, true); }

    /** Applies f to every element, in place or into a new array. */
    public INDArray map(DoubleUnaryOperator f, boolean inPlace) {
        INDArray out = inPlace ? this : Nd4j.createUninitialized(type, shape);
        if (type == DataType.FLOAT) {
            FloatBuffer src = floatBufferForRead(), dst = out.floatBuffer();
            for (int i = 0; i < length; i++) dst.put(i, (float) f.applyAsDouble(src.get(i)));
        } else {
            for (int i = 0; i < length; i++) out.putLinear(i, f.applyAsDouble(getDoubleLinear(i)));
        }
        return out;
    }

    /** Elementwise combination with broadcasting; out may be this (in place) or null (new array). */
    public INDArray zip(INDArray other, DoubleBinaryOperator f, boolean inPlace) {
        return Broadcast.apply(this, other, f, inPlace ? this : null);
    }

    /** Matrix product of two 2-d arrays, on the current backend. */
    public INDArray mmul(INDArray other) {
        if (rank() != 2 || other.rank() != 2 || shape[1] != other.shape[0]) {
            throw new IllegalArgumentException("mmul: shapes " + Arrays.toString(shape) + " and " + Arrays.toString(other.shape) + " do not chain");
        }
        if (type != other.type) throw new IllegalArgumentException("mmul: " + type + " times " + other.type);
        INDArray out = Nd4j.zeros(type, shape[0], other.shape[1]);
        Nd4j.getBackend().gemm(this, false, other, false, out, 1.0, 0.0);
        return out;
    }

    // ---------------------------------------------------------------- reductions

    public INDArray sum(int... dims) { return Reduce.sum(this, dims); }
    public INDArray mean(int... dims) { return Reduce.mean(this, dims); }
    public INDArray max(int... dims) { return Reduce.max(this, dims); }
    public INDArray min(int... dims) { return Reduce.min(this, dims); }
    /** Positions of the maxima along dims (as values of this array's type); no dims: the linear position. */
    public INDArray argMax(int... dims) { return Reduce.argMax(this, dims); }

    public Number sumNumber() { return Reduce.sum(this).getDoubleLinear(0); }
    public Number meanNumber() { return Reduce.mean(this).getDoubleLinear(0); }
    public Number maxNumber() { return Reduce.max(this).getDoubleLinear(0); }
    public Number minNumber() { return Reduce.min(this).getDoubleLinear(0); }

    /** Euclidean norm of all elements. */
    public Number norm2Number() {
        double s = 0;
        for (int i = 0; i < length; i++) { double v = getDoubleLinear(i); s += v * v; }
        return Math.sqrt(s);
    }

    /** True if any element is NaN or infinite. */
    public boolean hasNonFinite() { return firstNonFinite() >= 0; }

    /** The linear (C-order) position of the first NaN or infinite element, or -1 when all are finite. */
    public int firstNonFinite() {
        if (type == DataType.FLOAT) {
            FloatBuffer f = floatBufferForRead();
            for (int i = 0; i < length; i++) {
                // exponent bits all ones: NaN or infinity
                if ((Float.floatToRawIntBits(f.get(i)) & 0x7f800000) == 0x7f800000) return i;
            }
        } else {
            requireType(DataType.DOUBLE);
            DoubleBuffer d = bufferForRead().asDoubleBuffer();
            for (int i = 0; i < length; i++) {
                if ((Double.doubleToRawLongBits(d.get(i)) & 0x7ff0000000000000L) == 0x7ff0000000000000L) return i;
            }
        }
        return -1;
    }

    /** The per-dimension index of linear (C-order) position i. */
    public long[] ind2subC(long i) {
        long[] idx = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] > 0) { idx[d] = i % shape[d]; i /= shape[d]; }
        }
        return idx;
    }

    // ---------------------------------------------------------------- comparison and printing

    public boolean equalsWithEps(Object o, double eps) {
        if (!(o instanceof INDArray)) return false;
        INDArray other = (INDArray) o;
        if (!Arrays.equals(shape, other.shape)) return false;
        for (int i = 0; i < length; i++) {
            double a = getDoubleLinear(i), b = other.getDoubleLinear(i);
            if (Double.isNaN(a) != Double.isNaN(b)) return false;
            if (!Double.isNaN(a) && Math.abs(a - b) > eps) return false;
        }
        return true;
    }

    /** Same shape and values within 1e-5, as ND4J's equals. */
    @Override
    public boolean equals(Object o) { return this == o || equalsWithEps(o, 1e-5); }

    @Override
    public int hashCode() { return Arrays.hashCode(shape); }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (length > 1000) {
            return "INDArray(" + type + ", shape=" + Arrays.toString(shape) + ")";
        }
        appendNested(sb, 0, 0);
        return sb.toString();
    }

    private int appendNested(StringBuilder sb, int dim, int pos) {
        if (dim == shape.length) {
            sb.append(String.format("%.4f", getDoubleLinear(pos)));
            return pos + 1;
        }
        sb.append('[');
        for (long i = 0; i < shape[dim]; i++) {
            if (i > 0) sb.append(dim == shape.length - 1 ? ", " : ",\n" + " ".repeat(dim + 1));
            pos = appendNested(sb, dim + 1, pos);
        }
        sb.append(']');
        return pos;
    }
}
