"""Independent numpy implementations of the zoo networks, the oracles the Java engine is checked against (test and
benchmark code only; the architecture tables they run live in ``pydl4j_transfer.weights``).

* :mod:`.efficientnet_lite` — forward pass from engine-named weights; :func:`efficientnet_lite.preprocess`.
* :mod:`.vgg16` — VGG-16 layer table and forward pass (NCHW, fc1 rows in CHW order).
* :mod:`.ops` — the numpy building blocks (conv, depthwise conv with TF-SAME padding, batch norm, pooling).
"""

from . import efficientnet_lite, ops, vgg16

__all__ = ["efficientnet_lite", "ops", "vgg16"]
