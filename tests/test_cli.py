"""The command line: train / evaluate / predict / featurize / info / import-weights, exit codes and error lines."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from job_support import REPO_ROOT, TEST_HOME, small_flowers

from pydl4j_transfer.cli import main


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory, jvm):
    """A run trained through the CLI on 8 images per class (features cached under build/test-home)."""
    root = tmp_path_factory.mktemp("cli")
    data = small_flowers(root / "data", per_class=8)
    out = root / "run"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYDL4J_HOME", str(TEST_HOME))
        code = main(["train", "--data", str(data), "--out", str(out), "--epochs", "6", "--no-progress"])
    assert code == 0
    return out, data


@pytest.fixture(autouse=True)
def test_home(monkeypatch):
    monkeypatch.setenv("PYDL4J_HOME", str(TEST_HOME))


def _error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


def test_train_writes_the_run(run_dir, capsys):
    out, _ = run_dir
    for name in ("model.zip", "metrics.json", "curves.png", "confusion.png"):
        assert (out / name).is_file(), name
    metrics = json.loads((out / "metrics.json").read_text())
    for key in ("accuracy", "per_class", "confusion_matrix", "labels", "history", "skipped", "timings"):
        assert key in metrics
    assert metrics["labels"] == ["daisy", "dandelion", "roses", "sunflowers", "tulips"]
    assert len(metrics["history"]) == 6
    for key in ("decode", "featurize", "train", "evaluate"):
        assert isinstance(metrics["timings"][key], float)
    for name in ("curves.png", "confusion.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        with Image.open(out / name) as image:
            image.verify()


def test_evaluate_json(run_dir, capsys):
    out, data = run_dir
    capsys.readouterr()
    assert main(["evaluate", "--model", str(out / "model.zip"), "--data", str(data), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    for key in ("accuracy", "labels", "per_class", "confusion_matrix", "n_images", "skipped"):
        assert key in report
    assert report["n_images"] == 40
    assert np.array(report["confusion_matrix"]).sum() == 40
    assert 0 <= report["accuracy"] <= 1


def test_evaluate_a_folder_of_a_single_class(run_dir, tmp_path, capsys):
    """Evaluating images of one training class only: every image counts, all in that class's row."""
    out, data = run_dir
    only = tmp_path / "only_roses"
    shutil.copytree(data / "roses", only / "roses")
    capsys.readouterr()
    assert main(["evaluate", "--model", str(out / "model.zip"), "--data", str(only), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n_images"] == 8
    matrix = np.array(report["confusion_matrix"])
    assert matrix.sum() == 8 and matrix[report["labels"].index("roses")].sum() == 8


def test_evaluate_unknown_class_folder_is_a_usage_error(run_dir, tmp_path, capsys):
    out, data = run_dir
    extra = small_flowers(tmp_path / "data", per_class=1)
    (extra / "orchids").mkdir()
    src = next((extra / "daisy").iterdir())
    os.symlink(src.resolve(), extra / "orchids" / "x.jpg")
    capsys.readouterr()
    assert main(["evaluate", "--model", str(out / "model.zip"), "--data", str(extra)]) == 2
    line = _error_line(capsys)
    assert "'orchids'" in line


def test_predict_json_top_k(run_dir, capsys):
    out, data = run_dir
    images = sorted((data / "tulips").iterdir())[:2]
    capsys.readouterr()
    assert main(["predict", "--model", str(out / "model.zip"), *map(str, images), "--top-k", "2", "--json"]) == 0
    predictions = json.loads(capsys.readouterr().out)
    assert [p["path"] for p in predictions] == [str(i) for i in images]
    assert all(len(p["predictions"]) == 2 for p in predictions)
    # a folder means every image in it
    assert main(["predict", "--model", str(out / "model.zip"), str(data / "roses"), "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 8


def test_info_counts_frozen_and_trainable(run_dir, capsys):
    out, _ = run_dir
    capsys.readouterr()
    assert main(["info", "--model", str(out / "model.zip"), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["parameters"]["trainable"] == 1280 * 5 + 5
    assert info["parameters"]["frozen"] > 3_000_000
    assert info["feature_vertex"] == "avg_pool"
    assert main(["info", "--model", "efficientnet-lite0", "--num-classes", "3"]) == 0
    text = capsys.readouterr().out
    assert "Trainable parameters: 3843" in text


def test_featurize_writes_npz(run_dir, tmp_path, capsys):
    _, data = run_dir
    target = tmp_path / "features.npz"
    assert main(["featurize", "--data", str(data), "--out", str(target), "--no-progress"]) == 0
    with np.load(target) as npz:
        assert npz["features"].shape == (40, 1280)
        assert npz["labels"].tolist() == sorted(npz["labels"].tolist())
        assert list(npz["label_names"]) == ["daisy", "dandelion", "roses", "sunflowers", "tulips"]


def test_usage_errors_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--out", str(tmp_path)])            # --data is required
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--data", str(tmp_path), "--out", str(tmp_path), "--epochs", "0"])
    assert exit_info.value.code == 2
    capsys.readouterr()
    assert main(["train", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "run")]) == 2
    assert "nope" in _error_line(capsys)
    assert main(["evaluate", "--model", str(tmp_path / "missing.zip"), "--data", str(tmp_path)]) == 2
    assert "missing.zip" in _error_line(capsys)
    not_a_run = tmp_path / "plain.zip"
    not_a_run.write_bytes(b"PK\x05\x06" + b"\0" * 18)                 # an empty zip
    assert main(["predict", "--model", str(not_a_run), str(tmp_path)]) == 2
    assert "pydl4j_transfer.json" in _error_line(capsys)


def test_unknown_model_exits_2_before_any_work(tmp_path, capsys):
    assert main(["import-weights", "resnet50"]) == 2
    assert "MODEL resnet50: unknown model" in _error_line(capsys)
    data = tmp_path / "data"
    for name in ("a", "b"):
        (data / name).mkdir(parents=True)
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "run"), "--model", "resnet50"]) == 2
    line = _error_line(capsys)
    assert "--model resnet50: unknown model" in line and "efficientnet-lite0" in line


def test_module_entry_point_in_a_subprocess(tmp_path):
    env = {**os.environ, "PYDL4J_HOME": str(tmp_path)}
    ok = subprocess.run([sys.executable, "-m", "pydl4j_transfer", "--help"], capture_output=True, text=True,
                        env=env, cwd=REPO_ROOT, timeout=120)
    assert ok.returncode == 0 and "import-weights" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "pydl4j_transfer", "evaluate", "--model", str(tmp_path / "m.zip"),
                          "--data", str(tmp_path)], capture_output=True, text=True, env=env, cwd=REPO_ROOT,
                         timeout=120)
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "Traceback" not in bad.stderr
