"""Weight import: readers that turn model files into ordered dicts of numpy arrays (no torch, no TensorFlow), and the
mappings from source names/layouts to the engine's ``{vertex}_{param}`` table.

* :func:`read_torch_state_dict` — ``torch.save`` files, zip and legacy formats,
  restricted unpickling.
* :func:`read_safetensors` / :func:`write_safetensors` — safetensors.
* :func:`read_keras_h5` / :func:`write_keras_h5` — Keras HDF5 weight files (``{layer: {kernel, bias, ...}}``).
* :mod:`.mapping` — VGG-16 (Keras) and EfficientNet-Lite (PyTorch) to engine params.
* :func:`sha256_file`, :func:`verify_sha256`; every reader raises :class:`WeightFormatError` naming the file.
"""

from .checksum import sha256_file, verify_sha256
from .errors import WeightFormatError
from .keras_h5_reader import read_keras_h5, write_keras_h5
from .mapping import (WeightMappingError, efficientnet_lite_from_torch, efficientnet_lite_key_map,
                      split_param_key, vgg16_from_keras, vgg16_keras_shapes)
from .model_files import efficientnet_lite_pth
from .safetensors_reader import read_safetensors, read_safetensors_metadata, write_safetensors, write_safetensors_to
from .torch_reader import read_torch_state_dict

__all__ = [
    "WeightFormatError", "WeightMappingError", "sha256_file", "verify_sha256",
    "read_torch_state_dict",
    "read_safetensors", "read_safetensors_metadata", "write_safetensors", "write_safetensors_to",
    "read_keras_h5", "write_keras_h5",
    "vgg16_from_keras", "vgg16_keras_shapes", "efficientnet_lite_from_torch", "efficientnet_lite_key_map",
    "split_param_key", "efficientnet_lite_pth",
]
