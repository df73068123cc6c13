"""``pydl4j-transfer ui RUN_DIR...`` and the UI options of ``train``: finished runs read from their folders and
served (only what was registered), bad folders refused with exit code 2 before the engine starts."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from ui_support import raw_get, split_url

from pydl4j_transfer.cli import main
from pydl4j_transfer.job_config import JobConfig, JobConfigError
from pydl4j_transfer.ui_cmd import read_run, serve_runs

LABELS = ["daisy", "<script>alert(1)</script>"]


def finished_run(folder, *, accuracy=0.75, image=None):
    folder.mkdir(parents=True)
    metrics = {"accuracy": accuracy, "labels": LABELS, "confusion_matrix": [[3, 1], [0, 4]],
               "per_class": [{"label": LABELS[0], "precision": 1.0, "recall": 0.75, "f1": 0.857, "count": 4},
                             {"label": LABELS[1], "precision": 0.8, "recall": 1.0, "f1": 0.889, "count": 4}],
               "history": [{"epoch": e, "lr": 1e-3, "train_loss": 1 / e, "validation_loss": 1.2 / e,
                            "validation_accuracy": 0.5 + e / 10} for e in (1, 2, 3)],
               "settings": {"model": "efficientnet-lite0", "batch_size": 4},
               "counts": {"train": 10, "test": 8},
               "mistakes": [{"path": str(image or folder / "gone.jpg"), "true": LABELS[0], "predicted": LABELS[1],
                             "probability": 0.9}]}
    (folder / "metrics.json").write_text(json.dumps(metrics))
    return folder


def test_bad_run_folders_are_usage_errors_before_any_work(tmp_path, capsys):
    bad = tmp_path / "bad"
    bad.mkdir()
    cases = {tmp_path / "missing": "not a folder", tmp_path: "no metrics.json"}
    for name, content in {"nan": '{"accuracy": NaN, "labels": ["a", "b"], "confusion_matrix": [[1, 0], [0, 1]]}',
                          "square": '{"labels": ["a", "b"], "confusion_matrix": [[1, 0, 0], [0, 1, 0]]}',
                          "labels": '{"labels": "ab", "confusion_matrix": []}',
                          "history": '{"labels": ["a", "b"], "confusion_matrix": [[1, 0], [0, 1]], "history": [1]}',
                          "list": "[]"}.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "metrics.json").write_text(content)
        cases[folder] = "metrics.json: not a run's metrics"
    for folder, fragment in cases.items():
        assert main(["ui", str(folder)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("pydl4j-transfer ui: error: ") and fragment in err and str(folder) in err, err
        assert len(err.strip().splitlines()) == 1
    with pytest.raises(SystemExit) as stop:
        main(["ui", str(tmp_path), "--ui-port", "70000"])
    assert stop.value.code == 2


def test_ui_options_are_job_options():
    config = JobConfig(ui=True, ui_port=0, ui_host="localhost")
    assert (config.ui, config.ui_port, config.ui_host) == (True, 0, "localhost")
    assert "ui" not in config.settings() and "ui_port" not in config.identity()   # they change nothing in a result
    for bad in ({"ui_port": 65536}, {"ui_port": -1}, {"ui": "yes"}, {"ui_host": ""}):
        with pytest.raises(JobConfigError) as error:
            JobConfig(**bad)
        assert error.value.argument == next(iter(bad))
    from pydl4j_transfer import TransferJob

    assert TransferJob(ui=True, ui_port=0).ui_url is None         # the address exists once a run starts the UI
    from pydl4j_transfer.cli import build_parser

    args = build_parser().parse_args(["train", "--data", "d", "--out", "o", "--ui", "--ui-port", "0",
                                      "--ui-host", "::1"])
    assert (args.ui, args.ui_port, args.ui_host) == (True, 0, "::1")


def test_finished_runs_are_served_with_their_records_only(tmp_path, jvm):
    image = tmp_path / "flower.png"
    Image.fromarray(np.full((40, 60, 3), 200, np.uint8)).save(image)
    one = finished_run(tmp_path / "run-a", image=image)
    two = finished_run(tmp_path / "run-b", accuracy=0.5)
    assert read_run(one).steps_per_epoch == 3
    server, storage, sessions = serve_runs([one, two], port=0)
    url = str(server.getUrl())
    ok = "?token=" + split_url(url)[2]
    status, body = raw_get(url, "/api/sessions" + ok)
    listed = {s["id"]: s for s in json.loads(body)["sessions"]}
    assert status == 200 and set(sessions) <= set(listed)
    assert [listed[s]["title"] for s in sessions] == ["run-a", "run-b"]

    status, body = raw_get(url, f"/api/sessions/{sessions[0]}" + ok)
    session = json.loads(body)
    job = [s["values"] for s in session["static"] if s["typeID"] == "TransferJob"][-1]
    assert job["labels"] == LABELS and job["totalIterations"] == 9 and job["model"] is None   # no model.zip
    updates = [u["values"] for u in session["updates"]]
    epochs = [u for u in updates if u["kind"] == "epoch"]
    assert [(e["epoch"], e["iteration"]) for e in epochs] == [(1, 3), (2, 6), (3, 9)]
    evaluation = next(u for u in updates if u["kind"] == "evaluation")
    assert evaluation["accuracy"] == 0.75 and evaluation["confusion_matrix"] == [[3, 1], [0, 4]]
    assert evaluation["mistakes"][0]["image"].startswith("data:image/jpeg;base64,")
    assert updates[-1] == {"kind": "status", "state": "finished", "message": "test accuracy 0.7500"}
    second = json.loads(raw_get(url, f"/api/sessions/{sessions[1]}" + ok)[1])
    assert next(u["values"] for u in second["updates"] if u["values"]["kind"] == "evaluation")["mistakes"][0][
        "image"] is None                                    # the image is gone: listed without a picture
    # the server reads no file: a run folder's own files are not reachable through it
    for target in ("/run-a/metrics.json", "/assets/../run-a/metrics.json", "/api/sessions/run-a"):
        assert raw_get(url, target + ok)[0] in (400, 404)
    server.detach(storage)


def test_a_host_that_is_not_loopback_warns_and_a_bad_one_is_a_usage_error(tmp_path):
    run = finished_run(tmp_path / "run")
    done = subprocess.run([sys.executable, "-m", "pydl4j_transfer", "ui", str(run), "--ui-host", "192.0.2.1"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert "warning: the training UI listens on 192.0.2.1, reachable from other machines" in lines[0]
    assert lines[-1].startswith("pydl4j-transfer ui: error: UIServer: cannot") and "192.0.2.1" in lines[-1]


def test_loopback_detection():
    from pydl4j_transfer.training_ui import is_loopback, session_id

    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1") and not is_loopback("no-such-host.invalid")
    assert session_id("../../etc passwd").startswith("etc-passwd-")


def test_train_with_a_taken_ui_port_fails_before_any_work(tmp_path):
    import socket

    (tmp_path / "data").mkdir()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "pydl4j_transfer", "train", "--data", str(tmp_path / "data"),
                               "--out", str(tmp_path / "run"), "--ui", "--ui-port", str(port), "--no-progress"],
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "choose another port" in done.stderr
    from pydl4j_transfer.cli import run_folder_contents

    assert run_folder_contents(tmp_path / "run") == []    # nothing written (the run folder's lock file aside)


def test_a_record_the_engine_refuses_is_dropped_with_a_warning_and_never_stops_training(jvm, capsys):
    from pydl4j_transfer.training_ui import TrainingUI

    ui = TrainingUI.start("refused", port=0, announce=False)
    ui.put_update({"kind": "epoch", "epoch": 1, "note": "x" * (2 << 20)})        # more than a record may hold
    deep = 1
    for _ in range(20):
        deep = [deep]
    ui.put_update({"kind": "epoch", "epoch": 2, "deep": deep})                   # nested deeper than allowed
    ui.epoch({"epoch": 3, "train_loss": float("nan")}, iteration=30)
    err = capsys.readouterr().err
    assert err.count("warning: the training UI dropped a record") == 1 and "training goes on" in err
    updates = ui.storage.getUpdates(ui.session, 0, 10)
    assert [dict(u.getValues()).get("epoch") for u in updates] == [3]
    assert dict(updates[0].getValues())["train_loss"] is None             # NaN: a gap on the chart
    labels = [f"c{i}" for i in range(100)]
    ui.evaluation(accuracy=0.5, labels=labels, per_class=[], confusion_matrix=[[0] * 100] * 100, mistakes=[])
    assert ui.storage.getLatestUpdate(ui.session).getValues().get("confusion_matrix") is None
    ui.server.detach(ui.storage)
