"""VGG-16 as plain data: the layer table the weight mapping checks every shape against (the numpy reference in
``tests/support/reference`` runs it). 3x3 convolutions, stride 1, "same" padding, ReLU; 2x2/2 max pooling after
each block; then flatten, fc1 and fc2 with ReLU, predictions with softmax.
"""

from __future__ import annotations

# (vertex, in_channels, out_channels) of the 13 convolutions, in order; a pool follows the last of each block.
VGG16_CONV = (
    ("block1_conv1", 3, 64), ("block1_conv2", 64, 64),
    ("block2_conv1", 64, 128), ("block2_conv2", 128, 128),
    ("block3_conv1", 128, 256), ("block3_conv2", 256, 256), ("block3_conv3", 256, 256),
    ("block4_conv1", 256, 512), ("block4_conv2", 512, 512), ("block4_conv3", 512, 512),
    ("block5_conv1", 512, 512), ("block5_conv2", 512, 512), ("block5_conv3", 512, 512),
)
VGG16_POOL_AFTER = ("block1_conv2", "block2_conv2", "block3_conv3", "block4_conv3", "block5_conv3")
# (vertex, nIn, nOut, activation) of the top, for 224x224 input (7x7x512 after block5's pool).
VGG16_DENSE = (("fc1", 7 * 7 * 512, 4096, "relu"), ("fc2", 4096, 4096, "relu"), ("predictions", 4096, 1000, "softmax"))

# Keras' "caffe" preprocessing for VGG-16: RGB -> BGR, then subtract these per-channel means (B, G, R).
CAFFE_BGR_MEAN = (103.939, 116.779, 123.68)
