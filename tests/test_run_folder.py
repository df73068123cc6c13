"""Shared run folders (issue 13 item 1, issue 12's --out checks): two processes saving into one folder never mix
their files, a run folder is locked (a second run fails at once naming the holder), temporary files carry their
owner so only one's own and dead processes' leftovers are removed, and --out is checked before any work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from job_support import REPO_ROOT

from pydl4j_transfer import checkpoint, run_lock
from pydl4j_transfer.cli import main
from pydl4j_transfer.data.atomic import atomic_write
from pydl4j_transfer.data.temporaries import owner, remove_stale, temp_prefix

SAVER = textwrap.dedent('''
    import sys
    sys.path.insert(0, sys.argv[1])
    from fault_support import small_graph
    from pydl4j_transfer import engine, jvm

    jvm.start_jvm(backend="reference")
    dense = int(sys.argv[3])
    graph = small_graph(jvm, seed=dense, dense_out=dense)
    info = engine.ModelInfo(name="toy", input_shape=(2, 6, 6), mean=(0.0, 0.0, 0.0), std=(1.0, 1.0, 1.0),
                            resize="stretch", input_name="in", feature_vertex="dense", output_vertex="out")
    labels = [f"{sys.argv[4]}{i}" for i in range(3)]
    meta = engine.RunMeta(model="toy", labels=labels, feature_vertex="dense", output_vertex="out", info=info,
                          preprocess={}, image_size=6, weights_checksum="-", extra={"dense": dense})
    for _ in range(int(sys.argv[5])):
        engine.save_model(graph, meta, sys.argv[2])
    print("saved", flush=True)
''')


def _python(*args, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, *map(str, args)], cwd=REPO_ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def test_two_processes_saving_into_one_folder_never_mix(jvm, tmp_path):
    from pydl4j_transfer import engine

    script = tmp_path / "saver.py"
    script.write_text(SAVER)
    target = tmp_path / "run" / "model.zip"
    procs = [_python(script, REPO_ROOT / "tests", target, dense, prefix, 12)
             for dense, prefix in ((5, "a"), (7, "b"))]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-3000:]
        assert "saved" in out
    graph, meta = engine.load_model(target)            # labels checked against the graph's outputs
    dense = int(graph.getConfiguration().getLayer("dense").getNOut())
    assert meta.extra["dense"] == dense                 # the run description belongs to this graph
    assert meta.labels[0][0] == {5: "a", 7: "b"}[dense]
    assert [p.name for p in target.parent.iterdir()] == ["model.zip"]      # no temporary file left


def test_second_run_on_a_locked_folder_fails_at_once_naming_the_holder(tmp_path, capsys):
    from pydl4j_transfer.job import TransferJob

    out = tmp_path / "run"
    data = tmp_path / "data"
    for name in ("a", "b"):
        (data / name).mkdir(parents=True)
    holder = _python("-c", "import sys, time; from pydl4j_transfer import run_lock\n"
                           "with run_lock.locked(sys.argv[1]):\n    print('locked', flush=True); time.sleep(120)",
                     out)
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        assert main(["train", "--data", str(data), "--out", str(out), "--no-progress"]) == 2
        assert time.monotonic() - started < 10
        line = capsys.readouterr().err.strip()
        assert f"run folder {out} is in use by another run (pid {holder.pid} on" in line, line
        with pytest.raises(run_lock.RunFolderBusyError, match=f"pid {holder.pid}"):
            TransferJob(data=data, run_dir=out).run()
    finally:
        holder.kill()
        holder.wait()
    with run_lock.locked(out):          # released by the kernel when its holder died (SIGKILL)
        with run_lock.locked(out):      # reentrant in one process
            pass


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_only_dead_owners_temporaries_are_removed(tmp_path):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        prefix = temp_prefix(tmp_path / "model.zip")
        host = owner(prefix + "x.tmp")[0]
        dead = tmp_path / f".model.zip.@{host}~{_dead_pid()}.abc123.engine.tmp"
        live = tmp_path / f".checkpoint.zip.@{host}~{sleeper.pid}.def456.tmp"
        elsewhere = tmp_path / f".metrics.json.@other-host~{_dead_pid()}.ghi789.tmp"
        unowned = tmp_path / ".checkpoint.zip.k2j3h4.tmp"           # written by an older version
        mine = tmp_path / f"{prefix}zz.tmp"
        for path in (dead, live, elsewhere, unowned, mine):
            path.write_bytes(b"x" * 10)
        assert remove_stale(tmp_path) == [dead]
        assert checkpoint.remove_leftovers(tmp_path) == []             # a checkpoint write spares the others'
        with run_lock.locked(tmp_path):                                 # the lock holder also removes unowned ones
            pass
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == \
            sorted(p.name for p in (live, elsewhere, mine))
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_sigkilled_writer_leaves_a_temporary_that_the_next_run_removes(tmp_path):
    target = tmp_path / "model.zip"
    killer = _python("-c", "import os, signal, sys\nfrom pydl4j_transfer.data.atomic import atomic_write\n"
                           "def write(h):\n    h.write(b'x' * 100000); h.flush(); os.kill(os.getpid(), signal.SIGKILL)\n"
                           "atomic_write(sys.argv[1], write)", target)
    killer.communicate(timeout=60)
    assert killer.returncode == -signal.SIGKILL
    left = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(left) == 1 and owner(left[0])[1] == killer.pid
    atomic_write(target, lambda h: h.write(b"ok"))          # someone else's write elsewhere in the folder: kept
    assert left[0].exists()
    with run_lock.locked(tmp_path):
        pass
    assert not left[0].exists() and target.read_bytes() == b"ok"


def test_out_is_checked_before_any_work(tmp_path, capsys):
    data = tmp_path / "data"
    for name in ("a", "b"):
        (data / name).mkdir(parents=True)
    a_file = tmp_path / "file"
    a_file.write_text("keep me")
    cases = [(a_file, "a file of that name exists"), (Path("/proc/pydl4j-run"), "cannot write there")]
    full = tmp_path / "full"
    full.mkdir()
    (full / "model.zip").write_bytes(b"an earlier run")
    cases.append((full, "the run folder is not empty (model.zip); pass --overwrite"))
    for out, fragment in cases:
        started = time.monotonic()
        assert main(["train", "--data", str(data), "--out", str(out), "--no-progress"]) == 2, out
        assert time.monotonic() - started < 5
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and fragment in err[0] and str(out) in err[0], err
    assert a_file.read_text() == "keep me" and (full / "model.zip").read_bytes() == b"an earlier run"
    assert main(["featurize", "--data", str(data), "--out", str(tmp_path), "--no-progress"]) == 2
    assert "a folder; pass the .npz file" in capsys.readouterr().err
