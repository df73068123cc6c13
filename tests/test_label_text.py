"""Issue 13 item 11: class names are folder names, which may hold any bytes. A class folder whose name is not UTF-8
does not crash the plots after training, and a label with a newline does not break ``predict``'s one line per image.
The run trained here also serves the checks that need a real model: its metadata against its graph (item 5) and a
full run folder (item 13)."""

from __future__ import annotations

import json
import os
import zipfile

import numpy as np
import pytest

from job_support import TEST_HOME, small_flowers

from pydl4j_transfer import engine
from pydl4j_transfer.cli import main
from pydl4j_transfer.plots import plot_confusion
from pydl4j_transfer.text import printable


def test_printable_escapes_undecodable_bytes_and_control_characters():
    assert printable(os.fsdecode(b"caf\xe9")) == "caf\\xe9"
    assert printable("red\nroses\r\t\x1b\u2028") == "red\\nroses\\r\\t\\x1b\\u2028"
    assert printable("chats ü 猫") == "chats ü 猫"


def test_confusion_plot_draws_any_label(tmp_path):
    labels = [os.fsdecode(b"caf\xe9"), "red\nroses", "plain"]
    plot_confusion(np.eye(3, dtype=int), labels, tmp_path / "confusion.png")
    assert (tmp_path / "confusion.png").read_bytes()[:4] == b"\x89PNG"


@pytest.fixture(scope="module")
def odd_run(tmp_path_factory, jvm):
    """A run trained through the CLI on folders named ``daisy-\xe9t\xe9`` (latin-1 bytes) and ``red\nroses``."""
    root = tmp_path_factory.mktemp("odd")
    data = small_flowers(root / "data", per_class=6)
    os.rename(os.fsencode(data / "daisy"), os.fsencode(data) + b"/daisy-\xe9t\xe9")      # latin-1, not UTF-8
    os.rename(data / "roses", data / "red\nroses")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYDL4J_HOME", str(TEST_HOME))
        code = main(["train", "--data", str(data), "--out", str(root / "run"), "--epochs", "2", "--no-progress"])
    assert code == 0     # before: the confusion plot crashed on the undecodable name (exit 2)
    return data, root / "run"


def test_train_and_predict_with_a_non_utf8_class_and_a_newline_label(odd_run, capsys, monkeypatch):
    monkeypatch.setenv("PYDL4J_HOME", str(TEST_HOME))
    data, out = odd_run
    assert (out / "confusion.png").is_file() and (out / "curves.png").is_file()
    capsys.readouterr()
    images = sorted((data / "red\nroses").iterdir())[:2] + sorted((data / "tulips").iterdir())[:1]
    assert main(["predict", "--model", str(out / "model.zip"), *map(str, images), "--top-k", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(images)                                   # one line per image
    assert lines[0].startswith(printable(str(images[0])) + ": ")
    assert all("red\\nroses" in line and "daisy-\\xe9t\\xe9" in line for line in lines)


def _with_meta(source, target, **changes):
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == engine.META_ENTRY:
                data = json.dumps(dict(json.loads(data), **changes)).encode()
            dst.writestr(item, data)
    return target


def test_run_metadata_must_fit_the_graph(odd_run, tmp_path, capsys, monkeypatch):
    """Issue 13 item 5: metadata validated against the graph: label count vs outputs, image size vs the input."""
    monkeypatch.setenv("PYDL4J_HOME", str(TEST_HOME))
    data, out = odd_run
    meta = json.loads(zipfile.ZipFile(out / "model.zip").read(engine.META_ENTRY))
    image = str(sorted((data / "tulips").iterdir())[0])
    fewer = _with_meta(out / "model.zip", tmp_path / "fewer.zip", labels=meta["labels"][:4])
    capsys.readouterr()
    assert main(["predict", "--model", str(fewer), image]) == 2
    assert "fewer.zip: pydl4j_transfer.json lists 4 labels but the graph's classifier" in capsys.readouterr().err
    bigger = _with_meta(out / "model.zip", tmp_path / "bigger.zip", image_size=300)
    assert main(["predict", "--model", str(bigger), image]) == 2
    assert "image_size 300, but the graph takes 224x224 images" in capsys.readouterr().err


def test_a_full_run_folder_names_the_model_file_and_the_bytes_needed(odd_run, tmp_path, monkeypatch):
    """Issue 13 item 13 for the engine's own writer: checked before it writes (the Java error would say neither)."""
    from pydl4j_transfer.data import atomic

    _, out = odd_run
    graph, meta = engine.load_model(out / "model.zip")
    monkeypatch.setattr(atomic, "_free_bytes", lambda folder: 1000)
    target = tmp_path / "run2" / "model.zip"
    with pytest.raises(atomic.DiskFullError, match=rf"writing {target}: \d+ bytes needed \(checked before "
                                                   rf"writing, 1000 bytes free in {target.parent}\)"):
        engine.save_model(graph, meta, target)
    assert not list(target.parent.iterdir())
