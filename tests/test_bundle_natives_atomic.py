"""bundle_natives.py (gradle's bundleNativeCpu) never rewrites a file in OUT_DIR in place.

Tests and `make test-slow` load the native library straight from build/native/linux-x86_64 while a later gradle run
may bundle into it again. The bundler used to delete the bundle list, copy the library into OUT_DIR and patch it
there with patchelf (which truncates and rewrites the same inode): a JVM started in between loaded the unpatched
copy alone (no list) and then ran code pages that patchelf had rewritten under it (issue 11's SIGSEGV in
libpydl4j_cpu.so of 21:39, whose code pages held symbol-name strings). Now every file is made in a staging folder and
renamed into place, the list last.
"""
from __future__ import annotations

import hashlib
import importlib.util
import mmap
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "java" / "src" / "main" / "native" / "bundle_natives.py"


def load_bundler():
    spec = importlib.util.spec_from_file_location("bundle_natives_under_test", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_library(tmp: Path, body: str) -> Path:
    """A small C++ library that needs libstdc++ and libgcc_s (bundled, as for libpydl4j_cpu.so)."""
    src = tmp / "probe.cpp"
    src.write_text('#include <string>\nextern "C" int probe_len(const char* s) { return (int) std::string(s).size() + %s; }\n' % body)
    lib = tmp / "libprobe.so"
    subprocess.run(["g++", "-shared", "-fPIC", "-O1", "-o", str(lib), str(src)], check=True)
    return lib


def listed(out: Path) -> dict[str, str]:
    """file -> sha256 from OUT's bundle list; every listed file must exist with that hash."""
    lines = (out / "libprobe.so.bundle").read_text().split("\n")
    entries = {f.split()[2]: f.split()[0] for f in lines if f.strip()}
    for name, digest in entries.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest, f"{name} differs from the list"
    return entries


@pytest.fixture()
def bundler(monkeypatch):
    """The bundler with its `run` wrapped: records every patchelf target and what OUT held at that moment."""
    module = load_bundler()
    calls = []
    real_run = module.run

    def spying_run(*args: str) -> str:
        if args[0] == "patchelf" and not args[1].startswith("--print"):
            out = spying_run.out
            target = Path(args[-1]).resolve()
            complete = None
            if (out / "libprobe.so.bundle").exists():
                complete = listed(out)   # a loader reading OUT now finds a whole, unchanged bundle
            calls.append((target, complete))
        return real_run(*args)

    monkeypatch.setattr(module, "run", spying_run)
    return module, spying_run, calls


def test_rebundling_never_patches_or_rewrites_files_in_the_output_folder(tmp_path, bundler):
    module, spy, calls = bundler
    out = tmp_path / "native" / "linux-x86_64"
    spy.out = out
    lib1 = build_library(tmp_path, "1")
    assert module.main(["bundle_natives.py", str(lib1), str(out)]) == 0
    first = listed(out)
    assert "libprobe.so" in first and any(n.startswith("libstdc++-") for n in first), first
    assert all(out.resolve() not in t.parents for t, _ in calls), [str(t) for t, _ in calls]

    # a "JVM" has the first build mapped; the library is rebuilt with other code and bundled again
    with open(out / "libprobe.so", "rb") as f, mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ) as mapped:
        before = bytes(mapped)
        calls.clear()
        lib2 = build_library(tmp_path, "2")
        assert module.main(["bundle_natives.py", str(lib2), str(out)]) == 0
        assert bytes(mapped) == before, "the mapped library was rewritten in place"
    assert calls and all(out.resolve() not in t.parents for t, _ in calls), [str(t) for t, _ in calls]
    # while the second bundle was being patched, OUT still held the first one, complete
    assert all(complete == first for _, complete in calls)
    second = listed(out)
    assert second["libprobe.so"] != first["libprobe.so"]
    assert sorted(p.name for p in out.iterdir()) == sorted(list(second) + ["libprobe.so.bundle", "licenses"])
    assert not list(out.parent.glob(".*stage*")), "the staging folder is removed"


def test_a_failed_bundling_leaves_the_previous_bundle_in_place(tmp_path, bundler, monkeypatch):
    module, spy, _ = bundler
    out = tmp_path / "native" / "linux-x86_64"
    spy.out = out
    assert module.main(["bundle_natives.py", str(build_library(tmp_path, "1")), str(out)]) == 0
    first = listed(out)

    def failing_patchelf(*args: str) -> str:
        raise subprocess.CalledProcessError(1, args)

    monkeypatch.setattr(module, "run", lambda *a: failing_patchelf(*a) if a[0] == "patchelf" and "--set-rpath" in a else spy(*a))
    with pytest.raises(subprocess.CalledProcessError):
        module.main(["bundle_natives.py", str(build_library(tmp_path, "2")), str(out)])
    assert listed(out) == first
    assert not list(out.parent.glob(".*stage*"))
    shutil.rmtree(tmp_path / "native")
