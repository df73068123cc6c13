"""Reliability of the data layer on a messy photo folder: the scan, decoding and batching never crash, skip every
unreadable file and report each one with its reason, and decode the good ones correctly. A huge JPEG is decoded at
reduced size with bounded memory (measured in a subprocess)."""

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from fault_support import BLUE, GREEN, RED, WHITE, close, make_messy_folder, png_with_ihdr
from pydl4j_transfer.data import (BadImageError, BatchStream, EmptyClassWarning, ImageFolderError,
                                  UndecodableImagesError, check_images, decode_image, decode_many, scan_image_folder)

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    return make_messy_folder(tmp_path_factory.mktemp("messy") / "photos")


def _scan_messy(root):
    """The messy folder has one empty class: scanning it with on_empty="warn" must say so."""
    with pytest.warns(EmptyClassWarning, match="empty") as caught:
        folder = scan_image_folder(root, on_empty="warn")
    assert any("holds no image file" in str(w.message) for w in caught)
    return folder


def _rel(mf, path) -> str:
    return str(Path(path).relative_to(mf.root))


def test_scan_lists_images_once_and_ignores_hidden_links_and_other_files(messy):
    folder = _scan_messy(messy.root)
    assert folder.label_names == messy.classes
    assert folder.empty_classes == messy.empty_classes
    listed = [_rel(messy, p) for p in folder.paths]
    assert sorted(listed) == sorted(list(messy.good) + list(messy.bad))   # each file once, loops not followed
    assert len(set(listed)) == len(listed)
    for rel in messy.ignored:
        assert rel not in listed
    assert not any("loop_to" in rel or "/self/" in rel for rel in listed)
    for path, label in zip(folder.paths, folder.labels):
        assert _rel(messy, path).split("/")[0] == folder.label_names[label]


def test_scan_rejects_empty_class_by_default_and_single_class(messy, tmp_path):
    with pytest.raises(ImageFolderError, match="empty"):
        scan_image_folder(messy.root)
    single = tmp_path / "single"
    (single / "only").mkdir(parents=True)
    Image.new("RGB", (8, 8), RED).save(single / "only" / "a.png")
    (single / "also_empty").mkdir()
    with pytest.raises(ImageFolderError, match="at least 2 classes"), \
            pytest.warns(EmptyClassWarning, match="also_empty"):
        scan_image_folder(single, on_empty="warn")
    loop_only = tmp_path / "loops"
    (loop_only / "a").mkdir(parents=True)
    (loop_only / "a" / "back").symlink_to(loop_only)
    (loop_only / "b").symlink_to(loop_only / "a")
    with pytest.raises(ImageFolderError), pytest.warns(EmptyClassWarning) as caught:
        scan_image_folder(loop_only, on_empty="warn")
    assert sorted(Path(str(w.message).split("'")[1]).name for w in caught) == ["a", "b"]   # both lead only to loops


def test_decode_many_reports_each_bad_file_with_its_reason_and_decodes_the_good_ones(messy):
    folder = _scan_messy(messy.root)
    results = list(decode_many(folder.paths, 16, workers=2, chunksize=3))
    assert [r.path for r in results] == [str(p) for p in folder.paths]       # in order, one per file
    failed = {_rel(messy, r.path): r.error for r in results if not r.ok}
    assert sorted(failed) == sorted(messy.bad)
    for rel, reason in failed.items():
        assert reason and isinstance(reason, str), rel
    assert failed["cats/zero_bytes.jpg"] == "empty file (0 bytes)"
    assert "truncated" in failed["cats/truncated.jpg"].lower()
    assert "exceeds limit" in failed["dogs/bomb.png"]
    images = {_rel(messy, r.path): r.image for r in results if r.ok}
    assert sorted(images) == sorted(messy.good)
    for rel, image in images.items():
        assert image.shape == (16, 16, 3) and image.dtype == np.uint8, rel
        check = messy.good[rel]
        centre = image[8, 8]
        if check == "left-red-right-blue":
            assert close(image[8, 1], RED) and close(image[8, 14], BLUE), rel
        elif check == "exif6":       # stored top red / bottom blue, rotated 90 degrees clockwise: red on the right
            assert close(image[8, 14], RED, 40) and close(image[8, 1], BLUE, 40), rel
        elif check == "gray128":
            assert close(centre, (128, 128, 128), 2), rel
        else:
            expected = {"red": RED, "green": GREEN, "blue": BLUE, "white": WHITE, "black": (0, 0, 0)}[check]
            assert close(centre, expected), (rel, centre)


def test_batch_stream_skips_and_lists_every_bad_file_and_strict_raises_listing_all(messy):
    folder = _scan_messy(messy.root)
    stream = BatchStream(folder.paths, folder.labels, batch_size=4, image_size=12, preprocess="scale_0_1",
                         workers=2, chunksize=2)
    batches = list(stream)
    assert sum(len(b) for b in batches) == len(messy.good)
    assert sorted(_rel(messy, s.path) for s in stream.skipped) == sorted(messy.bad)
    assert all(s.reason for s in stream.skipped)
    for batch in batches:
        assert batch.features.shape[1:] == (3, 12, 12) and np.isfinite(batch.features).all()
        for path, label in zip(batch.paths, batch.labels):
            assert _rel(messy, path).split("/")[0] == folder.label_names[label]
    strict = BatchStream(folder.paths, folder.labels, batch_size=4, image_size=12, preprocess="scale_0_1",
                         workers=1, strict=True)
    with pytest.raises(UndecodableImagesError) as info:
        list(strict)
    assert sorted(_rel(messy, s.path) for s in info.value.skipped) == sorted(messy.bad)
    message = str(info.value)
    assert message.startswith(f"{len(messy.bad)} image file(s) cannot be decoded")
    for rel in messy.bad:
        assert str(messy.path(rel)) in message


def test_check_images_lists_every_bad_file(messy):
    folder = _scan_messy(messy.root)
    found = check_images(folder.paths, workers=2)
    assert sorted(_rel(messy, s.path) for s in found) == sorted(messy.bad)
    with pytest.raises(UndecodableImagesError) as info:
        check_images(folder.paths, workers=1, strict=True)
    assert len(info.value.skipped) == len(messy.bad)
    good_only = [p for p in folder.paths if _rel(messy, p) in messy.good]
    assert check_images(good_only, workers=1, strict=True) == []


def test_declared_giant_png_is_rejected_without_allocating(tmp_path):
    path = tmp_path / "giant.png"
    path.write_bytes(png_with_ihdr(60000, 60000))
    with pytest.raises(BadImageError, match="giant.png"):
        decode_image(path, 32)


_RSS_PROBE = textwrap.dedent("""
    import resource, sys, warnings
    import numpy as np
    from PIL import Image
    from pydl4j_transfer.data import decode_image, decode_many
    warnings.simplefilter("ignore")                      # DecompressionBombWarning: 108 Mpx is above the warn level
    big, small = sys.argv[1], sys.argv[2]
    decode_image(small, 224)                             # warm up the code paths
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out = decode_image(big, 224, "center_crop")
    out2 = [r.image for r in decode_many([big, small], 224, workers=1)]
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert out.shape == (224, 224, 3) and out2[0].shape == (224, 224, 3)
    print("GROWTH_KB", after - before, "CENTRE", *out[112, 112].tolist())
""")


def test_huge_jpeg_is_decoded_at_reduced_size_with_bounded_memory(tmp_path):
    big = tmp_path / "huge 12000x9000.jpg"
    img = Image.new("RGB", (12000, 9000), GREEN)
    img.paste(RED, (3000, 2000, 9000, 7000))
    img.save(big, quality=75)
    del img
    small = tmp_path / "small.jpg"
    Image.new("RGB", (300, 200), BLUE).save(small)
    proc = subprocess.run([sys.executable, "-c", _RSS_PROBE, str(big), str(small)], capture_output=True, text=True,
                          timeout=120, cwd=PROJECT)
    assert proc.returncode == 0, proc.stderr
    fields = proc.stdout.split()
    growth_mb = int(fields[fields.index("GROWTH_KB") + 1]) / 1024
    full_decode_mb = 12000 * 9000 * 3 / 2**20      # 309 MiB for the full-size RGB pixels alone
    assert growth_mb < 80, f"peak RSS grew by {growth_mb:.0f} MiB decoding a 12000x9000 JPEG (full: {full_decode_mb:.0f})"
    centre = [int(v) for v in fields[fields.index("CENTRE") + 1:][:3]]
    assert close(centre, RED, 30)


def test_train_strict_fails_before_training_listing_every_bad_file(tmp_path, capsys, monkeypatch):
    """`train --strict` on the messy folder: exit 2 before any model is built, every bad file named with its reason."""
    from pydl4j_transfer import job as job_module
    from pydl4j_transfer.cli import main

    messy = make_messy_folder(tmp_path / "photos")
    shutil.rmtree(messy.root / "empty")                  # an empty class folder is its own, earlier error

    def no_model(*args, **kwargs):
        raise AssertionError("strict mode must fail before the model is prepared")

    monkeypatch.setattr(job_module.TransferJob, "_prepare", no_model)
    code = main(["train", "--data", str(messy.root), "--out", str(tmp_path / "run"), "--strict", "--no-progress",
                 "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{len(messy.bad)} image file(s) cannot be decoded" in err
    for rel in messy.bad:
        assert rel.split("/")[-1] in err
    assert not (tmp_path / "run" / "model.zip").exists()
