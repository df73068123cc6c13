package org.pydl4j.nd.lossfunctions;

import org.pydl4j.nd.lossfunctions.impl.LossMCXENT;
import org.pydl4j.nd.lossfunctions.impl.LossMSE;
import org.pydl4j.nd.lossfunctions.impl.LossNegativeLogLikelihood;

/** Loss functions by name, as ND4J's {@code org.nd4j.linalg.lossfunctions.LossFunctions}. */
public final class LossFunctions {
    private LossFunctions() {}

    public enum LossFunction {
        /** Multi-class cross entropy: -sum(labels * log(output)) per example. */
        MCXENT,
        /** Same as MCXENT (as in DL4J). */
        NEGATIVELOGLIKELIHOOD,
        /** Mean squared error: sum((output - labels)^2) / nOut per example. */
        MSE;

        public ILossFunction getILossFunction() {
            switch (this) {
                case MCXENT: return new LossMCXENT();
                case NEGATIVELOGLIKELIHOOD: return new LossNegativeLogLikelihood();
                case MSE: return new LossMSE();
                default: throw new IllegalStateException("no implementation for " + this);
            }
        }
    }
}
