"""Training checkpoints of a transfer job: ``RUN_DIR/checkpoint.zip``, written atomically every N epochs, and
what it takes to continue from one exactly.

The zip holds the trained part of the network as ``ModelSerializer`` writes it (``configuration.json``,
``coefficients.bin``, ``updaterState.bin``, ``pydl4j.json`` with the iteration and epoch counts) plus
``pydl4j_checkpoint.json``: the job state needed to go on as if never stopped -- the last finished epoch, the state
of the shuffling random generator after it, the history so far -- and what the run was computed from, to refuse a
resume on other data or with other options: the options, labels, the split (relative path and SHA-1 of every
file), the model and preprocessing identity (the feature-cache key), the backend and a digest of the features.

Only the unfrozen part is stored: the frozen part is rebuilt from the same pretrained weights (its checksum is part
of the cache key, checked on resume), which keeps a checkpoint small (15 KB for a 5-class EfficientNet head).

Tests reach exact points of a run (a minibatch, the stages of a checkpoint write) through
:class:`~pydl4j_transfer.hooks.TrainingHooks` passed to the job; nothing here reads the environment.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import zipfile
from pathlib import Path
from typing import Sequence

import numpy as np

from . import job_config, jvm
from .data.atomic import atomic_write
from .data.temporaries import remove_stale
from .hooks import NO_HOOKS, TrainingHooks
from .jsonio import strict_dumps
from .limits import MAX_JSON_ENTRY, EntryTooLargeError, read_zip_entry

CHECKPOINT_NAME = "checkpoint.zip"
STATE_ENTRY = "pydl4j_checkpoint.json"
STATE_FORMAT = "pydl4j-transfer-checkpoint"
STATE_VERSION = 1

#: Options that decide the result: a resume must use the checkpoint's values (``identity`` in the job config).
RESULT_OPTIONS = job_config.names(identity=True)


class CheckpointError(ValueError):
    """A checkpoint is missing or unreadable, or disagrees with the job that wants to resume from it."""


def checkpoint_path(run_dir: str | os.PathLike) -> Path:
    path = Path(run_dir)
    return path if path.suffix == ".zip" else path / CHECKPOINT_NAME


# ------------------------------------------------------------------------------------------------ fingerprints


def split_listing(paths: Sequence[str | os.PathLike], hashes: dict[str, str], root: Path) -> list[list[str]]:
    """``[[path relative to the data folder, sha1], ...]`` in the split's order."""
    out = []
    for p in paths:
        name = os.fspath(p)
        try:
            rel = os.path.relpath(os.path.abspath(name), root)
        except ValueError:                  # another drive (Windows)
            rel = name
        out.append([Path(rel).as_posix(), hashes[name]])
    return out


def features_digest(arrays: Sequence[np.ndarray]) -> str:
    """SHA-256 over the dtype, shape and bytes of each array (the training and test features and labels)."""
    h = hashlib.sha256()
    for a in arrays:
        a = np.ascontiguousarray(a)
        h.update(f"{a.dtype.str}{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def same_value(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=0.0)
        except (TypeError, ValueError):
            return False
    return a == b


def compare_listing(what: str, saved: list, now: list) -> str | None:
    """``None`` when equal, else a line naming files that are new, gone or changed."""
    if saved == now:
        return None
    s, n = dict(map(tuple, saved)), dict(map(tuple, now))
    gone = sorted(set(s) - set(n))
    new = sorted(set(n) - set(s))
    changed = sorted(k for k in set(s) & set(n) if s[k] != n[k])
    parts = []
    for label, names in (("missing now", gone), ("new", new), ("changed content", changed)):
        if names:
            parts.append(f"{len(names)} {label} ({', '.join(names[:3])}{', ...' if len(names) > 3 else ''})")
    if not parts:
        parts.append("same files in another order")
    return f"{what} split differs: " + "; ".join(parts)


def differences(saved: dict, now: dict) -> list[str]:
    """What differs between the identity recorded in a checkpoint and the one of the resuming job."""
    out = []
    for key in ("labels", "backend"):
        if saved.get(key) != now.get(key):
            out.append(f"{key}: checkpoint {saved.get(key)!r}, now {now.get(key)!r}")
    for key in sorted(set(saved.get("model", {})) | set(now.get("model", {}))):
        a, b = saved.get("model", {}).get(key), now.get("model", {}).get(key)
        if not same_value(a, b):
            out.append(f"model {key}: checkpoint {a!r}, now {b!r}")
    for what in ("train", "test"):
        line = compare_listing(what, saved["split"][what], now["split"][what])
        if line:
            out.append(line)
    return out


# ------------------------------------------------------------------------------------------------ writing


def _engine_zip(graph) -> bytes:
    """The graph with its updater state and counters, as ``ModelSerializer`` writes it, in memory."""
    import jpype

    stream = jpype.JClass("java.io.ByteArrayOutputStream")()
    jvm.java_class("org.pydl4j.util.ModelSerializer").writeModel(graph, stream, True)
    return bytes(stream.toByteArray())


def remove_leftovers(run_dir: Path) -> list[Path]:
    """Temporary files that killed processes left in ``run_dir`` (never those of a live writer)."""
    return remove_stale(run_dir)


def write_checkpoint(run_dir: str | os.PathLike, graph, state: dict, hooks: TrainingHooks = NO_HOOKS) -> Path:
    """Atomically (re)writes ``run_dir/checkpoint.zip``: ``graph`` (the trained part) through ``ModelSerializer``
    with its updater state, plus ``state`` as ``pydl4j_checkpoint.json``. A process killed at any point leaves the
    previous checkpoint intact."""
    folder = Path(run_dir)
    folder.mkdir(parents=True, exist_ok=True)
    remove_leftovers(folder)
    target = folder / CHECKPOINT_NAME
    epoch = int(state["epoch"])
    payload = strict_dumps({"format": STATE_FORMAT, "version": STATE_VERSION, **state}, indent=1,
                           sort_keys=True).encode("utf-8")
    engine_bytes = _engine_zip(graph)

    def write(handle):
        buffer = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(engine_bytes)) as src, \
                zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                dst.writestr(item, src.read(item.filename))
            dst.writestr(STATE_ENTRY, payload)
        data = buffer.getvalue()
        half = len(data) // 2
        handle.write(data[:half])
        handle.flush()
        hooks.on_checkpoint("partial", epoch, folder, handle)
        handle.write(data[half:])
        handle.flush()
        hooks.on_checkpoint("before-rename", epoch, folder, handle)

    atomic_write(target, write)
    from .engine import share_mode

    share_mode(target)
    hooks.on_checkpoint("done", epoch, folder)
    return target


# ------------------------------------------------------------------------------------------------ reading


def read_state(run_dir: str | os.PathLike) -> dict:
    """The job state of ``run_dir/checkpoint.zip`` (or of a checkpoint zip given directly)."""
    path = checkpoint_path(run_dir)
    if not path.is_file():
        raise CheckpointError(f"no checkpoint at {path}; a run writes one with `train --checkpoint-every N` "
                              "(TransferJob(checkpoint_every=N, run_dir=...))")
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            missing = [n for n in (STATE_ENTRY, "coefficients.bin", "configuration.json") if n not in names]
            if missing:
                raise CheckpointError(f"{path}: not a training checkpoint (no {', '.join(missing)})")
            data = json.loads(read_zip_entry(archive, STATE_ENTRY, MAX_JSON_ENTRY, path).decode("utf-8"))
    except zipfile.BadZipFile:
        raise CheckpointError(f"{path} is not a zip file (damaged checkpoint)") from None
    except EntryTooLargeError as e:
        raise CheckpointError(str(e)) from None
    except (ValueError, UnicodeDecodeError) as e:
        if isinstance(e, CheckpointError):
            raise
        raise CheckpointError(f"{path}: {STATE_ENTRY} is not valid JSON ({e})") from None
    if data.get("format") != STATE_FORMAT:
        raise CheckpointError(f"{path}: {STATE_ENTRY} is not a pydl4j-transfer checkpoint")
    if int(data.get("version", 0)) > STATE_VERSION:
        raise CheckpointError(f"{path}: checkpoint version {data.get('version')} is newer than this package reads "
                              f"({STATE_VERSION}); upgrade pydl4j-transfer")
    for key in ("epoch", "rng_state", "history", "options", "labels", "split", "model", "backend", "data"):
        if key not in data:
            raise CheckpointError(f"{path}: {STATE_ENTRY} lacks {key!r}; the checkpoint is damaged")
    data["path"] = str(path)
    return data


def _param_shapes(graph) -> dict[str, list[int]]:
    table = graph.paramTable()
    return {str(k): [int(v) for v in table.get(k).shape()] for k in table.keySet()}


def restore_graph(path: str | os.PathLike, helper, original) -> None:
    """Puts the checkpoint's trained part (parameters, updater state, iteration and epoch counts) into ``helper``'s
    unfrozen graph and into ``original``, the full transfer graph; refuses a checkpoint of another network."""
    import jpype

    path = checkpoint_path(path)
    try:
        saved = jvm.java_class("org.pydl4j.util.ModelSerializer").restoreComputationGraph(str(path), True)
    except jpype.JException as e:
        raise CheckpointError(f"cannot restore the network in {path}: {e.getMessage()}") from None
    target = helper.unfrozenGraph()
    have, want = _param_shapes(saved), _param_shapes(target)
    if have != want:
        diff = sorted(k for k in set(have) | set(want) if have.get(k) != want.get(k))
        detail = ", ".join(f"{k}: checkpoint {have.get(k)}, job {want.get(k)}" for k in diff[:4])
        raise CheckpointError(f"{path}: the trained part of the network differs from the job's ({detail})")
    state = saved.getUpdater().getStateViewArray()
    own = target.getUpdater().getStateViewArray()
    n_saved = 0 if state is None else int(state.length())
    n_own = 0 if own is None else int(own.length())
    if n_saved != n_own:
        raise CheckpointError(f"{path}: updater state of {n_saved} values, the job's updater has {n_own}; "
                              "was it trained with another updater?")
    # through the original's live parameter views: when the helper keeps a copy, its next step pulls them from there
    table = original.paramTable()
    saved_table = saved.paramTable()
    for key in saved_table.keySet():
        table.get(key).assign(saved_table.get(key))
    target = helper.unfrozenGraph()
    if n_own:
        target.getUpdater().setStateViewArray(state)
    for graph in (target, original):
        graph.setIterationCount(int(saved.getIterationCount()))
        graph.setEpochCount(int(saved.getEpochCount()))


__all__ = ["CHECKPOINT_NAME", "CheckpointError", "RESULT_OPTIONS",
           "checkpoint_path", "differences", "features_digest", "read_state", "remove_leftovers", "restore_graph",
           "split_listing", "write_checkpoint"]
