"""``pydl4j-transfer compare`` end to end on a small slice of the flowers (the three EfficientNet-Lite models, head
recipe, one fraction, Lite0 also from scratch, one epoch, 64x64 inputs), its outputs checked against a separate
``evaluate``; and every argument refused before any work when it is bad."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from job_support import TEST_HOME, small_flowers

from pydl4j_transfer.cli import main
from pydl4j_transfer.comparison import CompareError, compare
from pydl4j_transfer.compare_table import FIELDS, CompareTable

LITES = ["efficientnet-lite0", "efficientnet-lite1", "efficientnet-lite2"]
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def test_home(monkeypatch):
    monkeypatch.setenv("PYDL4J_HOME", str(TEST_HOME))


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return small_flowers(tmp_path_factory.mktemp("compare") / "data", per_class=10)


@pytest.fixture(scope="module")
def compared(tmp_path_factory, data):
    """One comparison through the command line (each row in its own process)."""
    out = tmp_path_factory.mktemp("compare") / "out"
    stdout = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYDL4J_HOME", str(TEST_HOME))
        with contextlib.redirect_stdout(stdout):
            code = main(["compare", "--data", str(data), "--models", ",".join(LITES + ["vgg16"]), "--scratch",
                         "efficientnet-lite0", "--train-fraction", "1.0", "--epochs", "1", "--image-size", "64",
                         "--latency-runs", "3", "--out", str(out), "--no-progress"])
    assert code == 0, stdout.getvalue()
    return out, stdout.getvalue()


def test_outputs_exist_and_the_summary_links_them(compared):
    out, summary = compared
    for name in ("compare.md", "compare.csv", "compare.json", "compare.png", "transfer_vs_scratch.png"):
        path = out / name
        assert path.is_file() and path.stat().st_size > 0, name
        assert str(path) in summary, name
    for name in ("compare.png", "transfer_vs_scratch.png"):
        assert (out / name).read_bytes()[:8] == PNG
    assert "ranked by validation accuracy" in summary


def test_rows_are_measured_and_ranked_by_validation_accuracy(compared):
    out, _ = compared
    table = CompareTable.read(out / "compare.json")
    ok = [r for r in table.rows if r["status"] == "ok"]
    assert sorted((r["model"], r["init"]) for r in ok) == sorted(
        [(m, "pretrained") for m in LITES] + [("efficientnet-lite0", "scratch")])
    assert [r["rank"] for r in ok] == [1, 2, 3, 4]
    accuracies = [r["validation_accuracy"] for r in ok]
    assert accuracies == sorted(accuracies, reverse=True)
    for row in ok:
        run = out / row["run_dir"]
        assert row["model_file_bytes"] == (run / "model.zip").stat().st_size
        assert row["input_size"] == 64 and row["train_fraction"] == 1.0 and row["epochs_run"] == 1
        assert row["featurize_img_s"] > 0 and 0 < row["latency_p50_ms"] <= row["latency_p95_ms"]
        assert row["peak_rss_mb"] > 50 and row["train_s"] >= 0 and row["total_s"] > 0
        assert (row["n_train"], row["n_validation"], row["n_test"]) == (30, 10, 10)
        assert 0 <= row["validation_accuracy"] <= 1 and 0 <= row["test_accuracy"] <= 1
        assert len(table.curves[row["run_dir"]]) == 1 and "validation_accuracy" in table.curves[row["run_dir"]][0]
        if row["init"] == "pretrained":     # only the new head trains
            assert 0 < row["params_trainable"] < row["params_total"] / 100
        else:                               # every layer (batch-norm statistics are not trained parameters)
            assert row["params_trainable"] > 0.95 * row["params_total"]
    sizes = {r["model"]: r["params_total"] for r in ok if r["init"] == "pretrained"}
    assert sizes["efficientnet-lite0"] < sizes["efficientnet-lite1"] < sizes["efficientnet-lite2"]


def test_a_model_without_weights_is_listed_with_the_reason(compared):
    out, summary = compared
    table = CompareTable.read(out / "compare.json")
    vgg = next(r for r in table.rows if r["model"] == "vgg16")
    assert vgg["status"] == "unavailable" and vgg["rank"] is None and table.rows[-1] is vgg
    assert "import-weights vgg16" in vgg["reason"]
    assert "vgg16" in (out / "compare.md").read_text() and "unavailable" in summary


def test_compare_json_agrees_with_a_separate_evaluate(compared, data, capsys):
    out, _ = compared
    table = CompareTable.read(out / "compare.json")
    for row in (r for r in table.rows if r["status"] == "ok"):
        capsys.readouterr()
        code = main(["evaluate", "--model", str(out / row["run_dir"] / "model.zip"), "--data", str(data),
                     "--test-split", "--json", "--no-progress"])
        assert code == 0
        report = json.loads(capsys.readouterr().out)
        assert report["n_images"] == row["n_test"]
        assert report["accuracy"] == pytest.approx(row["test_accuracy"], abs=1e-9), row["run_dir"]
        metrics = json.loads((out / row["run_dir"] / "metrics.json").read_text())
        assert metrics["accuracy"] == pytest.approx(row["test_accuracy"], abs=1e-9)


def test_csv_and_markdown_hold_the_same_rows(compared):
    out, _ = compared
    table = CompareTable.read(out / "compare.json")
    with open(out / "compare.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(FIELDS) and len(rows) == len(table.rows)
    for parsed, row in zip(rows, table.rows):
        assert parsed["model"] == row["model"] and parsed["status"] == row["status"]
        if row["status"] == "ok":
            assert float(parsed["test_accuracy"]) == pytest.approx(row["test_accuracy"])
    text = (out / "compare.md").read_text()
    assert all(model in text for model in LITES) and "Ranked by validation accuracy" in text
    assert "load average" in text and text.count("| ok |") == 4


def test_a_second_comparison_into_the_folder_needs_overwrite(compared, data, capsys):
    out, _ = compared
    before = (out / "compare.json").read_bytes()
    assert main(["compare", "--data", str(data), "--models", "efficientnet-lite0", "--out", str(out)]) == 2
    assert "--overwrite" in _error_line(capsys)
    assert (out / "compare.json").read_bytes() == before


# ------------------------------------------------------------------------------------------------ bad input


def _error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


@pytest.mark.parametrize("arguments, expected", [
    (["--models", "efficientnet-lite0,resnet-9000"], "unknown model 'resnet-9000'"),
    (["--models", ""], "empty"),
    (["--models", "efficientnet-lite0,,efficientnet-lite1"], "empty"),
    (["--models", "efficientnet-lite0,EfficientNet-Lite0"], "listed twice"),
    (["--models", "vgg16_notop"], "no classifier top"),
    (["--models", "../../model.zip"], "unknown model"),
    (["--models", "efficientnet-lite0", "--train-fraction", "0"], "outside (0, 1]"),
    (["--models", "efficientnet-lite0", "--train-fraction", "1.5"], "outside (0, 1]"),
    (["--models", "efficientnet-lite0", "--train-fraction", "-0.1"], "outside (0, 1]"),
    (["--models", "efficientnet-lite0", "--train-fraction", "nan"], "outside (0, 1]"),
    (["--models", "efficientnet-lite0", "--train-fraction", "inf"], "outside (0, 1]"),
    (["--models", "efficientnet-lite0", "--train-fraction", "0.5,half"], "not a number"),
    (["--models", "efficientnet-lite0", "--train-fraction", "0.5,0.5"], "listed twice"),
    (["--models", "efficientnet-lite0", "--train-fraction", ""], "not a number"),
    (["--models", "efficientnet-lite0", "--scratch", "efficientnet-lite1"], "not among --models"),
    (["--models", "efficientnet-lite0", "--scratch", "nonsense"], "unknown model"),
    (["--models", "efficientnet-lite0", "--recipe", "finetune", "--augment"], "recipe"),
])
def test_bad_arguments_exit_2_before_any_work(tmp_path, data, capsys, arguments, expected):
    out = tmp_path / "out"
    code = main(["compare", "--data", str(data), "--out", str(out), *arguments])
    assert code == 2
    line = _error_line(capsys)
    assert line.startswith("pydl4j-transfer compare: error:") and expected in line, line
    assert not out.exists() or not any(out.iterdir())


def test_bad_out_and_data_exit_2(tmp_path, data, capsys):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    for out, expected in ((a_file, "is a file"), (a_file / "below", "cannot write")):
        assert main(["compare", "--data", str(data), "--models", "efficientnet-lite0", "--out", str(out)]) == 2
        assert expected in _error_line(capsys)
    assert a_file.read_text() == "x"
    assert main(["compare", "--data", str(tmp_path / "missing"), "--models", "efficientnet-lite0",
                 "--out", str(tmp_path / "o")]) == 2
    assert "--data" in _error_line(capsys)
    with pytest.raises(SystemExit) as stop:       # argparse: exit 2 with its usage line
        main(["compare", "--data", str(data), "--models", "efficientnet-lite0", "--out", str(tmp_path / "o"),
              "--epochs", "0"])
    assert stop.value.code == 2


def test_the_python_api_checks_its_arguments(tmp_path, data):
    with pytest.raises(CompareError, match="outside"):
        compare(data, LITES, out=tmp_path / "o", train_fractions=[0.5, 2.0])
    with pytest.raises(CompareError, match="non-text model name 7"):
        compare(data, ["efficientnet-lite0", 7], out=tmp_path / "o")
    with pytest.raises(CompareError, match="--recipe"):
        compare(data, LITES, out=tmp_path / "o", recipe="fancy")
    with pytest.raises(TypeError, match="per row"):
        compare(data, LITES, out=tmp_path / "o", model="vgg16")
    with pytest.raises(TypeError, match="does not take ui"):
        compare(data, LITES, out=tmp_path / "o", ui=True)
    with pytest.raises(ValueError, match="epochs"):
        compare(data, LITES, out=tmp_path / "o", epochs=-1)
    with pytest.raises(CompareError, match="latency"):
        compare(data, LITES, out=tmp_path / "o", latency_runs=0)
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_scratch_lists():
    from pydl4j_transfer.comparison import parse_scratch

    assert parse_scratch(None, LITES) == parse_scratch(False, LITES) == parse_scratch([], LITES) == []
    assert parse_scratch(True, LITES) == parse_scratch("all", LITES) == LITES
    assert parse_scratch("efficientnet-lite2,efficientnet-lite0", LITES) == ["efficientnet-lite2", "efficientnet-lite0"]


def test_each_row_gets_the_shared_options_and_scratch_the_same_budget(tmp_path):
    from pydl4j_transfer.comparison import RowPlan, plan_rows, row_options

    plans = plan_rows(["efficientnet-lite0", "efficientnet-lite1"], ["efficientnet-lite0"], [0.1, 1.0])
    assert [(p.model, p.init, p.train_fraction) for p in plans][:3] == [
        ("efficientnet-lite0", "pretrained", 0.1), ("efficientnet-lite0", "scratch", 0.1),
        ("efficientnet-lite1", "pretrained", 0.1)] and len(plans) == 6
    shared = {"data": "/d", "epochs": 5, "unfreeze": 1, "warmup_epochs": 2}
    head = row_options(RowPlan("efficientnet-lite0", "scratch", 0.1), shared, "head", tmp_path, None)
    assert head["scratch"] and head["epochs"] == 5 and "unfreeze" not in head and not head["refit"]
    assert head["train_fraction"] == 0.1 and head["run_dir"].endswith("runs/efficientnet-lite0-scratch-0.1")
    recipe = row_options(RowPlan("efficientnet-lite0", "scratch", 1.0), {**shared, "head_epochs": 3}, "finetune",
                         tmp_path, 18)
    assert recipe["epochs"] == 18 and recipe["augment"] and "recipe" not in recipe and "head_epochs" not in recipe
    transfer = row_options(RowPlan("efficientnet-lite0", "pretrained", 1.0), {**shared, "head_epochs": 3},
                           "finetune", tmp_path, None)
    assert transfer["recipe"] == "finetune" and "scratch" not in transfer and shared["epochs"] == 5
    assert transfer["head_epochs"] == 3


def test_weights_not_on_the_machine_are_a_reason_not_a_download(jvm, tmp_path):
    from pydl4j_transfer.compare_child import weights_unavailable

    empty = tmp_path / "empty-models"
    reason = weights_unavailable("vgg16", empty)
    assert "vgg16" in reason and "downloads nothing" in reason and str(empty) in reason
    assert not empty.exists() or not any(empty.iterdir())      # nothing fetched
    assert weights_unavailable("efficientnet-lite0", TEST_HOME / "models") is None


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if text.encode() in handle.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


def test_sigterm_stops_the_row_process_too_and_frees_the_folder(data, tmp_path):
    from pydl4j_transfer import run_lock

    out = tmp_path / "out"
    env = {**os.environ, "PYDL4J_HOME": str(TEST_HOME)}
    compare_process = subprocess.Popen(
        [sys.executable, "-m", "pydl4j_transfer", "compare", "--data", str(data), "--models", "efficientnet-lite0",
         "--epochs", "200", "--image-size", "64", "--out", str(out), "--no-progress"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 120
        while not _processes_mentioning(f"{out}/.") and time.time() < deadline and compare_process.poll() is None:
            time.sleep(0.2)
        assert _processes_mentioning(f"{out}/."), "the row's process never started"
        time.sleep(3)                               # well inside the row's job
        compare_process.send_signal(signal.SIGTERM)
        _, err = compare_process.communicate(timeout=60)
    finally:
        if compare_process.poll() is None:
            compare_process.kill()
    assert compare_process.returncode == 143, err
    assert err.strip().splitlines()[-1] == "pydl4j-transfer compare: stopped by SIGTERM"
    time.sleep(1)
    assert _processes_mentioning(f"{out}/.") == []
    with run_lock.locked(out):                      # the lock went with the processes
        pass
    assert not list(out.glob(".*.tmp"))
