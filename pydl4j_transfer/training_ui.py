"""The browser training UI from Python: the engine's ``UIServer`` (DL4J's names, package ``org.pydl4j.ui``) with
one session per job.

:class:`TrainingUI` starts (or reuses) the JVM's UI server, attaches an in-memory ``StatsStorage`` and writes the
job's records into it: the run's static information (title, labels, epochs, the model table), a Java
``StatsListener`` on the trained graph (score, learning rate, images/s every iteration, with no Python call per
step), one record per epoch (train/validation loss and accuracy), the test evaluation with thumbnails of the most
confident mistakes, and the run's state. The page polls the server; nothing here waits on it.

Every record crosses to Java as JSON text checked by ``StatsReport.fromJson`` (sizes, nesting, identifiers), the
same path a remote trainer's posts take.
"""

from __future__ import annotations

import base64
import io
import ipaddress
import json
import os
import re
import socket
import sys
import time
import uuid
from pathlib import Path
from typing import Iterable, Sequence

from . import jvm
from .jsonio import strict_dumps

TYPE_ID = "TransferJob"
WORKER = "0"
#: A confusion matrix of more classes than this is left off the page (unreadable there; metrics.json has it).
MAX_MATRIX_CLASSES = 60
#: thumbnails of mistakes: side in pixels, JPEG quality
THUMB_PX, THUMB_QUALITY = 112, 80


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` names is a loopback one (an unresolvable name is not)."""
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError):
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in infos)


def session_id(name: str) -> str:
    """A session id (letters, digits, ``_ -``; what the engine accepts) made unique: ``name`` cleaned + a suffix."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")[:40] or "run"
    return f"{cleaned}-{uuid.uuid4().hex[:8]}"


def thumbnail(path: str | os.PathLike) -> str | None:
    """A small JPEG data URL of an image file (None when it cannot be decoded)."""
    from .data import decode_image

    try:
        pixels = decode_image(path, THUMB_PX, "center_crop")
    except Exception:   # a mistake's image that vanished or broke since training: shown without a picture
        return None
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=THUMB_QUALITY)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def model_description(graph) -> dict:
    """The model table of a Java graph (``org.pydl4j.ui.stats.ModelDescription``) as a dict."""
    Json = jvm.java_class("org.pydl4j.util.json.Json")
    ModelDescription = jvm.java_class("org.pydl4j.ui.stats.ModelDescription")
    return json.loads(str(Json.writeCompact(ModelDescription.of(graph))))


def start_server(host: str = "127.0.0.1", port: int = 9000):
    """The JVM's UI server (started if none runs; a running one is reused wherever it listens). A host that is not
    a loopback address gets a warning: the page is then reachable from other machines."""
    jvm.start_jvm()
    import jpype

    UIServer = jvm.java_class("org.pydl4j.ui.api.UIServer")
    if not UIServer.isRunning() and not is_loopback(host):
        print(f"pydl4j-transfer: warning: the training UI listens on {host}, reachable from other machines; anyone "
              "with its address (token included) can watch the training", file=sys.stderr)
    try:
        return UIServer.getInstance(host, int(port))
    except jpype.JException as e:
        raise UIStartError(str(e.getMessage())) from None


class UIStartError(ValueError):
    """The training UI cannot start (the port is taken, the host is not an address of this machine): bad
    ``ui_port``/``ui_host`` input, exit code 2 on the command line."""


class TrainingUI:
    """One job's session in the training UI (see the module docstring)."""

    def __init__(self, server, storage, session: str):
        self.server, self.storage, self.session = server, storage, session
        self._Report = jvm.java_class("org.pydl4j.ui.storage.StatsReport")
        self._warned = False

    @classmethod
    def start(cls, title: str, *, host: str = "127.0.0.1", port: int = 9000, announce: bool = True) -> "TrainingUI":
        server = start_server(host, port)
        storage = jvm.java_class("org.pydl4j.ui.storage.InMemoryStatsStorage")()
        server.attach(storage)
        ui = cls(server, storage, session_id(title))
        if announce:
            print(f"training UI: {ui.url}", flush=True)
        return ui

    @property
    def url(self) -> str:
        return str(self.server.getUrl())

    # ------------------------------------------------------------------------------------------------ records

    def _report(self, values: dict):
        record = {"sessionID": self.session, "typeID": TYPE_ID, "workerID": WORKER,
                  "timeStamp": int(time.time() * 1000), "values": values}
        return self._Report.fromJson(strict_dumps(record))

    def put_static(self, values: dict) -> None:
        self._put(values, static=True)

    def put_update(self, values: dict) -> None:
        self._put(values, static=False)

    def _put(self, values: dict, *, static: bool) -> None:
        """Hands a record to the storage. The UI must never stop a training run: a record the engine refuses
        (too large, say) is dropped with one warning."""
        import jpype

        try:
            record = self._report(values)
            (self.storage.putStaticInfo if static else self.storage.putUpdate)(record)
        except (jpype.JException, ValueError, TypeError) as e:
            if not self._warned:
                self._warned = True
                message = e.getMessage() if isinstance(e, jpype.JException) else e
                print(f"pydl4j-transfer: warning: the training UI dropped a record of {self.session} ({message}); "
                      "training goes on", file=sys.stderr)

    def describe_run(self, *, title: str, model_name: str, labels: Sequence[str], graph, epochs: int,
                     steps_per_epoch: int | None, settings: dict) -> None:
        """The run's static information: what the page's header, progress/ETA and model table show."""
        self.put_static({"title": title, "modelName": model_name, "labels": list(labels), "epochs": int(epochs),
                         "stepsPerEpoch": steps_per_epoch,
                         "totalIterations": None if steps_per_epoch is None else int(epochs * steps_per_epoch),
                         "settings": settings, "model": model_description(graph) if graph is not None else None})

    def status(self, state: str, message: str = "") -> None:
        self.put_update({"kind": "status", "state": state, "message": message})

    def epoch(self, row: dict, iteration: int | None = None) -> None:
        """One epoch's history row; ``iteration``: iterations done at its end (its place on the loss chart)."""
        self.put_update({"kind": "epoch", **row, **({} if iteration is None else {"iteration": int(iteration)})})

    def history(self, rows: Iterable[dict], steps_per_epoch: int | None) -> None:
        for row in rows:
            epoch = row.get("epoch")
            self.epoch(row, None if steps_per_epoch is None or not isinstance(epoch, int) else epoch * steps_per_epoch)

    def evaluation(self, *, accuracy: float, labels: Sequence[str], per_class: list[dict],
                   confusion_matrix: list[list[int]], mistakes: Sequence[dict]) -> None:
        """The test split's evaluation; each mistake ``{path, true, predicted, probability}`` gets a thumbnail."""
        shown = [{"true": m["true"], "predicted": m["predicted"], "probability": m["probability"],
                  "image": thumbnail(m["path"]) if m.get("path") else None} for m in mistakes]
        matrix = confusion_matrix if len(labels) <= MAX_MATRIX_CLASSES else None
        self.put_update({"kind": "evaluation", "accuracy": accuracy, "labels": list(labels), "per_class": per_class,
                         "confusion_matrix": matrix, "mistakes": shown})

    def listener(self, frequency: int = 1):
        """A Java ``StatsListener`` writing this session's per-iteration records (add it to the trained graph)."""
        return jvm.java_class("org.pydl4j.ui.stats.StatsListener")(self.storage, int(frequency), self.session, WORKER)


def run_title(run_dir: str | os.PathLike | None, data: str | os.PathLike | None, model: str) -> str:
    """How a run is named on the page: its folder, else its data folder, with the model."""
    where = Path(run_dir).name if run_dir is not None else (Path(data).name if data is not None else "run")
    return f"{where} ({Path(model).name if os.sep in str(model) else model})"


__all__ = ["TrainingUI", "UIStartError", "is_loopback", "model_description", "run_title", "session_id",
           "start_server", "thumbnail"]
