"""The one configuration of a transfer job: :class:`JobConfig`, a frozen dataclass whose fields are the job's options.

Each field carries an :class:`Option` in its metadata: the help text, how a value is checked and normalised, the
command-line flag of ``pydl4j-transfer train`` (generated from it by :func:`add_cli_options`), and whether the
option decides the result (``identity``: recorded in a checkpoint, a resume must use the same value) and is part
of the saved settings (``saved``: ``JobResult.settings``, ``metrics.json``, the model zip). Adding an option to the
job is adding one field here; :class:`~pydl4j_transfer.job.TransferJob`, the command line, the checkpoint identity
and the saved settings follow.

Every value is checked when the configuration is made (``JobConfig(...)``, ``TransferJob(...)``,
``config.replace(...)``), and an error names the argument: :class:`JobConfigError` (a ``ValueError``).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import numbers
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .limits import MAX_IMAGE_SIZE

DEFAULT_MODEL = "efficientnet-lite0"
DEFAULT_EPOCHS = 20
DEFAULT_LEARNING_RATE = 1e-3
DEFAULT_BATCH_SIZE = 32
DEFAULT_SEED = 42
DEFAULT_TEST_FRACTION = 0.2
#: Seeds go to Java's ``long`` and numpy's generator: whole numbers in [0, 2**63).
MAX_SEED = 2 ** 63 - 1
UPDATERS = ("adam", "nesterovs", "sgd")
#: The zoo's names (``org.pydl4j.zoo.Zoo.names()``, checked by a test), for help texts and argument checks.
ZOO_MODELS = ("vgg16", "vgg16_notop", "vgg19", "vgg19_notop", "efficientnet-lite0", "efficientnet-lite1",
              "efficientnet-lite2", "resnet50", "resnet50_notop", "mobilenetv2", "mobilenetv2_notop")
BACKENDS = ("reference", "cpu", "cuda")


class JobConfigError(ValueError):
    """An option of a job has a wrong type or value; ``argument`` names it."""

    def __init__(self, argument: str, message: str):
        super().__init__(message if message.startswith(argument) else f"{argument}: {message}")
        self.argument = argument


# ------------------------------------------------------------------------------------------------ value kinds


@dataclass(frozen=True)
class Kind:
    """How one kind of value is checked (``check`` raises ``ValueError`` with a sentence, returns the normalised
    value) and read from a command-line string (``parse``)."""

    describe: str
    check: Callable[[Any], Any]
    parse: Callable[[str], Any] | None = None


def _whole(value, low: int, high: int | None, what: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise ValueError(f"expected {what}, got {value!r}")
    value = int(value)
    if value < low or (high is not None and value > high):
        raise ValueError(f"expected {what}, got {value}")
    return value


def _parse_whole(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ValueError(f"expected a whole number, got {text!r}") from None


def whole(low: int, high: int | None = None, what: str | None = None) -> Kind:
    what = what or (f"a whole number >= {low}" if high is None else f"a whole number from {low} to {high}")
    return Kind(what, lambda v: _whole(v, low, high, what), _parse_whole)


def _real(value, check: Callable[[float], bool], what: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise ValueError(f"expected {what}, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or not check(number):
        raise ValueError(f"expected {what}, got {value!r}")
    return number


def _parse_real(text: str) -> float:
    try:
        return float(text.strip())
    except ValueError:
        raise ValueError(f"expected a number, got {text!r}") from None


def real(check: Callable[[float], bool], what: str) -> Kind:
    return Kind(what, lambda v: _real(v, check, what), _parse_real)


def _flag(value) -> bool:
    if isinstance(value, (bool, np.bool_)) or (isinstance(value, (int, np.integer)) and value in (0, 1)):
        return bool(value)
    raise ValueError(f"expected True or False, got {value!r}")


def _choice(value, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value.lower() not in choices:
        raise ValueError(f"expected one of {', '.join(choices)}, got {value!r}")
    return value.lower()


def choice(*choices: str) -> Kind:
    return Kind("one of " + ", ".join(choices), lambda v: _choice(v, choices), str)


def _path(value) -> Path:
    if not isinstance(value, (str, os.PathLike)) or not os.fspath(value):
        raise ValueError(f"expected a path, got {value!r}")
    return Path(value)


def _name(value) -> str:
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"expected a non-empty name, got {value!r}")
    return value


def _spark_master(value) -> str:
    from .spark.session import check_master   # the URL forms only; nothing of Spark is imported

    return check_master(_name(value))


def _optional(kind: Kind) -> Kind:
    return Kind(kind.describe + " or None", lambda v: None if v is None else kind.check(v), kind.parse)


POSITIVE = whole(1)
COUNT = whole(0)
FLAG = Kind("True or False", _flag)
PATH = Kind("a path", _path, str)
NAME = Kind("a name", _name, str)


# ------------------------------------------------------------------------------------------------ options


@dataclass(frozen=True)
class Option:
    """What the job knows about one option besides its default (see the module docstring)."""

    help: str
    kind: Kind
    identity: bool = False          # decides the result: in the checkpoint identity, fixed on resume
    saved: bool = False             # part of settings(): JobResult.settings, metrics.json, the model zip
    cli: str | None = None          # flag of `train` (None: not on the command line, or a common option)
    metavar: str | None = None


def option(default, help: str, kind: Kind, **meta) -> Any:
    return dataclasses.field(default=default, metadata={"option": Option(help, kind, **meta)})


@dataclass(frozen=True)
class JobConfig:
    """Every option of a :class:`~pydl4j_transfer.job.TransferJob` (see each field's help, ``pydl4j-transfer train
    --help`` or :func:`describe`)."""

    data: Path | None = option(None, "folder with one sub-folder of images per class", _optional(PATH),
                               saved=True, cli="--data", metavar="FOLDER")
    model: str = option(DEFAULT_MODEL, "zoo model (efficientnet-lite0|1|2, vgg16, resnet50, mobilenetv2), a model.zip "
                        "written by train, or an .onnx file",
                        NAME, identity=True, saved=True, cli="--model")
    feature_extractor: str | None = option(None, "last frozen vertex (default: the model's feature vertex)",
                                           _optional(NAME), identity=True, saved=True, cli="--feature-extractor",
                                           metavar="VERTEX")
    image_size: int | None = option(None, "square input size in pixels (default: the model's)",
                                    _optional(whole(1, MAX_IMAGE_SIZE)),
                                    identity=True, saved=True, cli="--image-size", metavar="PX")
    batch_size: int = option(DEFAULT_BATCH_SIZE, "images per training minibatch and per featurizing batch", POSITIVE,
                             identity=True, saved=True, cli="--batch-size", metavar="N")
    epochs: int = option(DEFAULT_EPOCHS, "training epochs over the featurized training split", POSITIVE,
                         identity=True, saved=True, cli="--epochs", metavar="N")
    learning_rate: float = option(DEFAULT_LEARNING_RATE, "learning rate of the updater",
                                  real(lambda x: x > 0, "a positive finite number (e.g. 1e-3)"),
                                  identity=True, saved=True, cli="--learning-rate", metavar="LR")
    seed: int = option(DEFAULT_SEED, "seed of the split, the new layer's initialisation and the shuffling",
                       whole(0, MAX_SEED, "a whole number from 0 to 2**63-1"), identity=True, saved=True,
                       cli="--seed", metavar="N")
    test_fraction: float = option(DEFAULT_TEST_FRACTION, "fraction of each class held out for the test split",
                                  real(lambda x: 0 < x < 1, "a number strictly between 0 and 1 (e.g. 0.2)"),
                                  identity=True, saved=True, cli="--test-fraction", metavar="F")
    augment: bool = option(False, "train on random crop + flip views of the training images", FLAG,
                           identity=True, saved=True, cli="--augment")
    backend: str | None = option(None, "engine backend (default: the fastest available)", _optional(choice(*BACKENDS)),
                                 saved=True)
    unfreeze: int = option(0, "also fine-tune the last N blocks below the feature vertex (0: the new head only)",
                           COUNT, identity=True, saved=True, cli="--unfreeze", metavar="N")
    updater: str = option("adam", "updater of the trained part", choice(*UPDATERS), identity=True, saved=True,
                          cli="--updater", metavar="{" + ",".join(UPDATERS) + "}")
    l2: float = option(0.0, "L2 regularisation coefficient of the trained part (0: none)",
                       real(lambda x: x >= 0, "a finite number >= 0"), identity=True, saved=True, cli="--l2")
    validation_fraction: float = option(
        0.2, "fraction of the training part (not of the whole folder) held out for validation: the kept epoch and "
        "early stopping are chosen on it, the test split is scored once at the end (0: no validation split)",
        real(lambda x: 0 <= x < 1, "a number in [0, 1) (e.g. 0.2)"), identity=True, saved=True,
        cli="--validation-fraction", metavar="F")
    patience: int = option(0, "stop when the validation loss has not improved for N epochs, keeping the epoch of "
                           "lowest validation loss (0: train every epoch, keep the last)", COUNT, identity=True,
                           saved=True, cli="--patience", metavar="N")
    refit: bool = option(True, "after training with the validation split held out, train a fresh classifier on "
                         "training + validation images for the epochs chosen (all, or the kept one with --patience); "
                         "--no-refit keeps the model trained without the validation images", FLAG, identity=True,
                         saved=True, cli="--no-refit")
    schedule: str = option("constant", "learning-rate schedule: constant, or cosine decay to 0 over the epochs",
                           choice("constant", "cosine"), identity=True, saved=True, cli="--schedule",
                           metavar="{constant,cosine}")
    warmup_epochs: int = option(0, "epochs of linear learning-rate warmup before the schedule", COUNT, identity=True,
                                saved=True, cli="--warmup-epochs", metavar="N")
    label_smoothing: float = option(0.0, "spread this much of each one-hot target evenly over the classes",
                                    real(lambda x: 0 <= x < 1, "a number in [0, 1) (e.g. 0.1)"), identity=True,
                                    saved=True, cli="--label-smoothing", metavar="EPS")
    weight_decay: float = option(0.0, "decoupled (AdamW-style) weight decay of the trained weights, as DL4J's "
                                 "weightDecay: after each update w -= coefficient * lr * w (0: none)",
                                 real(lambda x: x >= 0, "a finite number >= 0"), identity=True, saved=True,
                                 cli="--weight-decay", metavar="WD")
    class_weights: bool = option(False, "weight each class's loss by n / (classes * count) in the training split "
                                 "(imbalanced folders; DL4J's weighted LossMCXENT)", FLAG, identity=True, saved=True,
                                 cli="--class-weights")
    recipe: str | None = option(None, "a documented recipe: finetune = on efficientnet-lite2 unless --model is given, "
                                "the last --unfreeze blocks (default 4) and a new classifier on "
                                "6 cached augmented views with warmup + cosine, label "
                                "smoothing and weight decay, chosen on validation (see README)",
                                _optional(choice("finetune")), identity=True, saved=True, cli="--recipe",
                                metavar="{finetune}")
    tta: bool = option(False, "with --recipe finetune: average the test predictions of each image and its mirror",
                       FLAG, identity=True, saved=True, cli="--tta")
    head_epochs: int = option(0, "with --recipe finetune: first train the new classifier alone for up to N epochs on "
                              "cached pooled features and fine-tune from it (0: fine-tune from a fresh classifier, "
                              "the recipe's choice on validation)", COUNT, identity=True, saved=True,
                              cli="--head-epochs", metavar="N")
    train_fraction: float = option(1.0, "train on this fraction of each class's training images (seeded, nested: "
                                   "a smaller fraction is a subset of a larger one); the validation and test splits "
                                   "do not change", real(lambda x: 0 < x <= 1, "a number in (0, 1] (e.g. 0.1)"),
                                   identity=True, saved=True, cli="--train-fraction", metavar="F")
    scratch: bool = option(False, "train the same architecture from random initialisation instead: every layer, on "
                           "decoded images, no pretrained weights, no feature cache, no refit (the baseline that "
                           "shows what transfer gains)", FLAG, identity=True, saved=True, cli="--scratch")
    checkpoint_every: int = option(0, "write RUN_DIR/checkpoint.zip (atomically) every N epochs and after the last "
                                   "(0: never)", COUNT, cli="--checkpoint-every", metavar="N")
    run_dir: Path | None = option(None, "run folder: model.zip, metrics.json, plots, checkpoint.zip (locked while "
                                  "the job runs)", _optional(PATH), cli="--out", metavar="RUN_DIR")
    cache_dir: Path | None = option(None, "feature cache folder (default $PYDL4J_HOME/features)", _optional(PATH))
    models_dir: Path | None = option(None, "pretrained weights folder (default $PYDL4J_HOME/models)",
                                     _optional(PATH))
    workers: int | None = option(None, "image decoding processes (default: all CPUs)", _optional(POSITIVE),
                                 cli="--workers", metavar="N")
    spark: str | None = option(None, "Spark master (local[2], local-cluster[2,1,1024], spark://host:7077, yarn, "
                               "k8s://...): decode and featurize the images on Spark executors with the local "
                               "decoder (same features, same cache); the head trains on the driver",
                               _optional(Kind("a Spark master URL", _spark_master, str)), cli="--spark",
                               metavar="MASTER")
    progress: bool = option(True, "show progress bars", FLAG)
    strict: bool = option(False, "fail before training, listing every image that cannot be decoded (default: skip "
                          "and report them)", FLAG, cli="--strict")
    ui: bool = option(False, "watch the training in the browser: prints the training UI's address (token included)",
                      FLAG, cli="--ui")
    ui_port: int = option(9000, "port of the training UI (0: any free port)", whole(0, 65535), cli="--ui-port",
                          metavar="N")
    ui_host: str = option("127.0.0.1", "address the training UI listens on; another than a loopback one makes the "
                          "page reachable from other machines (a warning is printed)", NAME, cli="--ui-host",
                          metavar="HOST")

    def __post_init__(self):
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            try:
                checked = f.metadata["option"].kind.check(value)
            except ValueError as e:
                raise JobConfigError(f.name, str(e)) from None
            object.__setattr__(self, f.name, checked)
        if self.unfreeze and self.feature_extractor:
            raise JobConfigError("unfreeze", "unfreeze: pass either feature_extractor or unfreeze, not both "
                                 "(unfreeze=N moves the feature vertex N blocks down)")
        if self.patience and self.validation_fraction == 0:
            raise JobConfigError("patience", "patience: early stopping watches the validation split; give "
                                 "validation_fraction > 0")
        if self.patience and self.checkpoint_every:
            raise JobConfigError("patience", "patience: early stopping keeps its best epoch in memory, which a "
                                 "checkpoint does not hold yet; use one or the other")
        if self.warmup_epochs > self.epochs:
            raise JobConfigError("warmup_epochs", f"warmup_epochs: {self.warmup_epochs} is more than the "
                                 f"{self.epochs} epochs")
        if self.recipe is not None and (self.feature_extractor or self.augment or self.checkpoint_every
                                        or self.validation_fraction == 0):
            raise JobConfigError("recipe", "recipe: finetune chooses its own feature vertices and augmentation, "
                                 "needs a validation split and writes no checkpoints; leave feature_extractor, "
                                 "augment, checkpoint_every out and validation_fraction > 0")
        if self.scratch and (self.recipe is not None or self.feature_extractor or self.unfreeze
                             or self.checkpoint_every):
            raise JobConfigError("scratch", "scratch: a network trained from random initialisation has no frozen "
                                 "part and writes no checkpoints; leave recipe, feature_extractor, unfreeze and "
                                 "checkpoint_every out")
        if self.tta and self.recipe is None:
            raise JobConfigError("tta", "tta: test-time flip averaging is part of --recipe finetune")
        if self.head_epochs and self.recipe is None:
            raise JobConfigError("head_epochs", "head_epochs: the classifier-first phase is part of --recipe finetune")
        if self.spark is not None and (self.augment or self.recipe is not None):
            raise JobConfigError("spark", "spark: augmented views (augment, recipe) are featurized locally only; "
                                 "leave augment and recipe out to featurize on Spark")
        if self.checkpoint_every and self.run_dir is None:
            raise JobConfigError("checkpoint_every", "checkpoint_every needs run_dir, the folder that gets "
                                 "checkpoint.zip")

    def replace(self, **changes) -> "JobConfig":
        unknown = sorted(set(changes) - set(names()))
        if unknown:
            raise TypeError(f"unknown job option(s) {', '.join(unknown)}; known: {', '.join(names())}")
        return dataclasses.replace(self, **changes)

    def settings(self) -> dict:
        """The saved settings: JSON values of every ``saved`` option."""
        return {name: _jsonable(getattr(self, name)) for name in names(saved=True)}

    def identity(self) -> dict:
        """The options that decide the result (recorded in a checkpoint; a model file as its absolute path)."""
        out = {name: _jsonable(getattr(self, name)) for name in names(identity=True)}
        if Path(self.model).is_file():
            out["model"] = str(Path(self.model).resolve())
        return out


def options() -> dict[str, Option]:
    return {f.name: f.metadata["option"] for f in dataclasses.fields(JobConfig)}


def names(*, identity: bool | None = None, saved: bool | None = None) -> tuple[str, ...]:
    return tuple(name for name, o in options().items()
                 if (identity is None or o.identity == identity) and (saved is None or o.saved == saved))


def defaults() -> dict:
    return {f.name: f.default for f in dataclasses.fields(JobConfig)}


def _jsonable(value):
    return str(value) if isinstance(value, Path) else value


def describe() -> str:
    """One line per option: name, default, help (for docs and ``help(JobConfig)``)."""
    return "\n".join(f"{name} (default {defaults()[name]!r}): {o.help}" for name, o in options().items())


# ------------------------------------------------------------------------------------------------ command line


def _argparse_type(name: str, kind: Kind):
    def parse(text: str):
        try:
            return kind.check(kind.parse(text))
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None

    parse.__name__ = name       # argparse names the type in some messages
    return parse


def add_cli_options(parser: argparse.ArgumentParser, overrides: dict[str, str] | None = None,
                    exclude: tuple[str, ...] = ()) -> None:
    """Adds every option that has a flag to ``parser`` (dest = the option's name, default None = not given).
    ``overrides`` replaces the help text of some options (e.g. where the command line differs); ``exclude`` names
    options a command sets itself."""
    for name, o in options().items():
        if o.cli is None or name in exclude:
            continue
        default = defaults()[name]
        text = (overrides or {}).get(name, o.help)
        if o.kind is FLAG:
            # a flag that is on by default is turned off on the command line (--no-...)
            parser.add_argument(o.cli, dest=name, action="store_false" if default else "store_true", default=None,
                                help=text)
            continue
        if default is not None:
            text += f" (default {default})"
        parser.add_argument(o.cli, dest=name, type=_argparse_type(name, o.kind), default=None,
                            metavar=o.metavar, help=text)


def given(args: argparse.Namespace) -> dict:
    """The options given on the command line (flags left out are absent: the job's defaults apply)."""
    return {name: getattr(args, name) for name, o in options().items()
            if o.cli is not None and getattr(args, name, None) is not None}


__all__ = ["BACKENDS", "DEFAULT_BATCH_SIZE", "DEFAULT_EPOCHS", "DEFAULT_LEARNING_RATE", "DEFAULT_MODEL", "JobConfig",
           "JobConfigError", "Option", "UPDATERS", "ZOO_MODELS", "add_cli_options", "defaults", "describe", "given", "names",
           "options"]
