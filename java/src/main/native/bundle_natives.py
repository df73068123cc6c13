#!/usr/bin/env python3
"""Bundles a JNI library with the shared libraries it needs beyond glibc, the way auditwheel repairs a wheel.

    bundle_natives.py LIB OUT_DIR

Copies LIB and every library `ldd` resolves for it (oneDNN, OpenBLAS, libgomp, libgfortran, libquadmath, libOpenCL,
libstdc++, libgcc_s...) except glibc's own into OUT_DIR. Each bundled copy gets a unique name (`libdnnl-1a2b3c4d.so.2`:
the first 8 hex digits of its content hash, set as its SONAME and in every DT_NEEDED that named it) so it can never
be confused with a copy the JVM or the host already loaded, and RUNPATH `$ORIGIN` so the dynamic linker looks beside
it. Writes OUT_DIR/<LIB>.bundle (`sha256 size file` per line, dependencies first, LIB last: the order NativeLoader
loads them in), OUT_DIR/licenses/<debian package>.copyright for each bundled library, and prints the glibc floor
(the highest GLIBC_x.y symbol version any bundled file needs) as `glibc X.Y`. Files are made in a staging folder and
renamed into OUT_DIR, the list last: a JVM that has an older bundle mapped keeps it intact.
Needs: ldd, patchelf, objdump, dpkg (Debian).
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# glibc itself (and the kernel's vDSO): every Linux has these; manylinux tags pin their version.
GLIBC = re.compile(r"^(linux-vdso|linux-gate|ld-linux[-\w.]*|libc|libm|libdl|librt|libpthread|libresolv|libutil|"
                   r"libanl|libnsl|libmvec)\.so")


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def resolved_deps(lib: Path) -> dict[str, Path]:
    """DT_NEEDED name -> resolved file, for every non-glibc library in LIB's closure (ldd walks it all)."""
    deps = {}
    for line in run("ldd", str(lib)).splitlines():
        m = re.match(r"\s*(\S+) => (\S+) \(", line)
        if not m or GLIBC.match(m.group(1)):
            continue
        if m.group(2) == "not":
            sys.exit(f"bundle_natives: {lib} needs {m.group(1)}, which is not installed")
        deps[m.group(1)] = Path(m.group(2)).resolve()
    return deps


def needed(lib: Path) -> list[str]:
    return run("patchelf", "--print-needed", str(lib)).split()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unique_name(soname: str, digest: str) -> str:
    stem, _, rest = soname.partition(".so")
    return f"{stem}-{digest[:8]}.so{rest}"


def debian_package(path: Path) -> str | None:
    for candidate in {str(path), str(path).replace("/usr/lib/", "/lib/", 1)}:
        try:
            return run("dpkg", "-S", candidate).split(":", 1)[0]
        except subprocess.CalledProcessError:
            continue
    return None


def glibc_floor(files: list[Path]) -> tuple[int, int]:
    floor = (2, 17)
    for f in files:
        for v in re.findall(r"GLIBC_(\d+)\.(\d+)", run("objdump", "-T", str(f))):
            floor = max(floor, (int(v[0]), int(v[1])))
    return floor


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        sys.exit(__doc__)
    lib, out = Path(argv[1]).resolve(), Path(argv[2])
    deps = resolved_deps(lib)
    out.mkdir(parents=True, exist_ok=True)
    # Everything is made in a staging folder beside OUT_DIR and renamed into place: a file in OUT_DIR is never
    # rewritten in place (copyfile onto it, patchelf), because a JVM may have it mapped (tests and `make test-slow`
    # load from OUT_DIR; a library rewritten under a running JVM crashed it with code pages holding other bytes).
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.stage-", dir=out.parent))
    try:
        order, licences = stage_bundle(lib, deps, stage)
        major, minor = glibc_floor(order)
        publish(lib.name, order, licences, stage, out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    print(f"glibc {major}.{minor}")
    return 0


def stage_bundle(lib: Path, deps: dict[str, Path], stage: Path) -> tuple[list[Path], list[Path]]:
    """Copies and patches LIB and its dependencies into STAGE; returns them in load order, and the licence files."""
    (stage / "licenses").mkdir()
    renamed = {name: unique_name(name, sha256(path)) for name, path in deps.items()}
    copies, licences = {}, []
    for name, path in deps.items():
        dst = stage / renamed[name]
        shutil.copyfile(path, dst)
        os.chmod(dst, 0o755)
        copies[name] = dst
        pkg = debian_package(path)
        copyright_file = Path("/usr/share/doc") / (pkg or "") / "copyright"
        if not pkg or not copyright_file.is_file():
            sys.exit(f"bundle_natives: no licence file for {path} (package {pkg})")
        licence = stage / "licenses" / f"{pkg.split(':')[0]}.copyright"
        shutil.copyfile(copyright_file, licence)
        licences.append(licence)
    top = stage / lib.name
    shutil.copyfile(lib, top)
    os.chmod(top, 0o755)

    # one change per patchelf call: patchelf 0.14 (Debian 12) rewrites the version-needs table but not DT_NEEDED
    # when several --replace-needed share one call
    for name, f in list(copies.items()) + [(None, top)]:
        for n in needed(f):
            if n in renamed:
                run("patchelf", "--replace-needed", n, renamed[n], str(f))
        if name is not None:
            run("patchelf", "--set-soname", renamed[name], str(f))
        run("patchelf", "--set-rpath", "$ORIGIN", str(f))
        left = [n for n in needed(f) if n in renamed]
        if left:
            sys.exit(f"bundle_natives: patchelf left {left} in {f}")

    # dependency-first order: a library after everything it needs
    order, done = [], set()

    def visit(name: str) -> None:
        if name in done:
            return
        done.add(name)
        for n in needed(copies[name]):
            original = next((k for k, v in renamed.items() if v == n), None)
            if original:
                visit(original)
        order.append(copies[name])

    for name in sorted(copies):
        visit(name)
    order.append(top)
    return order, sorted(set(licences))


def publish(lib_name: str, order: list[Path], licences: list[Path], stage: Path, out: Path) -> None:
    """Renames the staged files into OUT: libraries first, the bundle list last (a loader that reads the list finds
    every file it names), then removes what older lists named and the new one does not."""
    stale = set()
    for old in out.glob(f"*{lib_name}.bundle"):
        stale.update(line.split()[2] for line in old.read_text().splitlines() if line.strip())
    (out / "licenses").mkdir(exist_ok=True)
    keep_licences = {f.name for f in licences}
    for f in licences:
        os.replace(f, out / "licenses" / f.name)
    for f in (out / "licenses").iterdir():
        if f.name not in keep_licences:
            f.unlink()
    lines = [f"{sha256(f)} {f.stat().st_size} {f.name}" for f in order]
    for f in order:
        os.replace(f, out / f.name)
    listing = stage / f"{lib_name}.bundle"
    listing.write_text("\n".join(lines) + "\n")
    os.replace(listing, out / listing.name)
    for old in out.glob(f"*{lib_name}.bundle"):
        if old.name != listing.name:
            old.unlink()
    for name in stale - {f.name for f in order}:
        (out / name).unlink(missing_ok=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
