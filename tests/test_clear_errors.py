"""Unreadable files and unclear errors (issue 13 items 8 and 14, issue 12's progress bars): an image that cannot be
read (EACCES, EIO) is skipped and reported like an undecodable one, naming the file; the cases that used to give
puzzling messages say what is wrong."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from job_support import REPO_ROOT
from test_checkpoint_resume import setup  # noqa: F401 (a fixture)

from pydl4j_transfer import engine, featurize
from pydl4j_transfer.data import scan_image_folder
from pydl4j_transfer.data.decode import BadImageError, decode_image
from pydl4j_transfer.job import TransferJob


def _unreadable(monkeypatch, paths: dict[str, int]) -> None:
    """``file_sha1`` of these paths fails as the OS would (tests run as root, so chmod 000 cannot produce EACCES)."""
    real = featurize.file_sha1

    def sha1(path):
        code = paths.get(os.fspath(path))
        if code is not None:
            raise OSError(code, os.strerror(code), os.fspath(path))
        return real(path)

    monkeypatch.setattr(featurize, "file_sha1", sha1)


def test_unreadable_images_are_skipped_and_reported_naming_the_file(jvm, setup, tmp_path, monkeypatch, capfd):
    _, data, home = setup
    denied, broken = str(data / "circles" / "001.png"), str(data / "squares" / "002.png")
    _unreadable(monkeypatch, {denied: errno.EACCES, broken: errno.EIO})
    job = TransferJob(data=data, image_size=64, epochs=2, batch_size=4, workers=1, progress=True,
                      cache_dir=tmp_path / "features", models_dir=home / "models")
    result = job.run()
    reasons = {item["path"]: item["reason"] for item in result.skipped}
    assert reasons[denied] == "cannot read the file: Permission denied"
    assert reasons[broken] == "cannot read the file: Input/output error"
    assert result.counts["unreadable"] == 2 and sum(result.counts[s] for s in ("train", "validation", "test")) == 22
    # the bars say what they count
    err = capfd.readouterr().err
    for desc in ("featurizing test images", "featurizing training images", "training epochs"):
        assert desc in err, desc
    assert "train:" not in err


def test_an_io_error_while_decoding_names_the_file(tmp_path, monkeypatch):
    path = tmp_path / "x.png"
    Image.new("RGB", (8, 8)).save(path)

    def failing_open(*args, **kwargs):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr("pydl4j_transfer.data.decode.Image.open", failing_open)
    with pytest.raises(BadImageError) as info:
        decode_image(path, 8)
    assert str(path) in str(info.value) and "Input/output error" in str(info.value)


def test_one_image_per_class_says_so(tmp_path):
    for color, name in enumerate(("cats", "dogs")):
        (tmp_path / name).mkdir()
        Image.new("RGB", (8, 8), (color * 200, 0, 0)).save(tmp_path / name / "only.png")
    with pytest.raises(ValueError, match=r"no class has 2 usable images \(cats: 1, dogs: 1\); each class needs at "
                                         r"least 2, one to train on and one to test on"):
        TransferJob(data=tmp_path).run()


def test_a_folder_where_nothing_decodes_says_so(jvm, setup, tmp_path):
    _, _, home = setup
    for name in ("cats", "dogs"):
        (tmp_path / "data" / name).mkdir(parents=True)
        for i in range(3):
            (tmp_path / "data" / name / f"{i}.jpg").write_bytes(f"not an image: {name} {i}".encode() * 10)
    job = TransferJob(data=tmp_path / "data", image_size=64, workers=1, progress=False,
                      cache_dir=tmp_path / "features", models_dir=home / "models")
    with pytest.raises(ValueError, match=r"none of the \d+ images of the training split could be decoded \(e\.g\. .*\.jpg: "):
        job.run()


def test_a_checkpoint_given_as_a_model_says_so(tmp_path):
    ckpt = tmp_path / "checkpoint.zip"
    with zipfile.ZipFile(ckpt, "w") as archive:
        for name in ("configuration.json", "coefficients.bin", "pydl4j_checkpoint.json"):
            archive.writestr(name, b"{}")
    with pytest.raises(engine.ModelFileError, match="is a training checkpoint, not a model: continue its run with "
                                                    "`pydl4j-transfer train --resume RUN_DIR`"):
        engine.read_meta(ckpt)


def test_a_very_deep_folder_is_scanned(tmp_path):
    deep = tmp_path / "data" / "deep"
    deep.mkdir(parents=True)
    levels = [deep]
    for _ in range(1100):           # one level at a time (os.makedirs itself recurses)
        levels.append(levels[-1] / "d")
        levels[-1].mkdir()
    try:
        Image.new("RGB", (8, 8)).save(levels[-1] / "bottom.png")
        (tmp_path / "data" / "flat").mkdir()
        Image.new("RGB", (8, 8)).save(tmp_path / "data" / "flat" / "top.png")
        folder = scan_image_folder(tmp_path / "data")
        assert folder.label_names == ("deep", "flat") and len(folder.paths) == 2
        assert folder.paths[0].name == "bottom.png"
    finally:                        # bottom up (shutil.rmtree, which pytest uses, recurses too)
        (levels[-1] / "bottom.png").unlink(missing_ok=True)
        for level in reversed(levels):
            level.rmdir()


def test_a_script_without_a_main_guard_is_told_to_add_one(tmp_path):
    for i in range(4):
        Image.new("RGB", (8, 8)).save(tmp_path / f"{i}.png")
    script = tmp_path / "unguarded.py"
    script.write_text(textwrap.dedent(f'''
        from pydl4j_transfer.data.decode import decode_many
        print(sum(r.ok for r in decode_many([{str(tmp_path)!r} + f"/{{i}}.png" for i in range(4)], 8, workers=2,
                                            chunksize=1)))
    '''))
    run = subprocess.run([sys.executable, str(script)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert f"{script} has no `if __name__ == \"__main__\":` guard" in run.stderr
    assert "worker process died" not in run.stderr
    guarded = tmp_path / "guarded.py"
    guarded.write_text("if __name__ == '__main__':\n" + textwrap.indent(script.read_text(), "    "))
    run = subprocess.run([sys.executable, str(guarded)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "4", run.stderr
