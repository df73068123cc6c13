"""Locate TensorFlow's ``flower_photos`` data set (five classes of Flickr photos, CC-BY 2.0), downloading it once.

Where it is looked for, in order:

1. ``$FLOWERS_DIR`` (must be a folder with one sub-folder per class);
2. ``../shared/datasets/flower_photos`` next to the source checkout (the project's shared data);
3. ``$PYDL4J_HOME/datasets/flower_photos`` (an earlier download);
4. a download of :data:`URL` into ``$PYDL4J_HOME/datasets``. The archive is checked against the size and SHA-256
   that TensorFlow Datasets publishes for it (``url_checksums/tf_flowers.txt``), written to a ``.part`` file and
   renamed only once verified, then extracted safely (no absolute paths, no ``..``, no links) into a temporary
   folder that is renamed into place. Offline, one :class:`FlowersUnavailable` message says what to do.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from .data.feature_cache import pydl4j_home
from .jvm import REPO_ROOT

URL = "https://storage.googleapis.com/download.tensorflow.org/example_images/flower_photos.tgz"
#: Published by TensorFlow Datasets for this archive (url_checksums/tf_flowers.txt).
SIZE = 228_813_984
SHA256 = "4c54ace7911aaffe13a365c34f650e71dd5bf1be0a58b464e5a7183e3e595d9c"
CLASSES = ("daisy", "dandelion", "roses", "sunflowers", "tulips")
ENV = "FLOWERS_DIR"


class FlowersUnavailable(RuntimeError):
    """The data set is neither on disk nor downloadable; the message says where to put it."""


def shared_location() -> Path:
    return REPO_ROOT.parent / "shared" / "datasets" / "flower_photos"


def download_location() -> Path:
    return pydl4j_home() / "datasets" / "flower_photos"


def locate_flowers(download: bool = True, progress: bool = True) -> Path:
    """The ``flower_photos`` folder (see the module doc for the search order)."""
    env = os.environ.get(ENV)
    if env:
        path = Path(env).expanduser()
        if not path.is_dir():
            raise FlowersUnavailable(f"{ENV}={env} is not a folder; point it at flower_photos (one sub-folder per "
                                     "class) or unset it")
        return path
    for candidate in (shared_location(), download_location()):
        if _looks_complete(candidate):
            return candidate
    if not download:
        raise FlowersUnavailable(f"flower_photos not found in {shared_location()} or {download_location()}; set "
                                 f"{ENV} to the folder")
    return fetch_flowers(download_location().parent, progress=progress)


def _looks_complete(folder: Path) -> bool:
    return folder.is_dir() and all((folder / c).is_dir() for c in CLASSES)


def fetch_flowers(target_dir: str | os.PathLike, *, url: str = URL, progress: bool = True,
                  timeout: float = 30.0) -> Path:
    """Download, verify and extract the archive into ``target_dir/flower_photos``; returns that folder."""
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    archive = target_dir / "flower_photos.tgz"
    if not (archive.is_file() and archive.stat().st_size == SIZE and _sha256(archive) == SHA256):
        _download(url, archive, progress=progress, timeout=timeout)
    return _extract(archive, target_dir)


def _download(url: str, archive: Path, *, progress: bool, timeout: float) -> None:
    part = archive.with_name(archive.name + ".part")
    digest = hashlib.sha256()
    size = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(part, "wb") as out:
            total = int(response.headers.get("Content-Length") or SIZE)
            bar = None
            if progress:
                from tqdm.auto import tqdm

                bar = tqdm(total=total, unit="B", unit_scale=True, desc="flower_photos.tgz", file=sys.stderr)
            for chunk in iter(lambda: response.read(1 << 20), b""):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                if bar is not None:
                    bar.update(len(chunk))
            if bar is not None:
                bar.close()
            out.flush()
            os.fsync(out.fileno())
    except (urllib.error.URLError, OSError, TimeoutError) as e:
        part.unlink(missing_ok=True)
        raise FlowersUnavailable(f"cannot download {url} ({getattr(e, 'reason', e)}). Offline? Download it elsewhere "
                                 f"and extract it, then set {ENV}=/path/to/flower_photos, or put the archive at "
                                 f"{archive}") from None
    if size != SIZE or digest.hexdigest() != SHA256:
        part.unlink(missing_ok=True)
        raise FlowersUnavailable(f"downloaded {url} is {size} bytes with SHA-256 {digest.hexdigest()}, expected "
                                 f"{SIZE} bytes and {SHA256}; try again or set {ENV}")
    os.replace(part, archive)


def _extract(archive: Path, target_dir: Path) -> Path:
    final = target_dir / "flower_photos"
    staging = Path(tempfile.mkdtemp(prefix=".flower_photos.", dir=target_dir))
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = []
            for member in tar.getmembers():
                name = Path(member.name)
                if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
                    raise FlowersUnavailable(f"{archive}: unsafe entry {member.name!r}; delete the file and retry")
                members.append(member)
            tar.extractall(staging, members=members)
        extracted = staging / "flower_photos"
        if not _looks_complete(extracted):
            raise FlowersUnavailable(f"{archive} does not hold flower_photos/{{{','.join(CLASSES)}}}; delete it")
        if final.exists():
            shutil.rmtree(final)
        os.replace(extracted, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
