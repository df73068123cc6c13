"""Numbers and files checked (issue 13 items 3, 4, 7): a diverging run stops before it saves, keeping its last good
checkpoint; strict JSON; a model with a non-finite parameter, a flipped bit (bad CRC-32) or labels that do not fit
its classifier is refused naming what is wrong; cached features are keyed on the weights actually loaded."""

from __future__ import annotations

import json
import math
import os
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from test_checkpoint_resume import _cli, _env, _finish, setup  # noqa: F401 (setup is a fixture)

from pydl4j_transfer import checkpoint, engine
from pydl4j_transfer.classifier import Classifier
from pydl4j_transfer.cli import main
from pydl4j_transfer.divergence import DivergenceError
from pydl4j_transfer.hooks import TrainingHooks
from pydl4j_transfer.job import TransferJob
from pydl4j_transfer.jsonio import strict_dumps

SMALL = dict(image_size=64, batch_size=4, workers=1, progress=False)


def _job(home: Path, data: Path, **options) -> TransferJob:
    return TransferJob(data=data, cache_dir=home / "features", models_dir=home / "models", **{**SMALL, **options})


def test_strict_json_never_writes_bare_nan():
    text = strict_dumps({"a": math.nan, "b": [math.inf, np.float32(1.5), (np.float64(-math.inf),)], "c": "NaN"})
    assert json.loads(text, parse_constant=lambda c: pytest.fail(f"bare {c}")) == \
        {"a": None, "b": [None, 1.5, [None]], "c": "NaN"}


def test_a_diverging_run_stops_before_saving_and_keeps_the_last_good_checkpoint(jvm, setup, tmp_path):
    _, data, home = setup

    class PoisonEpoch3(TrainingHooks):
        job = None

        def on_batch(self, epoch, batch, run_dir):
            if epoch == 3 and batch == 1:
                table = self.job._helper.helper.unfrozenGraph().paramTable()
                table.get(sorted(str(k) for k in table.keySet())[0]).putScalar(0, float("nan"))

    hooks = PoisonEpoch3()
    run = tmp_path / "run"
    job = hooks.job = _job(home, data, epochs=5, checkpoint_every=1, run_dir=run, hooks=hooks)
    with pytest.raises(DivergenceError, match=r"training diverged: the loss of minibatch 2 of epoch 3 is nan; "
                                              r"nothing was saved; the last good checkpoint .* is kept"):
        job.run()
    assert checkpoint.read_state(run)["epoch"] == 2
    assert job.result is None
    with pytest.raises(DivergenceError, match="is not finite"):
        job.save(tmp_path / "model.zip")
    assert not (tmp_path / "model.zip").exists()


def test_cli_huge_learning_rate_exits_1_and_writes_nothing(setup, tmp_path):
    _, data, home = setup
    out = tmp_path / "run"
    rc, _, err = _finish(_cli(["train", "--data", data, "--out", out, "--epochs", "3", "--batch-size", "4",
                               "--image-size", "64", "--workers", "1", "--no-progress", "--learning-rate", "1e38"],
                              _env(home, "reference")))
    assert rc == 1, err
    assert "error: training diverged" in err and "lower the learning rate (now 1e+38" in err
    assert not (out / "model.zip").exists() and not (out / "metrics.json").exists()


@pytest.fixture(scope="module")
def saved(setup, tmp_path_factory):
    """A model.zip trained for one epoch on the synthetic shapes."""
    _, data, home = setup
    out = tmp_path_factory.mktemp("saved") / "run"
    rc, _, err = _finish(_cli(["train", "--data", data, "--out", out, "--epochs", "1", "--batch-size", "4",
                               "--image-size", "64", "--workers", "1", "--no-progress"], _env(home, "reference")))
    assert rc == 0, err
    metrics = json.loads((out / "metrics.json").read_text(), parse_constant=lambda c: pytest.fail(f"bare {c}"))
    assert metrics["settings"]["epochs"] == 1
    return out / "model.zip", data, home


def _predict(model: Path, data: Path, capsys) -> tuple[int, str]:
    code = main(["predict", "--model", str(model), str(data / "circles" / "000.png"), "--backend", "reference"])
    return code, capsys.readouterr().err.strip()


def test_a_non_finite_parameter_is_refused_at_load_naming_it(jvm, saved, tmp_path, capsys):
    model, data, _ = saved
    graph, meta = engine.load_model(model)
    graph.paramTable().get("stem_conv_W").putScalar(5, float("inf"))        # in the frozen part
    bad = engine.save_model(graph, meta, tmp_path / "bad.zip")
    with pytest.raises(engine.ModelFileError, match=r"parameter stem_conv_W holds Infinity \(element 5\)"):
        Classifier.load(bad)
    code, err = _predict(bad, data, capsys)
    assert code == 2 and "stem_conv_W holds Infinity" in err


def test_overflowing_outputs_are_an_error_not_nan(jvm, saved, tmp_path, capsys):
    model, data, _ = saved
    graph, meta = engine.load_model(model)
    weights = graph.paramTable().get("fc_W")
    for i in range(int(weights.length())):
        weights.putScalar(i, 3e38)                      # finite, but the logits overflow
    huge = engine.save_model(graph, meta, tmp_path / "huge.zip")
    code, err = _predict(huge, data, capsys)
    assert code == 1 and "non-finite probabilities (NaN/infinity) for" in err and "000.png" in err, err


def test_a_flipped_bit_in_the_coefficients_is_a_crc_error(jvm, saved, tmp_path, capsys):
    model, data, _ = saved
    bad = tmp_path / "flipped.zip"
    raw = bytearray(model.read_bytes())
    with zipfile.ZipFile(model) as archive:
        info = archive.getinfo("coefficients.bin")
    assert info.compress_type == zipfile.ZIP_STORED
    header = info.header_offset
    name_len, extra_len = int.from_bytes(raw[header + 26:header + 28], "little"), \
        int.from_bytes(raw[header + 28:header + 30], "little")
    raw[header + 30 + name_len + extra_len + 4096] ^= 0x04
    bad.write_bytes(bytes(raw))
    with pytest.raises(engine.ModelFileError, match="coefficients.bin: CRC-32 mismatch"):
        Classifier.load(bad)
    code, err = _predict(bad, data, capsys)
    assert code == 2 and "CRC-32 mismatch" in err


def _with_labels(model: Path, labels: list[str], target: Path) -> Path:
    with zipfile.ZipFile(model) as src, zipfile.ZipFile(target, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == engine.META_ENTRY:
                meta = json.loads(data)
                meta["labels"] = labels
                data = json.dumps(meta).encode()
            dst.writestr(item, data)
    return target


@pytest.mark.parametrize("labels, fragment", [
    (["circles", "squares"], "lists 2 labels but the graph's classifier 'fc' has 3 outputs"),
    (["a", "b", "c", "d", "e"], "lists 5 labels but the graph's classifier 'fc' has 3 outputs"),
    (["a", "b", "a"], "lists label(s) 'a' more than once"),
])
def test_labels_are_checked_against_the_graph(jvm, saved, tmp_path, capsys, labels, fragment):
    model, data, _ = saved
    bad = _with_labels(model, labels, tmp_path / "labels.zip")
    with pytest.raises(engine.ModelFileError) as info:
        Classifier.load(bad)
    assert fragment in str(info.value)
    code, err = _predict(bad, data, capsys)
    assert code == 2 and fragment in err


def test_cached_features_are_keyed_on_the_weights_loaded(jvm, setup, tmp_path):
    """Zeroing 128 bytes of the cached weights (mtime kept, so a size+mtime checksum memo still matches) must not
    reuse the features computed from the intact weights."""
    _, data, home = setup
    models = tmp_path / "models"
    shutil.copytree(home / "models", models, copy_function=shutil.copy2)
    local = tmp_path / "home"
    local.mkdir()
    (local / "models").symlink_to(models, target_is_directory=True)
    first = _job(local, data, epochs=1).run()
    assert first.counts["cache_hits"] == 0, (first.counts, list(local.rglob("*")))
    again = _job(local, data, epochs=1).run()
    assert again.counts["cache_hits"] == sum(again.counts[s] for s in ("train", "validation", "test"))
    weights = models / "efficientnet-lite0_imagenet.safetensors"   # the job's model (others may be cached too)
    stat = weights.stat()
    with open(weights, "r+b") as handle:
        handle.seek(stat.st_size // 3)         # inside the convolution blocks (the ImageNet classifier is last)
        handle.write(b"\0" * 128)
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    damaged = _job(local, data, epochs=1).run()
    assert damaged.counts["cache_hits"] == 0
    assert damaged.counts["featurized"] == sum(damaged.counts[s] for s in ("train", "validation", "test"))


def test_frozen_digest_covers_the_frozen_part_only(jvm, saved):
    model, _, _ = saved
    graph, meta = engine.load_model(model)
    before = engine.frozen_digest(graph, meta.feature_vertex)
    head = graph.paramTable().get("fc_W")
    head.putScalar(0, head.getDouble(0) + 1.0)
    assert engine.frozen_digest(graph, meta.feature_vertex) == before
    stem = graph.paramTable().get("stem_conv_W")
    stem.putScalar(0, stem.getDouble(0) + 1.0)
    assert engine.frozen_digest(graph, meta.feature_vertex) != before
