package org.pydl4j.nn.conf;

import java.util.List;
import org.pydl4j.nd.learning.config.AMSGrad;
import org.pydl4j.nd.learning.config.AdaDelta;
import org.pydl4j.nd.learning.config.AdaGrad;
import org.pydl4j.nd.learning.config.AdaMax;
import org.pydl4j.nd.learning.config.Adam;
import org.pydl4j.nd.learning.config.Nadam;
import org.pydl4j.nd.learning.config.Nesterovs;
import org.pydl4j.nd.learning.config.NoOp;
import org.pydl4j.nd.learning.config.RmsProp;
import org.pydl4j.nd.learning.config.Sgd;
import org.pydl4j.nd.lossfunctions.impl.LossBinaryXENT;
import org.pydl4j.nd.lossfunctions.impl.LossCosineProximity;
import org.pydl4j.nd.lossfunctions.impl.LossHinge;
import org.pydl4j.nd.lossfunctions.impl.LossKLD;
import org.pydl4j.nd.lossfunctions.impl.LossL1;
import org.pydl4j.nd.lossfunctions.impl.LossL2;
import org.pydl4j.nd.lossfunctions.impl.LossMAE;
import org.pydl4j.nd.lossfunctions.impl.LossMAPE;
import org.pydl4j.nd.lossfunctions.impl.LossMCXENT;
import org.pydl4j.nd.lossfunctions.impl.LossMSE;
import org.pydl4j.nd.lossfunctions.impl.LossMSLE;
import org.pydl4j.nd.lossfunctions.impl.LossNegativeLogLikelihood;
import org.pydl4j.nd.lossfunctions.impl.LossPoisson;
import org.pydl4j.nd.lossfunctions.impl.LossSquaredHinge;
import org.pydl4j.nd.schedule.CycleSchedule;
import org.pydl4j.nd.schedule.ExponentialSchedule;
import org.pydl4j.nd.schedule.FixedSchedule;
import org.pydl4j.nd.schedule.InverseSchedule;
import org.pydl4j.nd.schedule.MapSchedule;
import org.pydl4j.nd.schedule.PolySchedule;
import org.pydl4j.nd.schedule.RampSchedule;
import org.pydl4j.nd.schedule.SigmoidSchedule;
import org.pydl4j.nd.schedule.StepSchedule;
import org.pydl4j.nn.conf.distribution.BinomialDistribution;
import org.pydl4j.nn.conf.distribution.ConstantDistribution;
import org.pydl4j.nn.conf.distribution.GaussianDistribution;
import org.pydl4j.nn.conf.distribution.LogNormalDistribution;
import org.pydl4j.nn.conf.distribution.NormalDistribution;
import org.pydl4j.nn.conf.distribution.TruncatedNormalDistribution;
import org.pydl4j.nn.conf.distribution.UniformDistribution;
import org.pydl4j.nn.conf.graph.ChannelScaleVertex;
import org.pydl4j.nn.conf.graph.ElementWiseVertex;
import org.pydl4j.nn.conf.graph.LayerVertex;
import org.pydl4j.nn.conf.graph.MergeVertex;
import org.pydl4j.nn.conf.graph.PreprocessorVertex;
import org.pydl4j.nn.conf.inputs.InputType;
import org.pydl4j.nn.conf.layers.LayerKinds;
import org.pydl4j.nn.conf.layers.misc.FrozenLayer;
import org.pydl4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.pydl4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.pydl4j.util.json.JsonType;

/**
 * The stable type names of the saved configuration format (format 3) for everything but layers (layers are named
 * by their {@link org.pydl4j.nn.conf.layers.LayerKind}): one line per type, naming the type's declared fields (its
 * {@code JSON} constant). A class without a name cannot be saved. Format 3 named the schedules, the loss functions
 * and ChannelScaleVertex (earlier files name their Java classes, which still resolve).
 */
public final class ConfigTypes {
    private ConfigTypes() {}

    /**
     * The version of the saved configuration format: 1 named Java classes, 2 gave types stable names, 3 declares
     * every type's fields (a file must have them all) and names schedules, loss functions and ChannelScaleVertex.
     */
    public static final int FORMAT_VERSION = 3;

    /**
     * The built-in saved types besides layer kinds: each names itself in its declaration ({@code JSON}, see
     * JsonType.Builder#named), which registers the name when its class is loaded; this list loads them all before
     * a file is read. One line per type.
     */
    private static final List<JsonType<?>> BUILT_IN = List.of(
            ComputationGraphConfiguration.JSON,
            NeuralNetConfiguration.JSON,
            LayerVertex.JSON,
            ElementWiseVertex.JSON,
            MergeVertex.JSON,
            PreprocessorVertex.JSON,
            ChannelScaleVertex.JSON,   // format 3
            CnnToFeedForwardPreProcessor.JSON,
            FeedForwardToCnnPreProcessor.JSON,
            InputType.InputTypeFeedForward.JSON,
            InputType.InputTypeConvolutional.JSON,
            InputType.InputTypeConvolutionalFlat.JSON,
            FrozenLayer.JSON,
            Sgd.JSON,
            Nesterovs.JSON,
            Adam.JSON,
            AMSGrad.JSON,
            AdaDelta.JSON,
            AdaGrad.JSON,
            AdaMax.JSON,
            Nadam.JSON,
            NoOp.JSON,
            RmsProp.JSON,
            BinomialDistribution.JSON,
            ConstantDistribution.JSON,
            GaussianDistribution.JSON,
            LogNormalDistribution.JSON,
            NormalDistribution.JSON,
            TruncatedNormalDistribution.JSON,
            UniformDistribution.JSON,
            // format 3: schedules and loss functions got names (format 1 and 2 files name their classes)
            CycleSchedule.JSON,
            ExponentialSchedule.JSON,
            FixedSchedule.JSON,
            InverseSchedule.JSON,
            MapSchedule.JSON,
            PolySchedule.JSON,
            RampSchedule.JSON,
            SigmoidSchedule.JSON,
            StepSchedule.JSON,
            LossBinaryXENT.JSON,
            LossCosineProximity.JSON,
            LossHinge.JSON,
            LossKLD.JSON,
            LossL1.JSON,
            LossL2.JSON,
            LossMAE.JSON,
            LossMAPE.JSON,
            LossMCXENT.JSON,
            LossMSE.JSON,
            LossMSLE.JSON,
            LossNegativeLogLikelihood.JSON,
            LossPoisson.JSON,
            LossSquaredHinge.JSON
    );

    static {
        LayerKinds.all();   // the layer kinds register their names
    }

    /** Makes sure every built-in name is registered (reading and writing configurations call this first). */
    public static void ensureRegistered() {
        // nothing to do: calling this initializes the class, which loads BUILT_IN and the layer kinds
    }
}
