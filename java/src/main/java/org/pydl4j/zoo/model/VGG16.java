package org.pydl4j.zoo.model;

/** VGG-16 (Simonyan and Zisserman, 2014) with DL4J's pretrained vertex names; {@code VGG16.builder().build()}. */
public class VGG16 extends Vgg {
    protected VGG16() {
        super("vgg16", new int[][]{{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}},
                3501732770L, "64373286793e3c8b2b4e3219cbf3544b", "6d6bbae143d832006294945121d1f1fc");
    }

    public static Builder builder() { return new Builder(); }

    public static class Builder extends Vgg.Builder<VGG16, Builder> {
        Builder() { super(new VGG16()); }
    }
}
