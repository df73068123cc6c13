package org.pydl4j.nn.conf;

import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.learning.config.Nesterovs;
import org.pydl4j.nd.learning.config.Sgd;
import org.pydl4j.nn.conf.graph.ElementWiseVertex;
import org.pydl4j.nn.conf.graph.LayerVertex;
import org.pydl4j.nn.conf.graph.MergeVertex;
import org.pydl4j.nn.conf.graph.PreprocessorVertex;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.LayerKinds;
import org.pydl4j.nn.conf.layers.misc.FrozenLayer;
import org.pydl4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.pydl4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.pydl4j.util.json.TypeNames;

/**
 * The stable type names of the saved configuration format (format 2) for everything but layers (layers are named
 * by their {@link org.pydl4j.nn.conf.layers.LayerKind}): one line per type. A class without a name is still saved,
 * under its Java class name, until it gets one here.
 */
public final class ConfigTypes {
    private ConfigTypes() {}

    static {
        TypeNames.register("ComputationGraphConfiguration", ComputationGraphConfiguration.class);
        TypeNames.register("NeuralNetConfiguration", NeuralNetConfiguration.class);
        TypeNames.register("vertex.Layer", LayerVertex.class);
        TypeNames.register("vertex.ElementWise", ElementWiseVertex.class);
        TypeNames.register("vertex.Merge", MergeVertex.class);
        TypeNames.register("vertex.Preprocessor", PreprocessorVertex.class);
        TypeNames.register("preprocessor.CnnToFeedForward", CnnToFeedForwardPreProcessor.class);
        TypeNames.register("preprocessor.FeedForwardToCnn", FeedForwardToCnnPreProcessor.class);
        TypeNames.register("input.FeedForward", InputType.InputTypeFeedForward.class);
        TypeNames.register("input.Convolutional", InputType.InputTypeConvolutional.class);
        TypeNames.register("input.ConvolutionalFlat", InputType.InputTypeConvolutionalFlat.class);
        TypeNames.register("layer.Frozen", FrozenLayer.class);
        TypeNames.register("updater.Sgd", Sgd.class);
        TypeNames.register("updater.Nesterovs", Nesterovs.class);
        TypeNames.register("updater.Adam", Adam.class);
        for (Class<?> u : new Class<?>[]{org.pydl4j.nd.learning.config.AMSGrad.class, org.pydl4j.nd.learning.config.AdaDelta.class,
                org.pydl4j.nd.learning.config.AdaGrad.class, org.pydl4j.nd.learning.config.AdaMax.class, org.pydl4j.nd.learning.config.Nadam.class,
                org.pydl4j.nd.learning.config.NoOp.class, org.pydl4j.nd.learning.config.RmsProp.class}) {
            TypeNames.register("updater." + u.getSimpleName(), u);
        }
        for (Class<?> d : new Class<?>[]{org.pydl4j.nn.conf.distribution.BinomialDistribution.class, org.pydl4j.nn.conf.distribution.ConstantDistribution.class,
                org.pydl4j.nn.conf.distribution.GaussianDistribution.class, org.pydl4j.nn.conf.distribution.LogNormalDistribution.class,
                org.pydl4j.nn.conf.distribution.NormalDistribution.class, org.pydl4j.nn.conf.distribution.TruncatedNormalDistribution.class,
                org.pydl4j.nn.conf.distribution.UniformDistribution.class}) {
            TypeNames.register("distribution." + d.getSimpleName(), d);
        }
        TypeNames.register("MultiLayerConfiguration", MultiLayerConfiguration.class);
        LayerKinds.all();   // the layer kinds register their names
    }

    /** Makes sure every built-in name is registered (reading and writing configurations call this first). */
    public static void ensureRegistered() { }
}
