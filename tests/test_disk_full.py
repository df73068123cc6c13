"""Issue 13 item 13: a full disk (weight cache, run folder) is an error naming the file being written, the bytes it
needed and the space left -- not a bare ``[Errno 28]`` -- and the previous file stays. A real 64 KiB tmpfs where
the test may mount one (root, in a private mount namespace), injected ENOSPC everywhere."""

import errno
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from pydl4j_transfer.data import atomic
from pydl4j_transfer.data.atomic import DiskFullError, atomic_write, atomic_write_bytes


def _no_space(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_injected_enospc_names_the_file_the_bytes_needed_and_the_free_space(tmp_path, monkeypatch):
    target = tmp_path / "run" / "metrics.json"
    atomic_write_bytes(target, b"old")
    monkeypatch.setattr(atomic.os, "fsync", _no_space)
    with pytest.raises(DiskFullError) as info:
        atomic_write_bytes(target, b"x" * 5000)
    message = str(info.value)
    assert message.startswith(f"no space left on the device writing {target}: 5000 bytes needed")
    assert "bytes free in" in message and info.value.errno == errno.ENOSPC and isinstance(info.value, OSError)
    assert target.read_bytes() == b"old" and not list(target.parent.glob(".*.tmp"))


def test_a_writer_that_fills_the_disk_midway_reports_what_it_wrote(tmp_path):
    def write(handle):
        handle.write(b"y" * 3000)
        handle.flush()
        _no_space()

    with pytest.raises(DiskFullError, match=r"features\.npz: more than 3000 bytes needed \(3000 written when it "
                                            r"filled, \d+ bytes free"):
        atomic_write(tmp_path / "features.npz", write)
    assert not list(tmp_path.iterdir())


def _can_mount_tmpfs() -> bool:
    return os.geteuid() == 0 and shutil.which("unshare") is not None and subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"], capture_output=True).returncode == 0


def test_a_real_full_tmpfs_cache_names_the_converted_file(tmp_path):
    """import-weights into a 64 KiB cache: EfficientNet-Lite0 needs 18 MB. Runs on a real tmpfs where the test
    environment lets root mount one in a private namespace; elsewhere the same path with injected ENOSPC."""
    cache = tmp_path / "cache"
    cache.mkdir()
    code = textwrap.dedent(f"""
        import sys
        from pydl4j_transfer.import_weights import import_weights
        if sys.argv[1] == "inject":
            import errno, os
            from pydl4j_transfer.data import atomic
            def no_space(*a):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            atomic.os.fsync = no_space
        try:
            import_weights("efficientnet-lite0", cache_dir={str(cache)!r})
        except OSError as e:
            print("ERROR", e)
    """)
    if _can_mount_tmpfs():
        command = ["unshare", "-m", "sh", "-c",
                   f'mount -t tmpfs -o size=64k tmpfs "$0" && exec "$1" -c "$2" real', str(cache), sys.executable,
                   code]
    else:
        command = [sys.executable, "-c", code, "inject"]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    target = cache / "efficientnet-lite0_imagenet.safetensors"
    line = proc.stdout.strip()
    assert line.startswith(f"ERROR no space left on the device writing {target}: "), line
    needed = int(line.split(": ", 1)[1].split(" bytes needed")[0])
    assert 18_000_000 < needed < 20_000_000, line
    assert not target.exists()
