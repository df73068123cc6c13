package org.pydl4j.datasets.image.transform;

import java.util.Random;
import org.pydl4j.datasets.image.data.ImageWritable;

/**
 * Transforms an image, deterministically or randomly, as DataVec's {@code org.datavec.image.transform.ImageTransform}
 * (implemented with Java's own imaging instead of OpenCV, with OpenCV's geometry).
 */
public interface ImageTransform {
    /** Transforms with this transform's own random generator (null: deterministic). */
    ImageWritable transform(ImageWritable image);

    /** Transforms with the given generator (null: deterministic); a null image (end of stream) gives null. */
    ImageWritable transform(ImageWritable image, Random random);

    /** Maps pixel coordinates (x0, y0, x1, y1, ...) of the last input image to the last output image. */
    float[] query(float... coordinates);

    /** The image returned by the last transform call. */
    ImageWritable getCurrentImage();
}
