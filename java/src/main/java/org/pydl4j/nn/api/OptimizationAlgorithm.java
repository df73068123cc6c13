package org.pydl4j.nn.api;

/**
 * The optimization algorithm, as DL4J's OptimizationAlgorithm. Training here is minibatch stochastic gradient
 * descent with the configured updater; the line-search algorithms are refused when the configuration is built.
 */
public enum OptimizationAlgorithm {
    LINE_GRADIENT_DESCENT, CONJUGATE_GRADIENT, LBFGS, STOCHASTIC_GRADIENT_DESCENT
}
