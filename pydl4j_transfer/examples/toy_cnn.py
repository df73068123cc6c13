"""Trains a small CNN to tell circles from squares (28x28 grey images made with numpy) through the Python bridge.

The network is built with the engine's DL4J-style Java API (ComputationGraph, ConvolutionLayer, SubsamplingLayer,
DenseLayer, OutputLayer) called through JPype; data moves as numpy arrays via ``to_indarray`` / ``to_numpy``.

    python -m pydl4j_transfer.examples.toy_cnn [--epochs 5] [--train 1024] [--test 256] [--seed 7] [--backend cpu]

Prints the loss per epoch and the test accuracy (chance is 0.5). ``--transfer`` runs the transfer-learning version
instead (:mod:`~pydl4j_transfer.examples.toy_transfer`: pretrained on drawn digit glyphs, convolutions frozen, against
the same network from scratch; arguments after ``--transfer`` go to it).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from pydl4j_transfer import jvm

SIZE = 28
CLASSES = ("circle", "square")


def make_shapes(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n images [n, 1, 28, 28] float32 in [0, 1] and one-hot labels [n, 2]; balanced, outlines or filled, noisy."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32)
    images = np.empty((n, 1, SIZE, SIZE), dtype=np.float32)
    labels = np.zeros((n, len(CLASSES)), dtype=np.float32)
    for i in range(n):
        cls = i % 2
        r = rng.uniform(4.0, 9.0)
        cy, cx = rng.uniform(r + 1, SIZE - r - 1, size=2)
        if cls == 0:
            dist = np.hypot(yy - cy, xx - cx)
        else:
            dist = np.maximum(np.abs(yy - cy), np.abs(xx - cx))
        if rng.random() < 0.5:
            shape = (dist <= r).astype(np.float32)
        else:
            shape = (np.abs(dist - r) <= 1.0).astype(np.float32)
        noisy = shape * rng.uniform(0.6, 1.0) + rng.normal(0.0, 0.1, size=shape.shape).astype(np.float32)
        images[i, 0] = np.clip(noisy, 0.0, 1.0)
        labels[i, cls] = 1.0
    order = rng.permutation(n)
    return images[order], labels[order]


def build_network(seed: int, num_classes: int = len(CLASSES)):
    """conv5x5(8) - maxpool2 - conv3x3(16) - maxpool2 - dense(32) - softmax(num_classes), Adam 1e-3."""
    J = jvm.java_class
    NeuralNetConfiguration = J("org.pydl4j.nn.conf.NeuralNetConfiguration")
    InputType = J("org.pydl4j.nn.conf.inputs.InputType")
    ConvolutionLayer = J("org.pydl4j.nn.conf.layers.ConvolutionLayer")
    SubsamplingLayer = J("org.pydl4j.nn.conf.layers.SubsamplingLayer")
    DenseLayer = J("org.pydl4j.nn.conf.layers.DenseLayer")
    OutputLayer = J("org.pydl4j.nn.conf.layers.OutputLayer")
    Activation = J("org.pydl4j.nd.activations.Activation")
    LossFunctions = J("org.pydl4j.nd.lossfunctions.LossFunctions")
    WeightInit = J("org.pydl4j.nn.weights.WeightInit")
    Adam = J("org.pydl4j.nd.learning.config.Adam")
    ComputationGraph = J("org.pydl4j.nn.graph.ComputationGraph")

    conf = (
        NeuralNetConfiguration.Builder()
        .seed(seed)
        .updater(Adam(1e-3))
        .weightInit(WeightInit.XAVIER)
        .graphBuilder()
        .addInputs("input")
        .setInputTypes(InputType.convolutional(SIZE, SIZE, 1))
        .addLayer("conv1", ConvolutionLayer.Builder(5, 5).stride(1, 1).nOut(8)
                  .activation(Activation.RELU).build(), "input")
        .addLayer("pool1", SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                  .stride(2, 2).build(), "conv1")
        .addLayer("conv2", ConvolutionLayer.Builder(3, 3).stride(1, 1).nOut(16)
                  .activation(Activation.RELU).build(), "pool1")
        .addLayer("pool2", SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                  .stride(2, 2).build(), "conv2")
        .addLayer("dense", DenseLayer.Builder().nOut(32).activation(Activation.RELU).build(), "pool2")
        .addLayer("output", OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(int(num_classes))
                  .activation(Activation.SOFTMAX).build(), "dense")
        .setOutputs("output")
        .build()
    )
    net = ComputationGraph(conf)
    net.init()
    return net


def predict(net, images: np.ndarray, batch: int = 128) -> np.ndarray:
    """Class probabilities [n, 2] for images [n, 1, 28, 28]."""
    parts = []
    for start in range(0, len(images), batch):
        out = net.outputSingle(jvm.to_indarray(images[start:start + batch]))
        parts.append(jvm.to_numpy(out, copy=True))
    return np.concatenate(parts)


def run(epochs: int = 5, n_train: int = 1024, n_test: int = 256, batch: int = 32, seed: int = 7,
        backend: str | None = None) -> float:
    """Trains and returns the test accuracy."""
    jvm.start_jvm(backend=backend)
    DataSet = jvm.java_class("org.pydl4j.nd.dataset.DataSet")
    x_train, y_train = make_shapes(n_train, seed)
    x_test, y_test = make_shapes(n_test, seed + 1)
    net = build_network(seed)
    print(f"toy CNN: {n_train} train / {n_test} test images {SIZE}x{SIZE}, backend {jvm.backend_name()}")
    rng = np.random.default_rng(seed)
    for epoch in range(1, epochs + 1):
        t0 = time.perf_counter()
        order = rng.permutation(n_train)
        losses = []
        for start in range(0, n_train, batch):
            idx = order[start:start + batch]
            net.fit(DataSet(jvm.to_indarray(x_train[idx]), jvm.to_indarray(y_train[idx])))
            losses.append(float(net.score()))
        print(f"epoch {epoch}: mean loss {np.mean(losses):.4f}  ({time.perf_counter() - t0:.1f} s)")
    probs = predict(net, x_test)
    accuracy = float(np.mean(probs.argmax(axis=1) == y_test.argmax(axis=1)))
    print(f"test accuracy: {accuracy:.3f}")
    return accuracy


def main(argv: list[str] | None = None) -> int:
    import sys

    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--transfer"]:
        from pydl4j_transfer.examples import toy_transfer

        return toy_transfer.main(argv[1:])
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--train", type=int, default=1024)
    p.add_argument("--test", type=int, default=256)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--backend", choices=("reference", "cpu", "cuda"), default=None)
    a = p.parse_args(argv)
    run(a.epochs, a.train, a.test, a.batch, a.seed, a.backend)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
