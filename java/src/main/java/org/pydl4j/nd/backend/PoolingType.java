package org.pydl4j.nd.backend;

/** Pooling reductions a backend implements. AVG excludes padded positions from the divisor (as Keras/TF). */
public enum PoolingType { MAX, AVG }
