package org.pydl4j.nn.conf;

/** DL4J's BackpropType: Standard backpropagation; truncated BPTT (recurrent networks) does not exist here. */
public enum BackpropType {
    Standard, TruncatedBPTT
}
