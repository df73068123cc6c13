"""SIGINT / SIGTERM on real processes of the command line (issue 13 item 6): one line on stderr, exit 130/143,
no `terminate called ... JPypeException`, no traceback from decode workers, no process of the run left behind, and
a training run continues with --resume from its last checkpoint."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

from PIL import Image

from test_checkpoint_resume import (DEADLINE, TRAIN_ARGS, PAUSED_MARKER, _cli, _env, _finish, _reap, _resume,
                                    _synthetic_folder, setup)  # noqa: F401 (setup is a fixture)


def _stopped(proc) -> tuple[int, str, bool]:
    """Waits for the signalled process; (exit code, stderr, whether its whole process group is gone) -- checked
    before anything is killed from here."""
    _, err = proc.communicate(timeout=DEADLINE)
    return proc.returncode, err, _group_gone(proc.pid)

from pydl4j_transfer import checkpoint
from pydl4j_transfer.shutdown import Interrupted, blocked_for_children, exit_on_signals


def _group_gone(pgid: int, within: float = 20.0) -> bool:
    """True once no process of the group is left (zombies awaiting their reaper do not count)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                alive.append(int(entry))
        if not alive:
            return True
        time.sleep(0.2)
    return False


def _children(pid: int) -> list[int]:
    """Child processes of ``pid``, started by any of its threads (decode workers start from a producer thread)."""
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _wait_for(condition, proc, what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"the process ended (rc {proc.returncode}) before {what}: "
                                 f"{proc.stderr.read()[-2000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def _assert_clean(err: str, signame: str, command: str = "train") -> None:
    """No crash output, and the last line says why the command stopped (progress bars end before it)."""
    lines = [line for line in err.replace("\r", "\n").splitlines() if line.strip()]
    assert "terminate called" not in err and "Traceback" not in err and "JPypeException" not in err, err
    assert lines and lines[-1].startswith(f"pydl4j-transfer {command}: stopped by {signame}"), err


def test_sigterm_mid_training_exits_143_cleanly_and_resumes(setup, tmp_path):
    """The run blocks at minibatch 0 of epoch 3 (after epoch 2's checkpoint); SIGTERM from outside."""
    _, data, home = setup
    out = tmp_path / "run"
    proc = _cli(["train", "--data", data, "--out", out, *TRAIN_ARGS, "--checkpoint-every", "1"],
                _env(home, "reference", "pause:batch:3:0"))
    try:
        _wait_for(lambda: (out / PAUSED_MARKER).exists(), proc, "the pause point")
        os.kill(proc.pid, signal.SIGTERM)
        rc, err, gone = _stopped(proc)
    finally:
        _reap(proc)
    assert rc == 143, err
    _assert_clean(err, "SIGTERM")
    assert err.strip().splitlines()[-1].endswith(f"continue with `pydl4j-transfer train --resume {out}`")
    assert len([line for line in err.splitlines() if line.strip()]) == 1, err
    assert gone
    assert checkpoint.read_state(out)["epoch"] == 2
    (out / PAUSED_MARKER).unlink()
    rc, _, err = _resume(out, home, "reference")
    assert rc == 0, err


def test_ctrl_c_while_featurizing_stops_workers_without_tracebacks(setup, tmp_path):
    """SIGINT to the whole process group (what Ctrl-C does) while decode workers run."""
    _, _, home = setup
    data = _synthetic_folder(tmp_path / "many", per_class=40)
    fresh = tmp_path / "home"                 # an empty feature cache: every image is decoded
    fresh.mkdir()
    (fresh / "models").symlink_to(home / "models", target_is_directory=True)
    args = [a for a in TRAIN_ARGS if a != "--no-progress"]
    args[args.index("--workers") + 1] = "2"
    proc = _cli(["train", "--data", data, "--out", tmp_path / "run", *args, "--batch-size", "2"],
                _env(fresh, "reference"))
    try:
        _wait_for(lambda: len(_children(proc.pid)) >= 2, proc, "decode workers")
        os.killpg(proc.pid, signal.SIGINT)
        rc, err, gone = _stopped(proc)
    finally:
        _reap(proc)
    assert rc == 130, err
    _assert_clean(err, "SIGINT")
    assert "KeyboardInterrupt" not in err
    assert gone


def test_sigterm_during_predict_leaves_no_worker(setup, tmp_path):
    _, data, home = setup
    out = tmp_path / "run"
    rc, _, err = _finish(_cli(["train", "--data", data, "--out", out, *TRAIN_ARGS, "--epochs", "1"],
                              _env(home, "reference")))
    assert rc == 0, err
    images = tmp_path / "images"
    images.mkdir()
    for i in range(400):
        Image.new("RGB", (300, 300), (i % 256, 40, 90)).save(images / f"{i:03d}.png")
    proc = _cli(["predict", "--model", out / "model.zip", images], _env(home, "reference"))
    try:
        _wait_for(lambda: len(_children(proc.pid)) >= 2, proc, "decode workers")
        os.kill(proc.pid, signal.SIGTERM)
        rc, err, gone = _stopped(proc)
    finally:
        _reap(proc)
    assert rc == 143, err
    _assert_clean(err, "SIGTERM", "predict")
    assert gone


def _signal_from_another_thread(signum: int) -> None:
    """A process-directed signal taken by a thread that does not block it (as the JVM's threads do)."""
    def send():
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signum})
        os.kill(os.getpid(), signum)

    sender = threading.Thread(target=send)
    sender.start()
    sender.join()


def test_a_signal_during_blocked_for_children_waits_for_the_block_to_end():
    """A worker's start (spawn, then the write of its start-up data) happens inside blocked_for_children; a signal
    taken by another thread meanwhile must not raise in the middle of it, only once the block is left."""
    steps = []
    with exit_on_signals():
        try:
            with blocked_for_children():
                _signal_from_another_thread(signal.SIGTERM)
                time.sleep(0.2)          # where the main thread would run the handler at once
                steps.append("block finished")
            steps.append("after the block")
        except Interrupted as stop:
            steps.append(stop.signum)
    assert steps == ["block finished", signal.SIGTERM]
    # handlers are back as they were: a signal outside the block raises at once
    with exit_on_signals():
        try:
            _signal_from_another_thread(signal.SIGINT)
            time.sleep(0.2)
            steps.append("not raised")
        except Interrupted as stop:
            steps.append(stop.signum)
    assert steps[-1] == signal.SIGINT
