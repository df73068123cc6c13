"""The one job configuration (issue 11 item 6, issue 13 items 14-15): JobConfig is the single source of the job's
options, the command line's train options, the checkpoint identity and the saved settings; every value is checked
when the job is made, with errors naming the argument."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

import numpy as np
import pytest

from pydl4j_transfer import checkpoint, job_config
from pydl4j_transfer.cli import build_parser
from pydl4j_transfer.job import TransferJob
from pydl4j_transfer.job_config import JobConfig, JobConfigError


@pytest.mark.parametrize("argument, value, fragment", [
    ("l2", -1, "l2: expected a finite number >= 0, got -1"),
    ("l2", float("nan"), "l2: expected a finite number >= 0"),
    ("seed", 1.7, "seed: expected a whole number from 0 to 2**63-1, got 1.7"),
    ("seed", 1e20, "seed: expected a whole number"),
    ("seed", 2 ** 63, "seed: expected a whole number from 0 to 2**63-1"),
    ("seed", -1, "seed: expected a whole number"),
    ("workers", 0, "workers: expected a whole number >= 1, got 0"),
    ("workers", "two", "workers: expected a whole number >= 1, got 'two'"),
    ("updater", "rmsprop", "updater: expected one of adam, nesterovs, sgd, got 'rmsprop'"),
    ("learning_rate", 0, "learning_rate: expected a positive finite number"),
    ("learning_rate", float("inf"), "learning_rate: expected a positive finite number"),
    ("learning_rate", "1e-3", "learning_rate: expected a positive finite number"),
    ("test_fraction", 1.0, "test_fraction: expected a number strictly between 0 and 1"),
    ("epochs", True, "epochs: expected a whole number >= 1, got True"),
    ("batch_size", 2.0, "batch_size: expected a whole number >= 1"),
    ("image_size", 0, "image_size: expected a whole number from 1 to 2048"),
    ("image_size", 100000, "image_size: expected a whole number from 1 to 2048, got 100000"),
    ("unfreeze", -2, "unfreeze: expected a whole number >= 0"),
    ("augment", "yes", "augment: expected True or False"),
    ("backend", "tpu", "backend: expected one of reference, cpu, cuda"),
    ("model", "", "model: expected a non-empty name"),
    ("data", 3, "data: expected a path"),
])
def test_bad_values_fail_at_construction_naming_the_argument(argument, value, fragment):
    with pytest.raises(JobConfigError) as info:
        TransferJob(**{argument: value})
    assert fragment in str(info.value)
    assert info.value.argument == argument
    assert isinstance(info.value, ValueError)


def test_numpy_numbers_are_accepted_and_normalised():
    job = TransferJob(learning_rate=np.float32(1e-3), seed=np.int64(7), epochs=np.int32(3), l2=np.float64(0.5),
                      augment=np.bool_(True))
    assert job.learning_rate == pytest.approx(1e-3) and type(job.learning_rate) is float
    assert job.seed == 7 and type(job.seed) is int
    assert job.epochs == 3 and type(job.epochs) is int
    assert job.l2 == 0.5 and job.augment is True
    assert TransferJob(updater="SGD").updater == "sgd"


def test_cross_field_rules():
    with pytest.raises(JobConfigError, match="checkpoint_every needs run_dir"):
        TransferJob(checkpoint_every=2)
    with pytest.raises(JobConfigError, match="either feature_extractor or unfreeze"):
        TransferJob(unfreeze=1, feature_extractor="avg_pool")


def test_keyword_and_positional_api_is_backward_compatible(tmp_path):
    job = TransferJob(tmp_path, "vgg16", None, None, 8, 3, 0.01, 5, 0.25, True, "reference", unfreeze=0,
                      updater="nesterovs", l2=0.1, checkpoint_every=1, run_dir=tmp_path, cache_dir=tmp_path,
                      models_dir=tmp_path, workers=2, progress=False, strict=True)
    assert (job.data, job.model, job.batch_size, job.epochs, job.learning_rate, job.seed) == \
        (tmp_path, "vgg16", 8, 3, 0.01, 5)
    assert (job.test_fraction, job.augment, job.backend, job.updater, job.l2) == (0.25, True, "reference",
                                                                                 "nesterovs", 0.1)
    assert (job.run_dir, job.workers, job.progress, job.strict) == (tmp_path, 2, False, True)
    with pytest.raises(TypeError, match="multiple values for argument 'model'"):
        TransferJob(tmp_path, "vgg16", model="vgg16")
    with pytest.raises(TypeError, match="unknown job option"):
        TransferJob(learning_rat=0.1)
    with pytest.raises(AttributeError, match="fixed once the job is made"):
        job.epochs = 4
    # a config plus overrides
    base = JobConfig(epochs=4, seed=1)
    assert TransferJob(config=base, seed=2).config == JobConfig(epochs=4, seed=2)
    assert dataclasses.is_dataclass(job.config) and job.config.__dataclass_params__.frozen


def test_settings_and_identity_come_from_the_config(tmp_path):
    options = job_config.options()
    assert set(checkpoint.RESULT_OPTIONS) == {n for n, o in options.items() if o.identity}
    job = TransferJob(data=tmp_path, epochs=3, l2=0.5)
    settings = job.settings()
    assert set(settings) == {n for n, o in options.items() if o.saved}
    assert settings["data"] == str(tmp_path) and settings["epochs"] == 3 and settings["l2"] == 0.5
    # a model file's identity is its absolute path
    model = tmp_path / "model.zip"
    model.write_bytes(b"x")
    assert TransferJob(model=model).config.identity()["model"] == str(model.resolve())
    # every option has a help text, a default and a kind
    for name, o in options.items():
        assert o.help and o.kind.describe, name


def test_train_options_are_generated_from_the_config():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices["train"]
    flags = {a.dest: a for a in sub._actions}
    for name, o in job_config.options().items():
        if o.cli is None:
            continue
        assert name in flags, name
        assert o.cli in flags[name].option_strings
        assert flags[name].help, name
    # the ones the command line did not have before the configuration
    args = parser.parse_args(["train", "--data", "d", "--out", "o", "--updater", "sgd", "--l2", "0.01"])
    assert job_config.given(args) == {"data": Path("d"), "run_dir": Path("o"), "updater": "sgd", "l2": 0.01}


@pytest.mark.parametrize("argv, fragment", [
    (["--seed", "1e20"], "argument --seed: expected a whole number, got '1e20'"),
    (["--seed", "1.7"], "argument --seed: expected a whole number, got '1.7'"),
    (["--l2", "-1"], "argument --l2: expected a finite number >= 0, got -1.0"),
    (["--updater", "rmsprop"], "argument --updater: expected one of adam, nesterovs, sgd"),
    (["--workers", "two"], "argument --workers: expected a whole number, got 'two'"),
    (["--learning-rate", "nan"], "argument --learning-rate: expected a positive finite number"),
])
def test_command_line_values_are_checked_by_the_same_rules(argv, fragment, capsys):
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args(["train", "--data", "d", "--out", "o", *argv])
    assert info.value.code == 2
    assert fragment in capsys.readouterr().err


def test_adding_an_option_is_one_field(monkeypatch):
    """A config with one more field gets a flag, a check, a saved setting and an identity entry without other
    code (what the fine-tuning and ONNX issues will do)."""
    extra = dataclasses.make_dataclass(
        "Extended", [("momentum", float, job_config.option(0.9, "momentum of the updater",
                                                             job_config.real(lambda x: 0 <= x < 1, "a number in [0, 1)"),
                                                             identity=True, saved=True, cli="--momentum"))],
        bases=(JobConfig,), frozen=True)
    monkeypatch.setattr(job_config, "JobConfig", extra)
    assert "momentum" in job_config.names(identity=True)
    parser = argparse.ArgumentParser()
    job_config.add_cli_options(parser)
    args = parser.parse_args(["--momentum", "0.5"])
    assert job_config.given(args) == {"momentum": 0.5}
    with pytest.raises(JobConfigError, match="momentum: expected a number in"):
        extra(momentum=1.5)
    assert extra(momentum=0.5).settings()["momentum"] == 0.5


def test_zoo_names_match_the_engine(jvm):
    from pydl4j_transfer import engine

    assert tuple(engine.zoo_names()) == job_config.ZOO_MODELS
    text = build_parser().description
    for name in job_config.ZOO_MODELS:
        assert name in text
