import hashlib
import io
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import numpy as np
import pytest

from pydl4j_transfer.data import atomic
from pydl4j_transfer.data.feature_cache import (CacheKey, CorruptShardWarning, FeatureCache, default_cache_root,
                                                file_sha1)

PROJECT = Path(__file__).resolve().parents[1]
KEY = CacheKey("efficientnet-lite0", "sha256:abc", "global_pool", "efficientnet_lite-0123456789ab", 224)


def vectors(n, dim=6, seed=0):
    return np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)


def fake_hashes(n, start=0):
    return [hashlib.sha1(str(i).encode()).hexdigest() for i in range(start, start + n)]


def test_hits_and_misses_survive_a_fresh_instance(tmp_path):
    cache = FeatureCache(KEY, root=tmp_path)
    hashes, feats = fake_hashes(5), vectors(5)
    cache.put_many(hashes[:3], feats[:3])
    cache.put_many(hashes[3:4], feats[3:4])
    reopened = FeatureCache(KEY, root=tmp_path)
    lookup = reopened.get_many([hashes[4], hashes[2], hashes[0], hashes[3]])
    assert lookup.hit_indices.tolist() == [1, 2, 3]
    assert lookup.miss_indices.tolist() == [0]
    np.testing.assert_array_equal(lookup.features, feats[[2, 0, 3]])
    assert lookup.features.dtype == np.float32
    assert len(reopened) == 4 and reopened.dim == 6 and hashes[1] in reopened


def test_all_misses_give_an_empty_feature_matrix(tmp_path):
    lookup = FeatureCache(KEY, root=tmp_path).get_many(fake_hashes(2))
    assert lookup.hit_indices.size == 0 and lookup.miss_indices.tolist() == [0, 1]
    assert lookup.features.shape[0] == 0


def test_changed_file_content_misses(tmp_path):
    image = tmp_path / "img.jpg"
    image.write_bytes(b"original bytes")
    cache = FeatureCache(KEY, root=tmp_path / "cache")
    cache.put_many([file_sha1(image)], vectors(1))
    assert FeatureCache(KEY, root=tmp_path / "cache").get_many([file_sha1(image)]).hit_indices.tolist() == [0]
    image.write_bytes(b"edited bytes")
    assert FeatureCache(KEY, root=tmp_path / "cache").get_many([file_sha1(image)]).miss_indices.tolist() == [0]


def test_file_sha1_matches_hashlib(tmp_path):
    data = bytes(range(256)) * 5000  # more than one read chunk
    path = tmp_path / "blob"
    path.write_bytes(data)
    assert file_sha1(path) == hashlib.sha1(data).hexdigest()


@pytest.mark.parametrize("field, value", [("model_name", "vgg16"), ("weights_checksum", "sha256:def"),
                                          ("vertex", "fc2"), ("preprocess_fingerprint", "imagenet_vgg-x"),
                                          ("image_size", 256)])
def test_every_key_field_separates_namespaces(tmp_path, field, value):
    FeatureCache(KEY, root=tmp_path).put_many(fake_hashes(1), vectors(1))
    other = CacheKey(**{**KEY.describe(), field: value})
    assert other.namespace() != KEY.namespace()
    assert FeatureCache(other, root=tmp_path).get_many(fake_hashes(1)).miss_indices.tolist() == [0]


def test_namespace_is_described_in_json(tmp_path):
    cache = FeatureCache(KEY, root=tmp_path)
    cache.put_many(fake_hashes(1), vectors(1))
    import json
    assert json.loads((cache.folder / "namespace.json").read_text()) == KEY.describe()


def test_root_defaults_to_pydl4j_home(tmp_path, monkeypatch):
    monkeypatch.setenv("PYDL4J_HOME", str(tmp_path / "home"))
    assert default_cache_root() == tmp_path / "home" / "features"
    cache = FeatureCache(KEY)
    cache.put_many(fake_hashes(1), vectors(1))
    assert cache.folder.parent == tmp_path / "home" / "features"
    monkeypatch.delenv("PYDL4J_HOME")
    assert default_cache_root() == Path("~/.pydl4j/features").expanduser()


def test_failed_rename_leaves_no_entry_and_no_temp_file(tmp_path, monkeypatch):
    cache = FeatureCache(KEY, root=tmp_path)
    cache.put_many(fake_hashes(2), vectors(2))
    before = sorted(p.name for p in cache.folder.iterdir())

    def crash(src, dst):
        raise OSError("simulated crash during rename")

    monkeypatch.setattr(atomic.os, "replace", crash)
    with pytest.raises(OSError, match="simulated crash"):
        FeatureCache(KEY, root=tmp_path).put_many(fake_hashes(3, start=2), vectors(3, seed=1))
    monkeypatch.undo()
    assert sorted(p.name for p in cache.folder.iterdir()) == before
    lookup = FeatureCache(KEY, root=tmp_path).get_many(fake_hashes(5))
    assert lookup.hit_indices.tolist() == [0, 1] and lookup.miss_indices.tolist() == [2, 3, 4]


def test_process_killed_mid_write_leaves_only_an_ignored_temp_file(tmp_path):
    FeatureCache(KEY, root=tmp_path).put_many(fake_hashes(2), vectors(2))
    script = textwrap.dedent(f"""
        import os
        import numpy as np
        from pydl4j_transfer.data import atomic
        from pydl4j_transfer.data.feature_cache import CacheKey, FeatureCache
        atomic.os.replace = lambda src, dst: os._exit(9)  # die after the temp file is written, before the rename
        key = CacheKey(**{KEY.describe()!r})
        FeatureCache(key, root={str(tmp_path)!r}).put_many({fake_hashes(3, start=2)!r}, np.ones((3, 6), np.float32))
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT, env={"PYTHONPATH": str(PROJECT)},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 9, result.stderr
    folder = FeatureCache(KEY, root=tmp_path).folder
    assert len(list(folder.glob("*.tmp"))) == 1
    lookup = FeatureCache(KEY, root=tmp_path).get_many(fake_hashes(5))
    assert lookup.hit_indices.tolist() == [0, 1] and lookup.miss_indices.tolist() == [2, 3, 4]


def test_damaged_shard_is_reported_and_ignored(tmp_path):
    cache = FeatureCache(KEY, root=tmp_path)
    cache.put_many(fake_hashes(2), vectors(2))
    broken = cache.put_many(fake_hashes(2, start=2), vectors(2, seed=3))
    broken.write_bytes(broken.read_bytes()[:100])
    with pytest.warns(CorruptShardWarning, match="unreadable"):
        lookup = FeatureCache(KEY, root=tmp_path).get_many(fake_hashes(4))
    assert lookup.hit_indices.tolist() == [0, 1] and lookup.miss_indices.tolist() == [2, 3]


def _hostile_shard(path, hashes_npy: bytes, features_npy: bytes, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        archive.writestr("hashes.npy", hashes_npy)
        archive.writestr("features.npy", features_npy)


def _npy(shape, dtype, body: bytes) -> bytes:
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)),
                                              "fortran_order": False, "shape": shape})
    return out.getvalue() + body


def test_shard_declaring_more_than_it_holds_is_ignored_without_allocating(tmp_path):
    folder = FeatureCache(KEY, root=tmp_path).folder
    folder.mkdir(parents=True, exist_ok=True)
    hashes = np.array(fake_hashes(1), dtype="U40")
    # 1 x 10^12 floats declared (4 TB) over 24 bytes: np.load would try to allocate it; we compare with the bytes
    _hostile_shard(folder / "shard-1-hostile.npz", _npy((1,), "<U40", hashes.tobytes()),
                   _npy((1, 10 ** 12), "<f4", b"\0" * 24))
    with pytest.warns(CorruptShardWarning, match="declares shape"):
        lookup = FeatureCache(KEY, root=tmp_path).get_many(fake_hashes(1))
    assert lookup.miss_indices.tolist() == [0]


def test_shard_hashes_array_declaring_a_huge_shape_is_refused(tmp_path):
    folder = FeatureCache(KEY, root=tmp_path).folder
    folder.mkdir(parents=True, exist_ok=True)
    _hostile_shard(folder / "shard-1-hostile.npz", _npy((10 ** 15,), "<U40", b""), _npy((0, 6), "<f4", b""))
    with pytest.warns(CorruptShardWarning, match="declares shape"):
        assert len(FeatureCache(KEY, root=tmp_path)) == 0


def test_shard_inflating_past_the_cap_is_refused(tmp_path, monkeypatch):
    import pydl4j_transfer.data.feature_cache as fc
    monkeypatch.setattr(fc, "MAX_SHARD_ARRAY_BYTES", 4096)
    folder = FeatureCache(KEY, root=tmp_path).folder
    folder.mkdir(parents=True, exist_ok=True)
    hashes = np.array(fake_hashes(1), dtype="U40")
    # a deflated member of a few hundred bytes that inflates to 1 MB
    _hostile_shard(folder / "shard-1-bomb.npz", _npy((1,), "<U40", hashes.tobytes()),
                   _npy((1, 1 << 18), "<f4", b"\0" * (1 << 20)), zipfile.ZIP_DEFLATED)
    with pytest.warns(CorruptShardWarning, match="inflates beyond 4096"):
        assert FeatureCache(KEY, root=tmp_path).get_many(fake_hashes(1)).miss_indices.tolist() == [0]


def test_shard_damaged_after_indexing_turns_into_misses(tmp_path):
    cache = FeatureCache(KEY, root=tmp_path)
    shard = cache.put_many(fake_hashes(2), vectors(2))
    shard.unlink()
    with pytest.warns(CorruptShardWarning):
        lookup = cache.get_many(fake_hashes(2))
    assert lookup.miss_indices.tolist() == [0, 1]
    assert len(cache) == 0


def test_put_many_argument_errors(tmp_path):
    cache = FeatureCache(KEY, root=tmp_path)
    with pytest.raises(ValueError, match=r"shape \(2, dim\)"):
        cache.put_many(fake_hashes(2), vectors(3))
    with pytest.raises(ValueError, match="nothing to store"):
        cache.put_many([], np.zeros((0, 6), np.float32))
    cache.put_many(fake_hashes(1), vectors(1))
    with pytest.raises(ValueError, match="length 7.*holds length 6"):
        cache.put_many(fake_hashes(1, start=5), vectors(1, dim=7))


def test_thousands_of_wide_vectors_round_trip(tmp_path):
    n, dim, batch = 600, 1280, 32
    feats = vectors(n, dim)
    hashes = fake_hashes(n)
    cache = FeatureCache(KEY, root=tmp_path)
    for start in range(0, n, batch):
        cache.put_many(hashes[start:start + batch], feats[start:start + batch])
    lookup = FeatureCache(KEY, root=tmp_path).get_many(hashes[::-1])
    assert lookup.miss_indices.size == 0
    np.testing.assert_array_equal(lookup.features, feats[::-1])


def test_identical_files_share_the_first_stored_vector(tmp_path):
    cache = FeatureCache(KEY, root=tmp_path)
    same = fake_hashes(1)[0]
    first, second = vectors(2, seed=4)
    cache.put_many([same, same], np.stack([first, second]))
    cache.put_many([same], second[None])
    np.testing.assert_array_equal(cache.get_many([same]).features[0], first)
    np.testing.assert_array_equal(FeatureCache(KEY, root=tmp_path).get_many([same]).features[0], first)


def test_atomic_write_gives_ordinary_file_permissions(tmp_path):
    from pydl4j_transfer.data import atomic
    path = atomic.atomic_write_bytes(tmp_path / "x.bin", b"abc")
    assert path.read_bytes() == b"abc"
    assert (path.stat().st_mode & 0o777) == 0o666 & ~atomic._UMASK
