package org.pydl4j.nd.lossfunctions;

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

/** Loss functions by name, as ND4J's {@code org.nd4j.linalg.lossfunctions.LossFunctions}. */
public final class LossFunctions {
    private LossFunctions() {}

    public enum LossFunction {
        /** Multi-class cross entropy: -sum(labels * log(output)) per example. */
        MCXENT,
        /** Same as MCXENT (as in DL4J). */
        NEGATIVELOGLIKELIHOOD,
        /** Mean squared error: sum((output - labels)^2) / nOut per example. */
        MSE,
        /** Binary cross entropy (sigmoid outputs, multi-label). */
        XENT,
        /** Kullback-Leibler divergence sum(y log(y / p)). */
        KL_DIVERGENCE,
        /** sum |p - y|. */
        L1,
        /** sum (p - y)^2. */
        L2,
        /** sum max(0, 1 - y p), labels -1/+1. */
        HINGE,
        /** sum max(0, 1 - y p)^2, labels -1/+1. */
        SQUARED_HINGE,
        /** -cos(y, p) per example. */
        COSINE_PROXIMITY,
        /** sum (p - y log p). */
        POISSON,
        /** sum |p - y| / nOut. */
        MEAN_ABSOLUTE_ERROR,
        /** Same as MSE (as in DL4J). */
        SQUARED_LOSS,
        /** Same as KL_DIVERGENCE (as in DL4J). */
        RECONSTRUCTION_CROSSENTROPY,
        /** 100 |(y - p) / y| / nOut. */
        MEAN_ABSOLUTE_PERCENTAGE_ERROR,
        /** sum (log(p + 1) - log(y + 1))^2 / nOut. */
        MEAN_SQUARED_LOGARITHMIC_ERROR;

        public ILossFunction getILossFunction() {
            switch (this) {
                case MCXENT: return new LossMCXENT();
                case NEGATIVELOGLIKELIHOOD: return new LossNegativeLogLikelihood();
                case MSE: case SQUARED_LOSS: return new LossMSE();
                case XENT: return new LossBinaryXENT();
                case KL_DIVERGENCE: case RECONSTRUCTION_CROSSENTROPY: return new LossKLD();
                case L1: return new LossL1();
                case L2: return new LossL2();
                case HINGE: return new LossHinge();
                case SQUARED_HINGE: return new LossSquaredHinge();
                case COSINE_PROXIMITY: return new LossCosineProximity();
                case POISSON: return new LossPoisson();
                case MEAN_ABSOLUTE_ERROR: return new LossMAE();
                case MEAN_ABSOLUTE_PERCENTAGE_ERROR: return new LossMAPE();
                case MEAN_SQUARED_LOGARITHMIC_ERROR: return new LossMSLE();
                default: throw new IllegalStateException("no implementation for " + this);
            }
        }
    }
}
