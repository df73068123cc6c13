package org.pydl4j.zoo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.pydl4j.zoo.model.EfficientNetLite;
import org.pydl4j.zoo.model.MobileNetV2;
import org.pydl4j.zoo.model.ResNet50;
import org.pydl4j.zoo.model.VGG16;
import org.pydl4j.zoo.model.VGG19;

/** The zoo by name, for the command line and the Python driver: {@code Zoo.model("vgg16", 1000)}. */
public final class Zoo {
    private Zoo() {}

    private static final Map<String, IntFunction<ZooModel>> MODELS = new LinkedHashMap<>();
    static {
        MODELS.put("vgg16", n -> VGG16.builder().numClasses(n).build());
        MODELS.put("vgg16_notop", n -> VGG16.builder().numClasses(n).includeTop(false).build());
        MODELS.put("vgg19", n -> VGG19.builder().numClasses(n).build());
        MODELS.put("vgg19_notop", n -> VGG19.builder().numClasses(n).includeTop(false).build());
        for (int v = 0; v <= 2; v++) {
            int variant = v;
            MODELS.put("efficientnet-lite" + v, n -> EfficientNetLite.builder(variant).numClasses(n).build());
        }
        MODELS.put("resnet50", n -> ResNet50.builder().numClasses(n).build());
        MODELS.put("resnet50_notop", n -> ResNet50.builder().numClasses(n).includeTop(false).build());
        MODELS.put("mobilenetv2", n -> MobileNetV2.builder().numClasses(n).build());
        MODELS.put("mobilenetv2_notop", n -> MobileNetV2.builder().numClasses(n).includeTop(false).build());
    }

    public static List<String> names() { return List.copyOf(MODELS.keySet()); }

    /** The named model with the given number of classes; an unknown name is an error listing the known ones. */
    public static ZooModel model(String name, int numClasses) {
        IntFunction<ZooModel> f = MODELS.get(name == null ? "" : name.toLowerCase());
        if (f == null) throw new IllegalArgumentException("unknown zoo model '" + name + "'; known: " + String.join(", ", names()));
        return f.apply(numClasses);
    }

    public static ZooModel model(String name) { return model(name, 1000); }
}
