"""Checkpoints and resume: a `train --checkpoint-every 1` process SIGKILLed mid-training (or while writing its
checkpoint) and continued with `train --resume RUN_DIR` ends with the parameters of an uninterrupted run -- bit for
bit on the reference backend, within 1e-5 relative on cpu; a resume that disagrees with its checkpoint is refused
with the difference named.

Every run is a subprocess of the command line (EfficientNet-Lite0 at 64 px, the last block unfrozen so batch norm
statistics and a 0.8M-value Adam state are part of what must survive, 3 classes x 8 generated images). Kill points
are deterministic: ``PYDL4J_CHECKPOINT_FAULT`` (tests/fault_hooks.py, training hooks) makes the process pause (then it is SIGKILLed from here) or SIGKILL
itself at a named point; the random-delay kills on cpu hold whatever point they hit.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from fault_hooks import FAULT_ENV, PAUSED_MARKER, Fault
from job_support import REPO_ROOT, TEST_HOME

from pydl4j_transfer import checkpoint
from pydl4j_transfer.hooks import TrainingHooks

EPOCHS = 5
TRAIN_ARGS = ["--epochs", str(EPOCHS), "--batch-size", "4", "--image-size", "64", "--unfreeze", "1",
              "--workers", "1", "--no-progress"]
DEADLINE = 120


def _synthetic_folder(root: Path, per_class: int = 8) -> Path:
    """Circles, squares and stripes on random backgrounds (PNG, 48x48), deterministic."""
    rng = np.random.default_rng(7)
    for c, name in enumerate(("circles", "squares", "stripes")):
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            image = Image.new("RGB", (48, 48), tuple(int(v) for v in rng.integers(0, 256, 3)))
            draw = ImageDraw.Draw(image)
            color = tuple(int(v) for v in rng.integers(0, 256, 3))
            x, y = (int(v) for v in rng.integers(4, 20, 2))
            s = int(rng.integers(12, 24))
            if c == 0:
                draw.ellipse([x, y, x + s, y + s], fill=color)
            elif c == 1:
                draw.rectangle([x, y, x + s, y + s], fill=color)
            else:
                for k in range(0, 48, 8):
                    draw.line([0, k + i % 4, 47, k + i % 4], fill=color, width=3)
            image.save(root / name / f"{i:03d}.png")
    return root


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """Data, a PYDL4J_HOME with the shared converted weights and an empty feature cache."""
    root = tmp_path_factory.mktemp("ckpt")
    data = _synthetic_folder(root / "data")
    home = root / "home"
    home.mkdir()
    (TEST_HOME / "models").mkdir(parents=True, exist_ok=True)
    (home / "models").symlink_to(TEST_HOME / "models", target_is_directory=True)
    return root, data, home


def _env(home: Path, backend: str, fault: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in (FAULT_ENV, "PYDL4J_BACKEND")}
    env.update(PYDL4J_HOME=str(home), PYDL4J_BACKEND=backend)
    if fault:
        env[FAULT_ENV] = fault
    return env


def _cli(args, env, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(REPO_ROOT / "tests" / "cli_with_hooks.py"), *map(str, args)],
                            env=env, cwd=REPO_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            **kwargs)


def _finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=DEADLINE)
    finally:
        _reap(proc)
    return proc.returncode, out, err


def _reap(proc: subprocess.Popen) -> None:
    """Kill the group of a process this test started (decode workers it may have left)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _run(args, env) -> tuple[int, str, str]:
    return _finish(_cli(args, env))


def _train(data, out, home, backend, *extra, fault=None) -> tuple[int, str, str]:
    return _run(["train", "--data", data, "--out", out, *TRAIN_ARGS, *extra], _env(home, backend, fault))


def _resume(out, home, backend, *extra) -> tuple[int, str, str]:
    return _run(["train", "--resume", out, "--no-progress", *extra], _env(home, backend))


def _kill_when_paused(proc: subprocess.Popen, marker: Path) -> int:
    """Waits (no fixed sleep: the process blocks at its fault point) for the pause marker, then SIGKILLs it."""
    deadline = time.monotonic() + DEADLINE
    while not marker.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"the process ended (rc {proc.returncode}) before pausing: {err[-2000:]}")
        if time.monotonic() > deadline:
            raise AssertionError("the process did not reach its pause point")
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    rc = proc.wait(timeout=DEADLINE)
    _reap(proc)
    marker.unlink()
    return rc


def _params(jvm, run: Path) -> np.ndarray:
    serializer = jvm.java_class("org.pydl4j.util.ModelSerializer")
    return jvm.to_numpy(serializer.restoreComputationGraph(str(run / "model.zip"), False).params(), copy=True)


def _metrics(run: Path) -> dict:
    return json.loads((run / "metrics.json").read_text())


def _leftovers(run: Path) -> list[str]:
    return sorted(p.name for p in run.iterdir() if p.name.startswith(".") and ".tmp" in p.name)


def _same_as(jvm, baseline: Path, run: Path, exact: bool) -> float:
    """Asserts ``run`` ended where ``baseline`` did; returns the largest relative parameter difference."""
    a, b = _params(jvm, baseline), _params(jvm, run)
    assert a.shape == b.shape
    rel = float(np.max(np.abs(a - b) / np.maximum(np.abs(a), 1e-3)))
    history_a, history_b = _metrics(baseline)["history"], _metrics(run)["history"]
    assert len(history_b) == EPOCHS
    if exact:
        assert a.tobytes() == b.tobytes(), f"parameters differ (max relative {rel:g})"
        assert history_a == history_b
    else:
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-7)
        for row_a, row_b in zip(history_a, history_b):
            assert row_b["train_loss"] == pytest.approx(row_a["train_loss"], rel=1e-4)
            assert row_b["test_accuracy"] == row_a["test_accuracy"]
    return rel


@pytest.fixture(scope="module")
def baselines(setup):
    """Uninterrupted runs (no checkpointing), one per backend, built on first use."""
    root, data, home = setup
    runs = {}

    def get(backend: str) -> Path:
        if backend not in runs:
            out = root / f"baseline-{backend}"
            rc, _, err = _train(data, out, home, backend)
            assert rc == 0, err
            runs[backend] = out
        return runs[backend]

    return get


def test_sigkill_mid_epoch_then_resume_is_bit_exact_on_reference(jvm, setup, baselines, tmp_path):
    _, data, home = setup
    baseline = baselines("reference")
    out = tmp_path / "run"
    # pause before minibatch 2 of epoch 3 (checkpoints of epochs 1 and 2 written), then SIGKILL from here
    proc = _cli(["train", "--data", data, "--out", out, *TRAIN_ARGS, "--checkpoint-every", "1"],
                _env(home, "reference", "pause:batch:3:2"))
    assert _kill_when_paused(proc, out / PAUSED_MARKER) == -signal.SIGKILL
    assert checkpoint.read_state(out)["epoch"] == 2
    assert not (out / "model.zip").exists()
    rc, stdout, err = _resume(out, home, "reference")
    assert rc == 0, err
    assert "test accuracy" in stdout
    _same_as(jvm, baseline, out, exact=True)
    metrics = _metrics(out)
    assert metrics["counts"]["resumed_from_epoch"] == 2
    assert metrics["counts"]["featurized"] == 0          # the killed run's feature cache is complete and reused
    assert checkpoint.read_state(out)["epoch"] == EPOCHS  # the resumed run went on checkpointing
    assert _leftovers(out) == []


@pytest.mark.parametrize("point", ["checkpoint-partial", "checkpoint-before-rename", "checkpoint-done"])
def test_sigkill_while_writing_a_checkpoint_keeps_the_last_good_one(jvm, setup, baselines, tmp_path, point):
    """SIGKILL (the process kills itself) inside epoch 3's checkpoint write: half the temporary file written, the
    whole temporary file written but not renamed, or just renamed. The checkpoint on disk is epoch 2's (3's after
    the rename), it loads, and the resume is bit-exact."""
    _, data, home = setup
    baseline = baselines("reference")
    out = tmp_path / "run"
    rc, _, err = _train(data, out, home, "reference", "--checkpoint-every", "1", fault=f"kill:{point}:3")
    assert rc == -signal.SIGKILL, err
    state = checkpoint.read_state(out)
    assert state["epoch"] == (3 if point == "checkpoint-done" else 2)
    assert len(state["history"]) == state["epoch"]
    if point != "checkpoint-done":
        assert len(_leftovers(out)) == 1                      # the killed write's temporary file
    with zipfile.ZipFile(out / checkpoint.CHECKPOINT_NAME) as archive:
        assert archive.testzip() is None
    # the engine reads it: parameters and Adam state of the trained part
    graph = jvm.java_class("org.pydl4j.util.ModelSerializer").restoreComputationGraph(
        str(out / checkpoint.CHECKPOINT_NAME), True)
    assert int(graph.getUpdater().getStateViewArray().length()) == 2 * int(graph.numTrainableParams())
    assert int(graph.getIterationCount()) == 5 * state["epoch"]          # 18 training images, batches of 4
    rc, _, err = _resume(out, home, "reference")
    assert rc == 0, err
    _same_as(jvm, baseline, out, exact=True)
    assert _leftovers(out) == []


def test_sigkill_before_the_first_checkpoint_leaves_nothing_to_resume(setup, tmp_path):
    _, data, home = setup
    out = tmp_path / "run"
    rc, _, err = _train(data, out, home, "reference", "--checkpoint-every", "2", fault="kill:checkpoint-partial:2")
    assert rc == -signal.SIGKILL, err
    assert not (out / checkpoint.CHECKPOINT_NAME).exists()
    rc, _, err = _resume(out, home, "reference")
    assert rc == 2
    assert "no checkpoint at" in err and "--checkpoint-every" in err and "Traceback" not in err


def test_cpu_resume_after_kills_at_random_moments(jvm, setup, baselines, tmp_path):
    """cpu backend: one SIGKILL at a fixed point mid-epoch, then three at random delays after the first checkpoint
    appears (in training, a checkpoint write, evaluation or saving -- or after the end: then the run just
    finished). Each is resumed and must end within 1e-5 relative of the uninterrupted run."""
    _, data, home = setup
    baseline = baselines("cpu")
    killed, worst = 0, 0.0
    out = tmp_path / "fixed"
    proc = _cli(["train", "--data", data, "--out", out, *TRAIN_ARGS, "--checkpoint-every", "1"],
                _env(home, "cpu", "pause:batch:2:1"))
    assert _kill_when_paused(proc, out / PAUSED_MARKER) == -signal.SIGKILL
    killed += 1
    rc, _, err = _resume(out, home, "cpu")
    assert rc == 0, err
    worst = max(worst, _same_as(jvm, baseline, out, exact=False))

    delays = random.Random(1234)
    for i in range(3):
        out = tmp_path / f"random-{i}"
        proc = _cli(["train", "--data", data, "--out", out, *TRAIN_ARGS, "--checkpoint-every", "1"], _env(home, "cpu"))
        deadline = time.monotonic() + DEADLINE
        while not (out / checkpoint.CHECKPOINT_NAME).exists() and proc.poll() is None:
            assert time.monotonic() < deadline, "no checkpoint appeared"
            time.sleep(0.01)
        time.sleep(delays.uniform(0.0, 1.0))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        rc = proc.wait(timeout=DEADLINE)
        _reap(proc)
        assert rc in (0, -signal.SIGKILL), proc.stderr.read()
        killed += rc == -signal.SIGKILL
        rc, _, err = _resume(out, home, "cpu")
        assert rc == 0, err
        worst = max(worst, _same_as(jvm, baseline, out, exact=False))
    print(f"cpu: {killed} of 4 runs SIGKILLed, largest relative parameter difference after resume {worst:g}")
    assert killed >= 2


def test_resume_that_disagrees_with_the_checkpoint_is_refused(setup, tmp_path):
    _, data, home = setup
    out = tmp_path / "run"
    rc, _, err = _train(data, out, home, "reference", "--checkpoint-every", "2", fault="kill:batch:3:0")
    assert rc == -signal.SIGKILL, err

    rc, _, err = _resume(out, home, "reference", "--epochs", "7", "--seed", "1")
    assert rc == 2
    assert "epochs=7 (checkpoint: 5)" in err and "seed=1 (checkpoint: 42)" in err and "Traceback" not in err
    rc, _, err = _resume(out, home, "reference", "--backend", "cpu")
    assert rc == 2 and "backend='cpu' (checkpoint: 'reference')" in err

    # the same relative paths, one image with other content: named; the folder may move if its files are the same
    moved = tmp_path / "moved"
    _synthetic_folder(moved)
    victim = moved / "squares" / "003.png"
    with Image.open(victim) as image:
        image.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(victim)
    rc, _, err = _resume(out, home, "reference", "--data", moved)
    assert rc == 2
    assert "changed content (squares/003.png)" in err, err

    (moved / "circles" / "extra.png").write_bytes((data / "circles" / "000.png").read_bytes())
    rc, _, err = _resume(out, home, "reference", "--data", moved)
    assert rc == 2 and "split differs" in err

    rc, _, err = _resume(out, home, "reference", "--out", tmp_path / "elsewhere")
    assert rc == 2 and "--resume" in err

    # the original data, in another folder: accepted
    copy = _synthetic_folder(tmp_path / "copy")
    rc, _, err = _resume(out, home, "reference", "--data", copy)
    assert rc == 0, err
    assert _metrics(out)["counts"]["resumed_from_epoch"] == 2


def test_job_api_checkpoint_options(tmp_path):
    from pydl4j_transfer.job import TransferJob

    with pytest.raises(ValueError, match="checkpoint_every needs run_dir"):
        TransferJob(data=tmp_path, checkpoint_every=2)
    with pytest.raises(ValueError, match="checkpoint_every: expected a whole number >= 0"):
        TransferJob(data=tmp_path, checkpoint_every=-1, run_dir=tmp_path)
    with pytest.raises(checkpoint.CheckpointError, match="no checkpoint at"):
        TransferJob.resume(tmp_path)
    (tmp_path / checkpoint.CHECKPOINT_NAME).write_bytes(b"not a zip")
    with pytest.raises(checkpoint.CheckpointError, match="not a zip file"):
        TransferJob.from_checkpoint(tmp_path)
    with zipfile.ZipFile(tmp_path / checkpoint.CHECKPOINT_NAME, "w") as archive:
        archive.writestr("coefficients.bin", b"")
    with pytest.raises(checkpoint.CheckpointError, match="not a training checkpoint"):
        TransferJob.from_checkpoint(tmp_path)


def test_fault_spec_is_checked(monkeypatch):
    monkeypatch.setenv(FAULT_ENV, "explode:batch:1")
    with pytest.raises(ValueError, match="ACTION is kill or pause"):
        Fault.from_env()
    monkeypatch.setenv(FAULT_ENV, "kill:batch")
    with pytest.raises(ValueError, match="ACTION:POINT:EPOCH"):
        Fault.from_env()
    monkeypatch.setenv(FAULT_ENV, "pause:checkpoint-done:4")
    assert Fault.from_env() == Fault("pause", "checkpoint-done", 4, 0)


def test_job_api_resume_in_process(jvm, setup, tmp_path, monkeypatch):
    """TransferJob(checkpoint_every=2, run_dir=...) then TransferJob.resume(run_dir) from its epoch-2 checkpoint
    (kept aside while the first job went on) ends where the first job did, on this process's backend."""
    import shutil

    from pydl4j_transfer.job import TransferJob

    _, data, home = setup
    kept = tmp_path / "kept"

    class KeepEpoch2(TrainingHooks):
        def on_checkpoint(self, stage, epoch, run_dir, handle=None):
            if stage == "done" and epoch == 2:
                kept.mkdir()
                shutil.copy(run_dir / checkpoint.CHECKPOINT_NAME, kept / checkpoint.CHECKPOINT_NAME)

    options = dict(image_size=64, epochs=4, batch_size=4, unfreeze=1, progress=False, workers=1,
                   cache_dir=home / "features", models_dir=home / "models")
    first = TransferJob(data=data, checkpoint_every=2, run_dir=tmp_path / "first", hooks=KeepEpoch2(), **options)
    first.run()
    assert checkpoint.read_state(kept)["epoch"] == 2
    with pytest.raises(checkpoint.CheckpointError, match=r"batch_size=8 \(checkpoint: 4\)"):
        TransferJob.from_checkpoint(kept, batch_size=8)
    resumed = TransferJob.resume(kept, cache_dir=home / "features", models_dir=home / "models", workers=1,
                                 progress=False)
    assert resumed.result.counts["resumed_from_epoch"] == 2
    assert resumed.result.history == first.result.history
    a = jvm.to_numpy(first.graph.params(), copy=True)
    b = jvm.to_numpy(resumed.graph.params(), copy=True)
    assert a.tobytes() == b.tobytes()
    assert checkpoint.read_state(kept)["epoch"] == 4
