#!/usr/bin/env python3
"""Bundles a JNI library with the shared libraries it needs beyond glibc, the way auditwheel repairs a wheel.

    bundle_natives.py LIB OUT_DIR

Copies LIB and every library `ldd` resolves for it (oneDNN, OpenBLAS, libgomp, libgfortran, libquadmath, libOpenCL,
libstdc++, libgcc_s...) except glibc's own into OUT_DIR. Each bundled copy gets a unique name (`libdnnl-1a2b3c4d.so.2`:
the first 8 hex digits of its content hash, set as its SONAME and in every DT_NEEDED that named it) so it can never
be confused with a copy the JVM or the host already loaded, and RUNPATH `$ORIGIN` so the dynamic linker looks beside
it. Writes OUT_DIR/<LIB>.bundle (`sha256 size file` per line, dependencies first, LIB last: the order NativeLoader
loads them in), OUT_DIR/licenses/<debian package>.copyright for each bundled library, and prints the glibc floor
(the highest GLIBC_x.y symbol version any bundled file needs) as `glibc X.Y`.
Needs: ldd, patchelf, objdump, dpkg (Debian).
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
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
    if out.exists():
        shutil.rmtree(out / "licenses", ignore_errors=True)
        for old in out.glob(f"*{lib.name}.bundle"):
            for line in old.read_text().splitlines():
                (out / line.split()[2]).unlink(missing_ok=True)
            old.unlink()
    (out / "licenses").mkdir(parents=True, exist_ok=True)

    renamed = {name: unique_name(name, sha256(path)) for name, path in deps.items()}
    copies = {}
    for name, path in deps.items():
        dst = out / renamed[name]
        shutil.copyfile(path, dst)
        os.chmod(dst, 0o755)
        copies[name] = dst
        pkg = debian_package(path)
        copyright_file = Path("/usr/share/doc") / (pkg or "") / "copyright"
        if not pkg or not copyright_file.is_file():
            sys.exit(f"bundle_natives: no licence file for {path} (package {pkg})")
        shutil.copyfile(copyright_file, out / "licenses" / f"{pkg.split(':')[0]}.copyright")
    top = out / lib.name
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
    lines = [f"{sha256(f)} {f.stat().st_size} {f.name}" for f in order]
    (out / f"{lib.name}.bundle").write_text("\n".join(lines) + "\n")
    major, minor = glibc_floor(order)
    print(f"glibc {major}.{minor}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
