package org.pydl4j.zoo;

/** Data sets that zoo weights were trained on, as DL4J's PretrainedType. */
public enum PretrainedType { IMAGENET, CIFAR10, MNIST, VGGFACE, SEGMENT }
