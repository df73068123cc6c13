package org.pydl4j.zoo.model;

import java.util.List;
import org.pydl4j.zoo.Checksum;
import org.pydl4j.zoo.WeightSource;

/** VGG-16 (Simonyan and Zisserman, 2014) with DL4J's pretrained vertex names; {@code VGG16.builder().build()}. */
public class VGG16 extends Vgg {
    private static final int[][] BLOCKS = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};

    protected VGG16() {}

    public static Builder builder() { return new Builder(); }

    @Override protected int[][] blocks() { return BLOCKS; }

    @Override protected String family() { return "vgg16"; }

    @Override
    protected List<WeightSource> topWeights() {
        return List.of(
                new WeightSource("vgg16_dl4j_inference.zip", DL4J_MODELS + "vgg16_dl4j_inference.zip",
                        Checksum.adler32(3501732770L), WeightSource.Format.DL4J_ZIP),
                converted("vgg16"),
                keras("vgg16", "vgg16_weights_tf_dim_ordering_tf_kernels.h5", "64373286793e3c8b2b4e3219cbf3544b"));
    }

    @Override
    protected List<WeightSource> notopWeights() {
        return List.of(converted("vgg16_notop"),
                keras("vgg16", "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5", "6d6bbae143d832006294945121d1f1fc"));
    }

    public static class Builder extends Vgg.Builder<VGG16, Builder> {
        Builder() { super(new VGG16()); }
    }
}
