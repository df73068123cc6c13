package org.pydl4j.datasets.image.transform;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.pydl4j.common.primitives.Pair;
import org.pydl4j.datasets.image.data.ImageWritable;

/**
 * Runs transforms in sequence, each with a probability, optionally in a shuffled order per image, as DataVec's
 * PipelineImageTransform. Its own generator (seed 1234 unless given) decides the probabilities and the shuffle, so a
 * pipeline with the same seed makes the same choices; each transform uses its own generator as usual.
 */
public class PipelineImageTransform extends BaseImageTransform<Object> {
    public static final long DEFAULT_SEED = 1234;

    protected List<Pair<ImageTransform, Double>> imageTransforms;
    protected boolean shuffle;
    protected Random rng;
    private final List<ImageTransform> lastRun = new ArrayList<>();

    public PipelineImageTransform(ImageTransform... transforms) { this(DEFAULT_SEED, false, transforms); }

    public PipelineImageTransform(long seed, boolean shuffle, ImageTransform... transforms) {
        this(seed, withProbabilityOne(transforms), shuffle);
    }

    public PipelineImageTransform(List<Pair<ImageTransform, Double>> transforms) { this(DEFAULT_SEED, transforms, false); }

    public PipelineImageTransform(List<Pair<ImageTransform, Double>> transforms, boolean shuffle) { this(DEFAULT_SEED, transforms, shuffle); }

    public PipelineImageTransform(long seed, List<Pair<ImageTransform, Double>> transforms) { this(seed, transforms, false); }

    public PipelineImageTransform(long seed, List<Pair<ImageTransform, Double>> transforms, boolean shuffle) { this(null, seed, transforms, shuffle); }

    public PipelineImageTransform(Random random, long seed, List<Pair<ImageTransform, Double>> transforms, boolean shuffle) {
        super(null);
        for (Pair<ImageTransform, Double> p : transforms) {
            if (p.getFirst() == null) throw new IllegalArgumentException("PipelineImageTransform: null transform");
            double pr = p.getSecond() == null ? 1.0 : p.getSecond();
            if (!(pr >= 0 && pr <= 1)) throw new IllegalArgumentException("PipelineImageTransform: probability " + pr + " is not in [0, 1]");
        }
        this.imageTransforms = new ArrayList<>(transforms);
        this.shuffle = shuffle;
        this.rng = new Random(seed);
    }

    private static List<Pair<ImageTransform, Double>> withProbabilityOne(ImageTransform... transforms) {
        List<Pair<ImageTransform, Double>> l = new ArrayList<>();
        for (ImageTransform t : transforms) l.add(new Pair<>(t, 1.0));
        return l;
    }

    /** The transforms and their probabilities (in the order of the last call when shuffling). */
    public List<Pair<ImageTransform, Double>> getImageTransforms() { return Collections.unmodifiableList(imageTransforms); }

    @Override
    public ImageWritable transform(ImageWritable image, Random random) {
        if (image == null) return null;
        if (shuffle) Collections.shuffle(imageTransforms, rng);
        lastRun.clear();
        for (Pair<ImageTransform, Double> t : imageTransforms) {
            double p = t.getSecond() == null ? 1.0 : t.getSecond();
            if (p == 1.0 || rng.nextDouble() < p) {
                image = t.getFirst().transform(image);
                lastRun.add(t.getFirst());
            }
        }
        currentImage = image;
        return image;
    }

    @Override
    protected ImageWritable doTransform(ImageWritable image, Random random) { return transform(image, random); }

    /** Maps coordinates through the transforms in the order they last ran (those that ran). */
    @Override
    public float[] query(float... coordinates) {
        float[] c = coordinates.clone();
        for (ImageTransform t : lastRun) c = t.query(c);
        return c;
    }

    /** The transforms that ran on the last image, in order. */
    public List<ImageTransform> getLastRun() { return Collections.unmodifiableList(lastRun); }

    public static class Builder {
        protected List<Pair<ImageTransform, Double>> imageTransforms = new ArrayList<>();
        protected Long seed;

        public Builder setSeed(long seed) { this.seed = seed; return this; }

        public Builder addImageTransform(ImageTransform transform) { return addImageTransform(transform, 1.0); }

        /** Probabilities outside [0, 1] are clamped, as in DataVec. */
        public Builder addImageTransform(ImageTransform transform, Double probability) {
            if (transform == null) throw new IllegalArgumentException("PipelineImageTransform.Builder: transform is null");
            double p = Math.max(0.0, Math.min(1.0, probability));
            imageTransforms.add(Pair.makePair(transform, p));
            return this;
        }

        public PipelineImageTransform build() {
            return seed != null ? new PipelineImageTransform(seed, imageTransforms) : new PipelineImageTransform(imageTransforms);
        }
    }
}
