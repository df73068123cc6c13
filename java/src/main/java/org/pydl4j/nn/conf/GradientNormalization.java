package org.pydl4j.nn.conf;

/**
 * How a layer's gradients are normalized or clipped before the updater, as DL4J's GradientNormalization (applied to
 * the loss gradient, before L1/L2 regularization is added). "Per layer" treats all of a layer's trainable
 * parameters as one vector; "per param type" each parameter (W, b, ...) separately. The clipping variants use
 * the threshold ({@code gradientNormalizationThreshold}, default 1.0).
 */
public enum GradientNormalization {
    None,
    /** g / ||g||_2 over the layer. */
    RenormalizeL2PerLayer,
    /** g / ||g||_2 per parameter. */
    RenormalizeL2PerParamType,
    /** each element clipped to [-threshold, threshold]. */
    ClipElementWiseAbsoluteValue,
    /** g * threshold / ||g||_2 over the layer when that norm exceeds the threshold. */
    ClipL2PerLayer,
    /** as ClipL2PerLayer, per parameter. */
    ClipL2PerParamType
}
