"""Atomic writes under SIGKILL: a subprocess rewrites a model zip (ModelSerializer.writeModel through the bridge) or
adds FeatureCache shards in a loop and is killed at random moments. After every kill the target is absent, an older
version or a complete new one (restorable, every parameter equal to the value of one written version), and no
half-written file is visible (leftover temporary files are hidden dot-files that readers ignore)."""

import os
import random
import re
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import numpy as np

from pydl4j_transfer.data import CacheKey, CorruptShardWarning, FeatureCache

PROJECT = Path(__file__).resolve().parents[1]
MODEL_KILLS = 16
CACHE_KILLS = 24

_MODEL_WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, "tests")
    from fault_support import small_graph
    from pydl4j_transfer import jvm
    jvm.start_jvm(heap="512m")
    graph = small_graph(jvm, dense_out=2000)          # ~2.3 MB of parameters: writes take a while
    serializer = jvm.java_class("org.pydl4j.util.ModelSerializer")
    target = sys.argv[1]
    version = int(sys.argv[2])
    while True:
        graph.paramsView().assign(float(version))   # every parameter of version k equals k
        print("WRITING", version, flush=True)
        serializer.writeModel(graph, target, True)
        print("WROTE", version, flush=True)
        version += 1
""")

_CACHE_WRITER = textwrap.dedent("""
    import sys
    import numpy as np
    from pydl4j_transfer.data import CacheKey, FeatureCache
    cache = FeatureCache(CacheKey("m", "w", "v", "p", 8), root=sys.argv[1])
    print("READY", flush=True)
    batch = int(sys.argv[2])
    while True:
        hashes = [f"{batch:08d}{row:032d}" for row in range(500)]
        features = np.full((500, 256), batch, np.float32) + np.arange(500, dtype=np.float32)[:, None]
        cache.put_many(hashes, features)
        print("STORED", batch, flush=True)
        batch += 1
""")


def _run_and_kill(args, ready: str, rng: random.Random, max_delay: float) -> list[str]:
    proc = subprocess.Popen([sys.executable, "-c", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=PROJECT)
    try:
        line = proc.stdout.readline()
        assert line.startswith(ready), (line, proc.stderr.read() if proc.poll() is not None else "")
        time.sleep(rng.uniform(0.0, max_delay))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    return [line] + out.splitlines()


def _numbers(lines: list[str], tag: str) -> list[int]:
    """The numbers of complete ``TAG n`` lines (a kill can cut the last line short)."""
    found = [re.fullmatch(rf"{tag} (\d+)", line.strip()) for line in lines]
    return [int(m.group(1)) for m in found if m]


def _visible(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def test_model_zip_survives_sigkill_at_random_moments(jvm, tmp_path):
    serializer = jvm.java_class("org.pydl4j.util.ModelSerializer")
    rng = random.Random(1234)
    target = tmp_path / "model.zip"
    version, on_disk, outcomes = 1, None, {"absent": 0, "old": 0, "new": 0}
    for kill in range(MODEL_KILLS):
        lines = _run_and_kill([_MODEL_WRITER, str(target), str(version)], "WRITING", rng, 0.6)
        wrote, started = _numbers(lines, "WROTE"), _numbers(lines, "WRITING")
        assert _visible(tmp_path) in ([], ["model.zip"]), _visible(tmp_path)
        if not target.exists():
            assert version == 1 and not wrote
            outcomes["absent"] += 1
            continue
        graph = serializer.restoreComputationGraph(str(target))
        params = np.array(graph.params().toDoubleVector())
        values = set(np.unique(params).tolist())
        assert len(values) == 1, f"kill {kill}: restored params mix versions {sorted(values)[:5]}"
        (value,) = values
        # the file holds the last completed version (of this run, else what was there before), or the one being
        # written when the kill came after its rename
        expected = {wrote[-1]} if wrote else {on_disk}
        if started:
            expected.add(started[-1])
        assert int(value) in expected, (kill, value, wrote, started, on_disk)
        outcomes["new" if int(value) >= version else "old"] += 1
        on_disk = int(value)
        version = max(started) + 1 if started else version
    print(f"\nmodel zip: {MODEL_KILLS} kill points, outcomes {outcomes}")
    assert outcomes["new"] > 0


def test_feature_cache_survives_sigkill_at_random_moments(tmp_path):
    rng = random.Random(99)
    key = CacheKey("m", "w", "v", "p", 8)
    batch = 0
    for kill in range(CACHE_KILLS):
        lines = _run_and_kill([_CACHE_WRITER, str(tmp_path), str(batch)], "READY", rng, 0.4)
        stored = _numbers(lines, "STORED")
        folder = tmp_path / key.namespace()
        with warnings.catch_warnings():
            warnings.simplefilter("error", CorruptShardWarning)   # a half-written shard would be reported here
            cache = FeatureCache(key, root=tmp_path)
            total = len(cache)
        if folder.exists():
            for name in _visible(folder):
                assert name == "namespace.json" or (name.startswith("shard-") and name.endswith(".npz")), name
        # every stored batch is complete and exact; a batch killed mid-write is absent or complete
        stored_all = set(range(0, batch + len(stored)))
        for b in sorted(stored_all)[-3:]:
            hashes = [f"{b:08d}{row:032d}" for row in range(500)]
            found = cache.get_many(hashes)
            assert len(found.hit_indices) == 500, (kill, b)
            np.testing.assert_array_equal(found.features[:, 0], b + np.arange(500, dtype=np.float32))
        assert total % 500 == 0 and total >= 500 * len(stored_all), (total, len(stored_all))
        batch = total // 500          # a shard renamed in just before the kill counts as stored
    print(f"\nfeature cache: {CACHE_KILLS} kill points, {batch} batches stored")
