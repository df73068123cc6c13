#!/usr/bin/env python3
"""Builds the Python distributions: the sdist, then the wheel with the engine jar as package data.

    build_dist.py --jar build/libs/pydl4j-transfer-X.jar --out dist [--glibc-floor build/glibc-floor]

The wheel carries native code (inside the jar), so it is a platform wheel (Root-Is-Purelib: false) tagged
``py3-none-manylinux_<glibc floor>_x86_64``, where the glibc floor is the highest glibc symbol version the bundled
native libraries need (written by the gradle task bundleNativeCpu). The jar is copied into
``pydl4j_transfer/engine/`` only while the wheel builds, so an editable checkout never finds a stale copy there.
Run with the virtualenv's python (setuptools and wheel).
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def platform_tag(floor_file: Path) -> str:
    text = floor_file.read_text().strip()
    m = re.fullmatch(r"(\d+)\.(\d+)", text)
    if not m:
        sys.exit(f"build_dist: {floor_file} holds {text!r}, expected a glibc version such as 2.36")
    return f"manylinux_{m.group(1)}_{m.group(2)}_x86_64"


@contextlib.contextmanager
def quiet(what: str):
    """setuptools narrates every file it copies: keep it, and show it only when the step fails."""
    log = io.StringIO()
    try:
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    except BaseException:
        sys.stderr.write(f"build_dist: {what} failed; setuptools said:\n{log.getvalue()[-6000:]}")
        raise


def retag(wheel: Path, tag: str) -> None:
    """Marks the wheel as platform-specific (Root-Is-Purelib: false, one Tag line) and renames it accordingly;
    `wheel pack` rewrites RECORD and the file name from the edited WHEEL file."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "wheel", "unpack", "-d", tmp, str(wheel)], check=True, capture_output=True)
        (unpacked,) = Path(tmp).iterdir()
        (meta,) = unpacked.glob("*.dist-info/WHEEL")
        lines = [l for l in meta.read_text().splitlines() if l.strip() and not l.startswith(("Tag:", "Root-Is-Purelib:"))]
        meta.write_text("\n".join(lines + ["Root-Is-Purelib: false", f"Tag: {tag}"]) + "\n")
        subprocess.run([sys.executable, "-m", "wheel", "pack", "-d", str(wheel.parent), str(unpacked)], check=True,
                       capture_output=True)
    wheel.unlink()


def build(jar: Path, out: Path, floor_file: Path) -> list[Path]:
    from setuptools import build_meta

    out.mkdir(parents=True, exist_ok=True)
    for old in list(out.glob("pydl4j_transfer-*.whl")) + list(out.glob("pydl4j_transfer-*.tar.gz")):
        old.unlink()
    engine = ROOT / "pydl4j_transfer" / "engine"
    os.chdir(ROOT)
    shutil.rmtree(ROOT / "build" / "lib", ignore_errors=True)   # setuptools' staging folder: no stale modules
    with quiet("sdist"):
        sdist = build_meta.build_sdist(str(out))                  # sources only: before the jar is copied in
    engine.mkdir(exist_ok=True)
    try:
        shutil.copyfile(jar, engine / jar.name)
        # the Spark artifact beside the engine (the [spark] extra finds it there); built only where pyspark is
        for spark_jar in (ROOT / "build" / "spark" / "libs").glob("pydl4j-transfer-spark-*.jar"):
            shutil.copyfile(spark_jar, engine / spark_jar.name)
        with quiet("wheel"):
            wheel = build_meta.build_wheel(str(out))
    finally:
        shutil.rmtree(engine, ignore_errors=True)
        shutil.rmtree(ROOT / "build" / "lib", ignore_errors=True)
    tag = platform_tag(floor_file)
    retag(out / wheel, f"py3-none-{tag}")
    wheels = sorted(out.glob(f"pydl4j_transfer-*-py3-none-{tag}.whl"))
    if len(wheels) != 1:
        sys.exit(f"build_dist: expected one {tag} wheel in {out}, found {[w.name for w in wheels]}")
    return [out / sdist, wheels[0]]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jar", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--glibc-floor", type=Path, default=ROOT / "build" / "glibc-floor")
    a = ap.parse_args()
    if not a.jar.is_file():
        sys.exit(f"build_dist: no engine jar at {a.jar}; run `make setup` first")
    if not a.glibc_floor.is_file():
        sys.exit(f"build_dist: no {a.glibc_floor}; run `gradle --offline jar` (task bundleNativeCpu) first")
    for f in build(a.jar.resolve(), a.out.resolve(), a.glibc_floor.resolve()):
        print(f"dist: {f} ({f.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
