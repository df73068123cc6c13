package org.pydl4j.zoo.model;

import java.util.List;
import org.pydl4j.zoo.Checksum;
import org.pydl4j.zoo.WeightSource;

/** VGG-19, the same table as VGG-16 with four convolutions in blocks 3 to 5; {@code VGG19.builder().build()}. */
public class VGG19 extends Vgg {
    private static final int[][] BLOCKS = {{64, 64}, {128, 128}, {256, 256, 256, 256}, {512, 512, 512, 512}, {512, 512, 512, 512}};

    protected VGG19() {}

    public static Builder builder() { return new Builder(); }

    @Override protected int[][] blocks() { return BLOCKS; }

    @Override protected String family() { return "vgg19"; }

    @Override
    protected List<WeightSource> topWeights() {
        return List.of(
                new WeightSource("vgg19_dl4j_inference.zip", DL4J_MODELS + "vgg19_dl4j_inference.zip",
                        Checksum.adler32(2782932419L), WeightSource.Format.DL4J_ZIP),
                converted("vgg19"),
                keras("vgg19", "vgg19_weights_tf_dim_ordering_tf_kernels.h5", "cbe5617147190e668d6c5d5026f83318"));
    }

    @Override
    protected List<WeightSource> notopWeights() {
        return List.of(converted("vgg19_notop"),
                keras("vgg19", "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5", "253f8cb515780f3b799900260a226db6"));
    }

    public static class Builder extends Vgg.Builder<VGG19, Builder> {
        Builder() { super(new VGG19()); }
    }
}
