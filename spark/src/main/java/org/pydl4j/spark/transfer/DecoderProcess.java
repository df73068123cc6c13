package org.pydl4j.spark.transfer;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The decode worker child of one task (see {@link DecoderSpec}). Protocol on its stdin/stdout: the task sends
 * {@code u32 length, name (UTF-8), u32 length, bytes} per image (big-endian lengths); the worker answers {@code 0, float32[3*S*S]}
 * (little-endian, NCHW, preprocessed) or {@code 1, u32 length, UTF-8 reason} for an image it cannot decode. End of
 * input ends the worker; it also ends when this JVM dies (its stdin closes), so a killed executor leaves no child.
 */
final class DecoderProcess implements AutoCloseable {
    /** The longest reason accepted from the worker. */
    private static final int MAX_REASON_BYTES = 1 << 16;

    private final DecoderSpec spec;
    private final Process process;
    private final DataOutputStream toWorker;
    private final DataInputStream fromWorker;
    private final byte[] pixels;

    /** One image's outcome: {@code features} (preprocessed pixels) or {@code error}. */
    record Decoded(float[] pixels, String error) {}

    DecoderProcess(DecoderSpec spec) throws IOException {
        this.spec = spec;
        ProcessBuilder builder = new ProcessBuilder(spec.command()).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putIfAbsent("OMP_NUM_THREADS", "1");
        try {
            this.process = builder.start();
        } catch (IOException e) {
            throw new IOException("cannot start the image decoder " + spec.command() + " on this executor: " + e.getMessage()
                    + " (set spark.pydl4j.python to a Python with pydl4j_transfer installed)", e);
        }
        this.toWorker = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
        this.fromWorker = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
        this.pixels = new byte[spec.imageFloats() * Float.BYTES];
    }

    /** Decodes the bytes of the image {@code name}. */
    Decoded decode(byte[] image, String name) throws IOException {
        try {
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            toWorker.writeInt(nameBytes.length);
            toWorker.write(nameBytes);
            toWorker.writeInt(image.length);
            toWorker.write(image);
            toWorker.flush();
            int status = fromWorker.read();
            if (status == 0) {
                fromWorker.readFully(pixels);
                float[] out = new float[spec.imageFloats()];
                ByteBuffer.wrap(pixels).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
                return new Decoded(out, null);
            }
            if (status == 1) {
                int length = fromWorker.readInt();
                if (length < 0 || length > MAX_REASON_BYTES) throw new IOException("reason of " + length + " bytes");
                byte[] reason = new byte[length];
                fromWorker.readFully(reason);
                return new Decoded(null, new String(reason, StandardCharsets.UTF_8));
            }
            throw new IOException(status < 0 ? "the decoder ended" : "unknown status " + status);
        } catch (IOException e) {
            throw new IOException("the image decoder " + spec.command().get(0) + " failed on " + name + ": " + e.getMessage()
                    + exitNote(), e);
        }
    }

    private String exitNote() {
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) return " (exit code " + process.exitValue() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }

    boolean isAlive() { return process.isAlive(); }

    @Override
    public void close() {
        try {
            toWorker.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
