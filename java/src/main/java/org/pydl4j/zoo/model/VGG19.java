package org.pydl4j.zoo.model;

/** VGG-19, the same table as VGG-16 with four convolutions in blocks 3 to 5; {@code VGG19.builder().build()}. */
public class VGG19 extends Vgg {
    protected VGG19() {
        super("vgg19", new int[][]{{64, 64}, {128, 128}, {256, 256, 256, 256}, {512, 512, 512, 512}, {512, 512, 512, 512}},
                2782932419L, "cbe5617147190e668d6c5d5026f83318", "253f8cb515780f3b799900260a226db6");
    }

    public static Builder builder() { return new Builder(); }

    public static class Builder extends Vgg.Builder<VGG19, Builder> {
        Builder() { super(new VGG19()); }
    }
}
