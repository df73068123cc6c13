package org.pydl4j.nn.conf;

/**
 * DL4J's CacheMode (caching of layer inputs between forward and backward passes). Accepted for compatibility: the
 * engine here always keeps what backpropagation needs for the current step and releases it when the step ends.
 */
public enum CacheMode {
    NONE, HOST, DEVICE
}
