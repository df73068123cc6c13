"""Independent numpy implementations of the zoo networks, the oracles the Java engine is checked against.

* :mod:`.efficientnet_lite_arch` — EfficientNet-Lite0/1/2 as plain data (also the Java zoo's source of truth).
* :mod:`.efficientnet_lite` — forward pass from engine-named weights; :func:`efficientnet_lite.preprocess`.
* :mod:`.vgg16` — VGG-16 layer table and forward pass (NCHW, fc1 rows in CHW order).
* :mod:`.ops` — the numpy building blocks (conv, depthwise conv with TF-SAME padding, batch norm, pooling).
"""

from . import efficientnet_lite, efficientnet_lite_arch, ops, vgg16

__all__ = ["efficientnet_lite", "efficientnet_lite_arch", "ops", "vgg16"]
