package org.pydl4j.datasets.image.transform;

import java.util.Random;
import org.pydl4j.datasets.image.data.ImageWritable;

/** Applies several transforms in sequence, as DataVec's MultiImageTransform (a pipeline with every probability 1). */
public class MultiImageTransform extends BaseImageTransform<Object> {
    private final PipelineImageTransform transform;

    public MultiImageTransform(ImageTransform... transforms) { this(null, transforms); }

    public MultiImageTransform(Random random, ImageTransform... transforms) {
        super(random);
        transform = new PipelineImageTransform(transforms);
    }

    @Override
    protected ImageWritable doTransform(ImageWritable image, Random random) { return transform.transform(image, random); }

    @Override
    public float[] query(float... coordinates) { return transform.query(coordinates); }
}
