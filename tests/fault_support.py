"""Generators of bad inputs for the reliability tests (tests/test_fault_*.py): a messy photo folder, byte-level
mutations of valid files, hostile pickles, and small model files built through the engine's bridge.

Nothing here touches the network; every file is written under a caller-given (temporary) folder.
"""

from __future__ import annotations

import io
import os
import pickle
import random
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)


def close(pixel, expected, tol=20) -> bool:
    return bool(np.all(np.abs(np.asarray(pixel, dtype=int) - np.asarray(expected, dtype=int)) <= tol))


def halves(size, first, second, vertical=True) -> Image.Image:
    """An RGB image whose top (vertical) or left half is ``first`` and the rest ``second``."""
    width, height = size
    img = Image.new("RGB", size, second)
    img.paste(first, (0, 0, width, height // 2) if vertical else (0, 0, width // 2, height))
    return img


def jpeg_bytes(img: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=90, **kw)
    return buf.getvalue()


def png_bytes(img: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", **kw)
    return buf.getvalue()


def png_with_ihdr(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width x height`` (a decompression bomb by declaration; valid CRCs)."""
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


# ------------------------------------------------------------------------------------------- messy photo folder

@dataclass
class MessyFolder:
    """What :func:`make_messy_folder` wrote: the root, the bad files (name -> why bad) and files with known content."""

    root: Path
    bad: dict[str, str] = field(default_factory=dict)          # relative path -> what is wrong with it
    good: dict[str, str] = field(default_factory=dict)         # relative path -> what to check after decoding
    ignored: list[str] = field(default_factory=list)           # relative paths the scan must not list
    classes: tuple[str, ...] = ()
    empty_classes: tuple[str, ...] = ()

    def path(self, rel: str) -> Path:
        return self.root / rel


def make_messy_folder(root: Path) -> MessyFolder:
    """A photo folder with every kind of trouble a user's download or phone dump has.

    Classes: ``cats``, ``dogs``, ``chats ü 猫`` (unicode and spaces), ``empty`` (no image at all). Bad files: corrupt
    and truncated JPEGs, zero-byte files, text and HTML with image extensions, a PNG whose header claims 100000 x
    100000 pixels. Good files: EXIF-rotated, CMYK, grayscale, palette (with and without transparency), RGBA, LA,
    16-bit PNG, unicode names. Ignored: hidden files and folders, a broken symlink, symlink loops.
    """
    root.mkdir(parents=True, exist_ok=True)
    mf = MessyFolder(root=root)
    cats, dogs, chats, empty = root / "cats", root / "dogs", root / "chats ü 猫", root / "empty"
    for d in (cats, dogs, chats, empty, cats / "nested" / "deeper", root / ".hidden_class"):
        d.mkdir(parents=True, exist_ok=True)

    def good(rel: str, data: bytes, check: str) -> None:
        (root / rel).write_bytes(data)
        mf.good[rel] = check

    def bad(rel: str, data: bytes, why: str) -> None:
        (root / rel).write_bytes(data)
        mf.bad[rel] = why

    base = halves((64, 48), RED, BLUE, vertical=False)            # left red, right blue
    good("cats/plain.jpg", jpeg_bytes(base), "left-red-right-blue")
    stored = halves((64, 32), RED, BLUE, vertical=True)           # stored: top red, bottom blue
    exif = Image.Exif()
    exif[0x0112] = 6                                              # displayed rotated 90 degrees clockwise
    good("cats/exif_rotated.JPG", jpeg_bytes(stored, exif=exif.tobytes()), "exif6")
    good("cats/cmyk.jpeg", jpeg_bytes(Image.new("CMYK", (40, 40), (0, 255, 255, 0))), "red")
    good("cats/gray.png", png_bytes(Image.new("L", (30, 20), 128)), "gray128")
    pal = Image.new("P", (32, 32), 1)
    pal.putpalette([0, 0, 0, 0, 255, 0] + [0] * (256 * 3 - 6))
    good("cats/palette.png", png_bytes(pal), "green")
    pal_t = Image.new("P", (32, 32), 0)
    pal_t.putpalette([10, 20, 30] + [0] * (256 * 3 - 3))
    good("cats/palette_transparent.png", png_bytes(pal_t, transparency=0), "white")
    good("cats/nested/deeper/rgba.png", png_bytes(Image.new("RGBA", (16, 16), (0, 0, 255, 0))), "white")
    good("cats/nested/la.png", png_bytes(Image.new("LA", (16, 16), (0, 255))), "black")
    sixteen = Image.fromarray(np.full((20, 20), 65535, dtype=np.uint16))
    good("cats/sixteen_bit.png", png_bytes(sixteen), "white")
    good("dogs/dog 1.jpg", jpeg_bytes(Image.new("RGB", (50, 50), GREEN)), "green")
    good("dogs/dog.webp", _webp(Image.new("RGB", (20, 20), BLUE)), "blue")
    good("chats ü 猫/minou é.png", png_bytes(Image.new("RGB", (10, 10), RED)), "red")
    good("chats ü 猫/Großkatze.BMP", _bmp(Image.new("RGB", (10, 10), GREEN)), "green")

    valid = jpeg_bytes(Image.new("RGB", (64, 64), GREEN))
    bad("cats/truncated.jpg", valid[: len(valid) // 2], "truncated JPEG")
    bad("cats/corrupt.jpg", valid[:20] + bytes(random.Random(1).randrange(256) for _ in range(400)), "corrupt JPEG")
    bad("cats/zero_bytes.jpg", b"", "zero-byte file")
    bad("cats/nested/notes.png", b"this is not a picture\n" * 10, "text with a .png extension")
    bad("dogs/page.jpg", b"<!DOCTYPE html><html><body>404 Not Found</body></html>\n", "HTML with a .jpg extension")
    bad("dogs/bomb.png", png_with_ihdr(100000, 100000), "PNG claiming 100000x100000 pixels")
    bad("chats ü 猫/half png ü.png", png_bytes(Image.new("RGB", (40, 40), RED))[:60], "truncated PNG")
    bad("dogs/zero 2.gif", b"", "zero-byte GIF")

    # ignored by the scan: hidden files/folders, non-image extensions, broken links, links that loop
    (cats / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (cats / "._plain.jpg").write_bytes(b"\x00\x05\x16\x07AppleDouble")
    (root / ".hidden_class" / "x.jpg").write_bytes(valid)
    (dogs / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    (dogs / "readme.txt").write_text("dogs")
    (empty / "notes.txt").write_text("nothing here")
    mf.ignored += ["cats/.DS_Store", "cats/._plain.jpg", ".hidden_class/x.jpg", "dogs/Thumbs.db", "dogs/readme.txt",
                   "empty/notes.txt", "dogs/broken_link.jpg"]
    os.symlink(root / "nowhere.jpg", dogs / "broken_link.jpg")
    os.symlink(cats, cats / "nested" / "loop_to_cats")             # cats/nested/loop_to_cats -> cats (a cycle)
    os.symlink(root, dogs / "loop_to_root")                        # dogs/loop_to_root -> root (a bigger cycle)
    os.symlink(dogs, dogs / "self", target_is_directory=True)

    mf.classes = ("cats", "chats ü 猫", "dogs")
    mf.empty_classes = ("empty",)
    return mf


def _webp(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="WEBP", lossless=True)
    return buf.getvalue()


def _bmp(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="BMP")
    return buf.getvalue()


# ------------------------------------------------------------------------------------------------- mutations

def mutate(data: bytes, rng: random.Random, rounds: int | None = None) -> bytes:
    """Byte-level damage of the kinds that happen to real files: truncation, flipped bits, overwritten and
    zeroed runs, inserted and deleted runs, duplicated runs, and "interesting" integers (0, -1, 2^31-1, ...)
    written over length fields."""
    out = bytearray(data)
    for _ in range(rounds if rounds is not None else rng.randint(1, 4)):
        if not out:
            break
        kind = rng.randrange(8)
        pos = rng.randrange(len(out))
        if kind == 0:
            del out[rng.randrange(len(out) + 1):]
        elif kind == 1:
            out[pos] ^= 1 << rng.randrange(8)
        elif kind == 2:
            n = rng.randint(1, 16)
            out[pos:pos + n] = bytes(rng.randrange(256) for _ in range(n))
        elif kind == 3:
            n = rng.randint(1, 64)
            out[pos:pos + n] = b"\x00" * min(n, len(out) - pos)
        elif kind == 4:
            out[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 32)))
        elif kind == 5:
            del out[pos:pos + rng.randint(1, 64)]
        elif kind == 6:
            n = rng.randint(1, 64)
            out[pos:pos] = out[pos:pos + n]
        else:
            value = rng.choice([0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF])
            width = rng.choice([1, 2, 4, 8])
            order = rng.choice("<>")
            fmt = {1: "B", 2: "H", 4: "I", 8: "Q"}[width]
            out[pos:pos + width] = struct.pack(order + fmt, value & ((1 << (8 * width)) - 1))
    return bytes(out)


def mutate_zip_member(data: bytes, rng: random.Random) -> bytes:
    """Damage one member of a zip *inside* the container (re-zipped, CRCs valid), so that the reader gets past the
    zip layer and meets corrupt content: JSON, binary arrays, pickles."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    victim = rng.choice(names)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == victim:
                content = mutate(content, rng)
            dst.writestr(info, content)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------- hostile pickles

DANGEROUS_GLOBALS = [
    ("builtins", "exec"), ("builtins", "eval"), ("builtins", "open"), ("os", "system"), ("posix", "system"),
    ("subprocess", "check_call"), ("shutil", "copyfile"), ("builtins", "__import__"), ("pathlib", "Path"),
    ("io", "open"), ("codecs", "open"), ("builtins", "getattr"), ("numpy", "load"), ("torch", "load"),
    ("torch._utils", "_rebuild_tensor_v2_evil"), ("collections", "namedtuple"), ("operator", "attrgetter"),
]


def pickle_global_call(module: str, name: str, args: tuple, protocol: int = 2) -> bytes:
    """A pickle that, unpickled without restrictions, calls ``module.name(*args)`` (GLOBAL/STACK_GLOBAL + REDUCE)."""
    body = pickle.dumps(args, protocol=protocol)
    assert body[-1:] == b"."
    if protocol >= 4:
        head = (pickle.PROTO + bytes([protocol]) + _short_unicode(module) + _short_unicode(name) + pickle.STACK_GLOBAL)
        inner = body[2:-1]
        if inner[:1] == pickle.FRAME:
            inner = inner[9:]
        return head + inner + pickle.REDUCE + pickle.STOP
    head = pickle.PROTO + bytes([protocol]) + pickle.GLOBAL + f"{module}\n{name}\n".encode()
    return head + body[2:-1] + pickle.REDUCE + pickle.STOP


def _short_unicode(text: str) -> bytes:
    raw = text.encode()
    return pickle.SHORT_BINUNICODE + bytes([len(raw)]) + raw


def marker_payloads(marker: Path) -> list[tuple[str, str, tuple]]:
    """(module, name, args) triples that would create ``marker`` if they were ever executed."""
    m = str(marker)
    return [
        ("builtins", "exec", (f"open({m!r}, 'w').write('pwned')",)),
        ("builtins", "eval", (f"open({m!r}, 'w').write('pwned')",)),
        ("os", "system", (f"touch {m!r}",)),
        ("posix", "system", (f"touch {m!r}",)),
        ("subprocess", "check_call", (["touch", m],)),
        ("builtins", "open", (m, "w")),
        ("io", "open", (m, "w")),
        ("codecs", "open", (m, "w")),
        ("shutil", "copyfile", ("/etc/hostname", m)),
    ]


def legacy_torch_file(payload_pickle: bytes, *, magic_ok: bool = True) -> bytes:
    """A legacy (non-zip) torch.save stream whose object pickle is ``payload_pickle``."""
    from pydl4j_transfer.weights.torch_reader import LEGACY_MAGIC, LEGACY_PROTOCOL_VERSION

    parts = [pickle.dumps(LEGACY_MAGIC if magic_ok else 1234, protocol=2),
             pickle.dumps(LEGACY_PROTOCOL_VERSION, protocol=2),
             pickle.dumps({"protocol_version": LEGACY_PROTOCOL_VERSION, "little_endian": True,
                           "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2),
             payload_pickle, pickle.dumps([], protocol=2)]
    return b"".join(parts)


def zip_torch_file(payload_pickle: bytes, folder: str = "archive") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr(f"{folder}/data.pkl", payload_pickle)
        z.writestr(f"{folder}/version", "3\n")
    return buf.getvalue()


# ------------------------------------------------------------------------------------ small engine model files

def small_graph(jvm, seed: int = 7, dense_out: int = 5):
    """A small CNN (conv, batch norm, pooling, dense, softmax output) built through the bridge; input [n,2,6,6]."""
    C = jvm.java_class
    Activation = C("org.pydl4j.nd.activations.Activation")
    LossFunction = C("org.pydl4j.nd.lossfunctions.LossFunctions$LossFunction")
    PoolingType = C("org.pydl4j.nn.conf.layers.SubsamplingLayer$PoolingType")
    conf = (C("org.pydl4j.nn.conf.NeuralNetConfiguration$Builder")().seed(seed)
            .updater(C("org.pydl4j.nd.learning.config.Adam")(1e-2))
            .weightInit(C("org.pydl4j.nn.weights.WeightInit").XAVIER).activation(Activation.RELU)
            .graphBuilder()
            .addInputs("in")
            .setInputTypes(C("org.pydl4j.nn.conf.inputs.InputType").convolutional(6, 6, 2))
            .addLayer("conv", C("org.pydl4j.nn.conf.layers.ConvolutionLayer$Builder")(3, 3).nOut(4)
                      .convolutionMode(C("org.pydl4j.nn.conf.ConvolutionMode").Same).build(), "in")
            .addLayer("bn", C("org.pydl4j.nn.conf.layers.BatchNormalization$Builder")().build(), "conv")
            .addLayer("pool", C("org.pydl4j.nn.conf.layers.SubsamplingLayer$Builder")(
                PoolingType.MAX, jvm_ints(jvm, 2, 2), jvm_ints(jvm, 2, 2)).build(), "bn")
            .addLayer("dense", C("org.pydl4j.nn.conf.layers.DenseLayer$Builder")().nOut(dense_out).build(), "pool")
            .addLayer("out", C("org.pydl4j.nn.conf.layers.OutputLayer$Builder")(LossFunction.MCXENT).nOut(3)
                      .activation(Activation.SOFTMAX).build(), "dense")
            .setOutputs("out")
            .build())
    graph = C("org.pydl4j.nn.graph.ComputationGraph")(conf)
    graph.init()
    return graph


def jvm_ints(jvm, *values):
    import jpype

    return jpype.JArray(jpype.JInt)(list(values))


def java_path(jvm, path) -> object:
    return jvm.java_class("java.io.File")(str(path)).toPath()
