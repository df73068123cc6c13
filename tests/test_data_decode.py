import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pydl4j_transfer.data.decode import Augmentation, BadImageError, decode_image, decode_many, to_rgb

PROJECT = Path(__file__).resolve().parents[1]
RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)


def close(pixel, expected, tol=12):
    return np.all(np.abs(np.asarray(pixel, dtype=int) - np.asarray(expected, dtype=int)) <= tol)


def halves(size, first, second, vertical=True):
    """An RGB image whose top (vertical) or left half is ``first`` and the rest ``second``."""
    width, height = size
    img = Image.new("RGB", size, second)
    img.paste(first, (0, 0, width, height // 2) if vertical else (0, 0, width // 2, height))
    return img


def test_plain_rgb_stretch_shape_and_dtype(tmp_path):
    path = tmp_path / "a.png"
    halves((60, 30), RED, BLUE, vertical=False).save(path)
    out = decode_image(path, 16)
    assert out.shape == (16, 16, 3) and out.dtype == np.uint8 and out.flags.c_contiguous
    assert close(out[8, 1], RED) and close(out[8, 14], BLUE)


def test_exif_orientation_is_applied(tmp_path):
    path = tmp_path / "rotated.jpg"
    stored = halves((64, 32), RED, BLUE, vertical=True)  # stored: top red, bottom blue
    exif = Image.Exif()
    exif[0x0112] = 6  # display = stored rotated 90 degrees clockwise: the stored top becomes the right side
    stored.save(path, quality=95, exif=exif.tobytes())
    out = decode_image(path, 32)
    assert close(out[16, 28], RED, 30) and close(out[16, 3], BLUE, 30)
    plain = tmp_path / "plain.jpg"
    stored.save(plain, quality=95)
    out = decode_image(plain, 32)
    assert close(out[3, 16], RED, 30) and close(out[28, 16], BLUE, 30)


def test_cmyk_jpeg_becomes_rgb(tmp_path):
    path = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (32, 32), (0, 255, 255, 0)).save(path, quality=95)
    with Image.open(path) as img:
        assert img.mode == "CMYK"
    out = decode_image(path, 8)
    assert out.shape == (8, 8, 3)
    assert close(out[4, 4], RED, 20)


def test_grayscale_becomes_three_equal_channels(tmp_path):
    path = tmp_path / "gray.png"
    Image.new("L", (20, 20), 100).save(path)
    out = decode_image(path, 10)
    assert np.all(out == 100)


def test_palette_png_with_transparency_is_composited_on_white(tmp_path):
    path = tmp_path / "palette.png"
    img = Image.new("P", (40, 20), 1)
    img.putpalette([0, 0, 0, 0, 255, 0] + [0] * (256 * 3 - 6))
    img.paste(0, (0, 0, 20, 20))  # left half: palette entry 0, declared transparent
    img.save(path, transparency=0)
    with Image.open(path) as check:
        assert check.mode == "P" and "transparency" in check.info
    out = decode_image(path, 20)
    assert close(out[10, 2], WHITE, 0) and close(out[10, 17], GREEN, 0)


def test_rgba_and_la_alpha_is_composited_on_white(tmp_path):
    rgba = tmp_path / "rgba.png"
    Image.new("RGBA", (10, 10), (255, 0, 0, 128)).save(rgba)
    assert close(decode_image(rgba, 10)[5, 5], (255, 127, 127), 2)
    la = tmp_path / "la.png"
    Image.new("LA", (10, 10), (0, 0)).save(la)
    assert np.all(decode_image(la, 10) == 255)


def test_sixteen_bit_png_is_scaled_to_eight_bits(tmp_path):
    path = tmp_path / "deep.png"
    values = np.zeros((12, 36), dtype=np.uint16)
    values[:, 12:24] = 257 * 100
    values[:, 24:] = 65535
    Image.fromarray(values).save(path)
    with Image.open(path) as check:
        assert check.mode.startswith("I")
    out = decode_image(path, 12, "center_crop")  # shorter side 12 -> centre third only
    assert np.all(out == 100)
    out = decode_image(path, 36 // 3 * 3, "stretch")
    assert out[6, 0, 0] == 0 and out[6, 18, 0] == 100 and out[6, 35, 0] == 255


def test_float_and_bilevel_modes():
    assert np.asarray(to_rgb(Image.new("F", (2, 2), 300.0))).max() == 255
    assert np.all(np.asarray(to_rgb(Image.new("1", (2, 2), 1))) == 255)


def test_center_crop_keeps_the_middle_and_stretch_keeps_everything(tmp_path):
    path = tmp_path / "wide.png"
    img = Image.new("RGB", (200, 100), GREEN)
    img.paste(RED, (0, 0, 50, 100))
    img.paste(BLUE, (150, 0, 200, 100))
    img.save(path)
    crop = decode_image(path, 50, "center_crop")
    assert crop.shape == (50, 50, 3)
    assert all(close(crop[r, c], GREEN, 0) for r in (0, 25, 49) for c in (2, 25, 47))
    stretch = decode_image(path, 50, "stretch")
    assert close(stretch[25, 2], RED, 0) and close(stretch[25, 25], GREEN, 0) and close(stretch[25, 47], BLUE, 0)


def test_tall_center_crop(tmp_path):
    path = tmp_path / "tall.png"
    halves((30, 90), RED, BLUE, vertical=True).save(path)
    out = decode_image(path, 30, "center_crop")
    assert out.shape == (30, 30, 3)
    assert close(out[2, 15], RED, 0) and close(out[27, 15], BLUE, 0)


def noisy_jpeg(path, size=(96, 96), seed=0):
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path, quality=90)
    return path


def test_truncated_jpeg_raises_bad_image_error(tmp_path):
    whole = noisy_jpeg(tmp_path / "whole.jpg")
    data = whole.read_bytes()
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(BadImageError) as info:
        decode_image(cut, 32)
    assert info.value.path == str(cut) and "truncated" in info.value.reason
    assert str(cut) in str(info.value)


@pytest.mark.parametrize("content", [b"", b"hello, I am not an image\n"], ids=["zero-byte", "text"])
def test_non_images_named_jpg_raise_bad_image_error(tmp_path, content):
    path = tmp_path / "fake.jpg"
    path.write_bytes(content)
    with pytest.raises(BadImageError, match="fake.jpg"):
        decode_image(path, 32)


def test_missing_file_raises_bad_image_error(tmp_path):
    with pytest.raises(BadImageError, match="file not found"):
        decode_image(tmp_path / "gone.jpg", 32)


def test_bad_image_error_survives_pickling():
    error = pickle.loads(pickle.dumps(BadImageError("/x.jpg", "broken")))
    assert error.path == "/x.jpg" and error.reason == "broken" and "/x.jpg" in str(error)


@pytest.mark.parametrize("size, mode", [(0, "stretch"), (True, "stretch"), (2.5, "stretch"), (10, "fit")])
def test_argument_errors(tmp_path, size, mode):
    path = noisy_jpeg(tmp_path / "a.jpg")
    with pytest.raises(ValueError, match="size|mode"):
        decode_image(path, size, mode)


def test_large_jpeg_is_decoded_with_bounded_memory(tmp_path):
    path = tmp_path / "huge.jpg"
    big = Image.new("RGB", (8000, 6000), (30, 120, 200))
    big.paste((250, 250, 0), (0, 0, 4000, 6000))
    big.save(path, quality=80)
    del big
    probe = textwrap.dedent(f"""
        import resource, sys
        import numpy as np
        from pydl4j_transfer.data.decode import decode_image
        decode_image({str(tmp_path / 'warm.png')!r}, 8)  # import and warm up everything first
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out = decode_image({str(path)!r}, 224)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        assert out.shape == (224, 224, 3), out.shape
        print((after - before) // 1024, int(out[112, 50, 0]), int(out[112, 170, 0]))
    """)
    Image.new("RGB", (8, 8)).save(tmp_path / "warm.png")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120,
                            cwd=PROJECT, env={"PYTHONPATH": str(PROJECT), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    grown_mib, left_red, right_red = (int(v) for v in result.stdout.split())
    # a full decode needs 8000*6000*3 bytes = 137 MiB; the 1/8 draft needs about 2 MiB
    assert grown_mib < 40, f"decoding grew the peak RSS by {grown_mib} MiB"
    assert left_red > 200 and right_red < 60


def test_draft_can_be_disabled_and_gives_the_same_picture(tmp_path):
    path = tmp_path / "mid.jpg"
    halves((1600, 1200), RED, BLUE, vertical=False).save(path, quality=95)
    a = decode_image(path, 64).astype(int)
    b = decode_image(path, 64, draft=False).astype(int)
    assert np.abs(a - b).mean() < 3


def test_augmentation_is_reproducible_per_seed_epoch_index(tmp_path):
    path = noisy_jpeg(tmp_path / "noise.jpg", (80, 80))
    aug = Augmentation(seed=5, epoch=0)
    first = decode_image(path, 32, augment=aug, index=3)
    assert first.shape == (32, 32, 3)
    assert np.array_equal(first, decode_image(path, 32, augment=aug, index=3))
    variants = {decode_image(path, 32, augment=Augmentation(seed=5, epoch=e), index=3).tobytes() for e in range(6)}
    assert len(variants) > 1
    base = decode_image(path, Augmentation(seed=0).decode_size(32))
    for epoch in range(6):  # each augmented image is a (possibly mirrored) window of the enlarged decode
        out = decode_image(path, 32, augment=Augmentation(seed=5, epoch=epoch), index=3)
        windows = [base[t:t + 32, l:l + 32] for t in range(5) for l in range(5)]
        assert any(np.array_equal(out, w) or np.array_equal(out, w[:, ::-1]) for w in windows)


def test_augmentation_rejects_bad_padding():
    with pytest.raises(ValueError, match="pad_fraction"):
        Augmentation(seed=0, pad_fraction=-0.5)


def test_decode_many_keeps_order_and_reports_bad_files(tmp_path):
    paths = []
    for i in range(11):
        if i in (3, 8):
            bad = tmp_path / f"{i:02d}.jpg"
            bad.write_bytes(b"not a jpeg")
            paths.append(bad)
        else:
            paths.append(noisy_jpeg(tmp_path / f"{i:02d}.jpg", (40 + i, 30), seed=i))
    results = list(decode_many(paths, 16, workers=2, chunksize=2, window=2))
    assert [r.index for r in results] == list(range(11))
    assert [r.path for r in results] == [str(p) for p in paths]
    assert [r.ok for r in results] == [i not in (3, 8) for i in range(11)]
    assert results[3].image is None and results[3].error
    for r in results:
        if r.ok:
            assert np.array_equal(r.image, decode_image(r.path, 16))
    serial = list(decode_many(paths, 16, workers=1))
    assert [r.ok for r in serial] == [r.ok for r in results]


def test_decode_many_augmentation_uses_given_indices(tmp_path):
    paths = [noisy_jpeg(tmp_path / f"{i}.jpg", (64, 64), seed=i) for i in range(4)]
    aug = Augmentation(seed=1, epoch=2)
    results = list(decode_many(paths, 24, workers=2, chunksize=1, augment=aug, indices=[10, 11, 12, 13]))
    for i, r in enumerate(results):
        assert np.array_equal(r.image, decode_image(paths[i], 24, augment=aug, index=10 + i))


def test_decode_many_argument_errors(tmp_path):
    with pytest.raises(ValueError, match="workers"):
        list(decode_many(["a.jpg"], 8, workers=0))
    with pytest.raises(ValueError, match="indices"):
        list(decode_many(["a.jpg"], 8, indices=[1, 2]))
    with pytest.raises(ValueError, match="chunksize"):
        list(decode_many(["a.jpg"], 8, chunksize=0))
