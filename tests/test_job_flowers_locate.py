"""Locating flower_photos for `make demo` (FLOWERS_DIR, the shared folder, a download), without any network."""

from __future__ import annotations

import pytest

from job_support import FLOWERS

from pydl4j_transfer import flowers


def test_flowers_dir_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("FLOWERS_DIR", str(tmp_path))
    assert flowers.locate_flowers(download=False) == tmp_path
    monkeypatch.setenv("FLOWERS_DIR", str(tmp_path / "missing"))
    with pytest.raises(flowers.FlowersUnavailable, match="FLOWERS_DIR=.*missing is not a folder"):
        flowers.locate_flowers(download=False)


def test_shared_folder_is_found(monkeypatch):
    monkeypatch.delenv("FLOWERS_DIR", raising=False)
    assert flowers.shared_location() == FLOWERS
    assert flowers.locate_flowers(download=False) == FLOWERS


def test_offline_download_is_one_clear_error(tmp_path):
    """A refused connection (a local port nobody listens on) leaves no partial file and says what to do."""
    with pytest.raises(flowers.FlowersUnavailable, match="cannot download .*FLOWERS_DIR"):
        flowers.fetch_flowers(tmp_path, url="http://127.0.0.1:9/flower_photos.tgz", progress=False, timeout=5)
    assert not list(tmp_path.glob("*.part")) and not (tmp_path / "flower_photos.tgz").exists()


def test_archive_is_verified_and_extracted_safely(tmp_path, monkeypatch):
    """A local archive served through a file:// address: size/SHA-256 must match the published ones."""
    import hashlib
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in flowers.CLASSES:
            data = b"not really a jpeg"
            info = tarfile.TarInfo(f"flower_photos/{name}/a.jpg")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    archive = tmp_path / "src.tgz"
    archive.write_bytes(buffer.getvalue())
    target = tmp_path / "cache"
    with pytest.raises(flowers.FlowersUnavailable, match="expected 228813984 bytes"):
        flowers.fetch_flowers(target, url=archive.as_uri(), progress=False)
    monkeypatch.setattr(flowers, "SIZE", archive.stat().st_size)
    monkeypatch.setattr(flowers, "SHA256", hashlib.sha256(archive.read_bytes()).hexdigest())
    folder = flowers.fetch_flowers(target, url=archive.as_uri(), progress=False)
    assert folder == target / "flower_photos"
    assert sorted(p.name for p in folder.iterdir()) == sorted(flowers.CLASSES)
