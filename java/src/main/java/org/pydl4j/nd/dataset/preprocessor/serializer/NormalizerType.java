package org.pydl4j.nd.dataset.preprocessor.serializer;

/** The kinds of normalizer a serializer strategy exists for, as ND4J's NormalizerType (only the first four here). */
public enum NormalizerType {
    STANDARDIZE, MIN_MAX, IMAGE_MIN_MAX, IMAGE_VGG16, MULTI_STANDARDIZE, MULTI_MIN_MAX, MULTI_HYBRID, CUSTOM
}
