package org.pydl4j.spark.transfer;

import java.io.Serializable;
import java.util.List;

/**
 * How executors decode images: with the local job's own decoder and preprocessing (Pillow and numpy, the
 * {@code pydl4j_transfer} package), run as a child process {@code python -m pydl4j_transfer.spark.decode_worker}.
 * Running the same code, not a Java re-implementation, is what makes distributed features and cache keys equal
 * to the local ones: Pillow's JPEG DCT scaling and its bilinear filter have no bit-identical Java counterpart.
 *
 * @param python         the Python executable on the executors (the driver's when it shares the machine; on a
 *                       cluster e.g. {@code ./pyenv/bin/python} from {@code --archives})
 * @param imageSize      square input size in pixels
 * @param resize         "stretch" or "center_crop"
 * @param preprocessJson the preprocessing spec as JSON ({@code name, mean, std, channel_order})
 */
public record DecoderSpec(String python, int imageSize, String resize, String preprocessJson) implements Serializable {
    public DecoderSpec {
        if (python == null || python.isBlank()) throw new IllegalArgumentException("DecoderSpec: no Python executable");
        if (imageSize < 1 || imageSize > 4096) throw new IllegalArgumentException("DecoderSpec: image size " + imageSize + " is not in 1..4096");
        if (!List.of("stretch", "center_crop").contains(resize)) throw new IllegalArgumentException("DecoderSpec: resize must be stretch or center_crop, got " + resize);
        if (preprocessJson == null) throw new IllegalArgumentException("DecoderSpec: no preprocessing spec");
    }

    /** Floats of one decoded, preprocessed image (3 x size x size). */
    public int imageFloats() { return 3 * imageSize * imageSize; }

    /** The child process's command line. */
    public List<String> command() {
        return List.of(python, "-m", "pydl4j_transfer.spark.decode_worker", "--size", Integer.toString(imageSize),
                "--resize", resize, "--preprocess", preprocessJson);
    }
}
