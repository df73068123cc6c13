"""``pydl4j-transfer ui RUN_DIR... [--ui-port N] [--ui-host HOST]``: finished runs in the training UI, side by side.

Each run folder written by ``train`` is read from its ``metrics.json`` (history, per-class metrics, confusion
matrix, the most confident mistakes) and, when it loads, its ``model.zip`` (the model table); the records go into
one in-memory ``StatsStorage`` attached to the engine's ``UIServer``, which serves them until Ctrl-C. The server
never reads the folders itself: it serves only what was registered here (thumbnails travel inside the records).
Registered in ``cli.py`` by :func:`register`.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .limits import MAX_JSON_ENTRY, check_labels

class RunFolderError(ValueError):
    """A run folder cannot be shown: missing, or its ``metrics.json`` is not one ``train`` writes."""


@dataclass(frozen=True)
class FinishedRun:
    """What the UI shows of a finished run (checked values from its ``metrics.json``)."""

    folder: Path
    labels: list[str]
    history: list[dict]
    accuracy: float | None
    per_class: list[dict]
    confusion_matrix: list[list[int]]
    mistakes: list[dict]
    settings: dict
    steps_per_epoch: int | None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def read_run(folder: str | os.PathLike) -> FinishedRun:
    """Reads and checks ``folder/metrics.json``; a bad one is a :class:`RunFolderError` naming it and why."""
    folder = Path(folder)
    path = folder / "metrics.json"
    if not folder.is_dir():
        raise RunFolderError(f"{folder}: not a folder; pass run folders written by `pydl4j-transfer train`")
    if not path.is_file():
        raise RunFolderError(f"{folder}: no metrics.json; pass a run folder written by `pydl4j-transfer train` "
                             "(a run still training is watched with `train --ui`)")
    if path.stat().st_size > MAX_JSON_ENTRY:
        raise RunFolderError(f"{path}: {path.stat().st_size} bytes, more than {MAX_JSON_ENTRY}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"), parse_constant=_refuse_constant)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        labels = check_labels(data.get("labels"), str(path))
        n = len(labels)
        history = _list_of_dicts(data.get("history", []), "history")
        matrix = data.get("confusion_matrix")
        if not (isinstance(matrix, list) and len(matrix) == n and all(
                isinstance(row, list) and len(row) == n and all(_count(v) for v in row) for row in matrix)):
            raise ValueError(f"confusion_matrix is not a {n}x{n} table of counts")
        accuracy = data.get("accuracy")
        if accuracy is not None and not _number(accuracy):
            raise ValueError("accuracy is not a number")
        per_class = _list_of_dicts(data.get("per_class", []), "per_class")
        mistakes = [m for m in _list_of_dicts(data.get("mistakes", []), "mistakes")
                    if all(isinstance(m.get(k), str) for k in ("path", "true", "predicted")) and _number(m.get("probability"))]
        settings = data.get("settings") if isinstance(data.get("settings"), dict) else {}
        counts = data.get("counts") if isinstance(data.get("counts"), dict) else {}
    except (ValueError, UnicodeDecodeError) as e:
        raise RunFolderError(f"{path}: not a run's metrics ({e})") from None
    batch, train = settings.get("batch_size"), counts.get("train")
    steps = math.ceil(train / batch) if _count(batch) and batch > 0 and _count(train) and train > 0 else None
    return FinishedRun(folder=folder, labels=labels, history=history, accuracy=accuracy, per_class=per_class,
                       confusion_matrix=matrix, mistakes=mistakes[:64], settings=settings, steps_per_epoch=steps)


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _count(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _list_of_dicts(value, what: str) -> list[dict]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValueError(f"{what} is not a list of objects")
    return value


def _model_table(folder: Path):
    """The run's model.zip as a Java graph for the model table, or None (missing or unreadable: said on stderr)."""
    model = folder / "model.zip"
    if not model.is_file():
        return None
    from .engine import load_model

    try:
        graph, _ = load_model(model)
        return graph
    except Exception as e:   # the rest of the run is still worth showing
        print(f"pydl4j-transfer ui: {model}: no model table ({e})", file=sys.stderr)
        return None


def serve_runs(folders, *, host: str = "127.0.0.1", port: int = 9000):
    """Registers the finished runs in the UI (started, or the running one); returns (server, storage, sessions)."""
    from . import jvm
    from .text import printable
    from .training_ui import TrainingUI, session_id, start_server

    runs = [read_run(folder) for folder in folders]   # every folder checked before the engine starts
    server = start_server(host, port)
    storage = jvm.java_class("org.pydl4j.ui.storage.InMemoryStatsStorage")()
    sessions = []
    for run in runs:
        name = printable(run.folder.resolve().name or str(run.folder))
        ui = TrainingUI(server, storage, session_id(name))
        epochs = len(run.history)
        ui.describe_run(title=name, model_name=str(run.settings.get("model", "?")), labels=run.labels,
                        graph=_model_table(run.folder), epochs=epochs, steps_per_epoch=run.steps_per_epoch,
                        settings=run.settings)
        ui.history(run.history, run.steps_per_epoch)
        if run.accuracy is not None:
            ui.evaluation(accuracy=run.accuracy, labels=run.labels, per_class=run.per_class,
                          confusion_matrix=run.confusion_matrix, mistakes=run.mistakes)
        ui.status("finished", "" if run.accuracy is None else f"test accuracy {run.accuracy:.4f}")
        sessions.append(ui.session)
    server.attach(storage)
    return server, storage, sessions


def register(sub, common) -> None:
    """Adds the ``ui`` sub-command to the CLI's sub-parsers (``--ui-port``/``--ui-host``: the job options' own
    definitions, :class:`~pydl4j_transfer.job_config.JobConfig`)."""
    from .job_config import _argparse_type, defaults, options

    p = sub.add_parser("ui", parents=[common], help="show finished runs in the training UI (a browser page)")
    p.add_argument("run_dirs", nargs="+", metavar="RUN_DIR", help="run folders written by train (several: side by side)")
    for name in ("ui_port", "ui_host"):
        o, default = options()[name], defaults()[name]
        p.add_argument(o.cli, dest=name, type=_argparse_type(name, o.kind), default=default, metavar=o.metavar,
                       help=f"{o.help} (default {default})")
    p.set_defaults(func=cmd_ui, check=_check_ui)


def _check_ui(parser, args) -> None:
    from .cli import UsageError

    for folder in args.run_dirs:
        try:
            read_run(folder)
        except RunFolderError as e:
            raise UsageError(str(e)) from None


def cmd_ui(args) -> int:
    from .cli import EXIT_OK

    server, _, sessions = serve_runs(args.run_dirs, host=args.ui_host, port=args.ui_port)
    print(f"training UI: {server.getUrl()}", flush=True)
    print(f"serving {len(sessions)} run(s); Ctrl-C stops", flush=True)
    while True:       # until SIGINT/SIGTERM (exit 130/143)
        time.sleep(3600)
    return EXIT_OK
