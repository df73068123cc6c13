"""Issue 13 item 11: class names are folder names, which may hold any bytes. A class folder whose name is not UTF-8
does not crash the plots after training, and a label with a newline does not break ``predict``'s one line per image."""

from __future__ import annotations

import os

import numpy as np
import pytest

from job_support import TEST_HOME, small_flowers

from pydl4j_transfer.cli import main
from pydl4j_transfer.plots import plot_confusion
from pydl4j_transfer.text import printable


def test_printable_escapes_undecodable_bytes_and_control_characters():
    assert printable(os.fsdecode(b"caf\xe9")) == "caf\\xe9"
    assert printable("red\nroses\r\t\x1b\u2028") == "red\\nroses\\r\\t\\x1b\\u2028"
    assert printable("chats ü 猫") == "chats ü 猫"


def test_confusion_plot_draws_any_label(tmp_path):
    labels = [os.fsdecode(b"caf\xe9"), "red\nroses", "plain"]
    out = plot_confusion(np.eye(3, dtype=int), labels, tmp_path / "confusion.png")
    assert out.read_bytes()[:4] == b"\x89PNG"


@pytest.fixture
def odd_classes(tmp_path):
    data = small_flowers(tmp_path / "data", per_class=6)
    os.rename(os.fsencode(data / "daisy"), os.fsencode(data) + b"/daisy-\xe9t\xe9")      # latin-1, not UTF-8
    os.rename(data / "roses", data / "red\nroses")
    return data


def test_train_and_predict_with_a_non_utf8_class_and_a_newline_label(odd_classes, tmp_path, jvm, capsys,
                                                                     monkeypatch):
    monkeypatch.setenv("PYDL4J_HOME", str(TEST_HOME))
    out = tmp_path / "run"
    assert main(["train", "--data", str(odd_classes), "--out", str(out), "--epochs", "2", "--no-progress"]) == 0
    assert (out / "confusion.png").is_file() and (out / "curves.png").is_file()
    capsys.readouterr()
    images = sorted((odd_classes / "red\nroses").iterdir())[:2] + sorted((odd_classes / "tulips").iterdir())[:1]
    assert main(["predict", "--model", str(out / "model.zip"), *map(str, images), "--top-k", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(images)                                   # one line per image
    assert lines[0].startswith(printable(str(images[0])) + ": ")
    assert all("red\\nroses" in line and "daisy-\\xe9t\\xe9" in line for line in lines)
