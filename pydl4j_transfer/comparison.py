"""Compare pretrained networks on one image folder, and transfer against training from scratch.

::

    from pydl4j_transfer import compare

    table = compare("flower_photos", ["efficientnet-lite0", "efficientnet-lite1", "efficientnet-lite2", "vgg16"],
                    out="runs/compare", scratch=["efficientnet-lite0"], train_fractions=[0.1, 1.0], epochs=20)
    table.best, table.rows, table.to_markdown(), table.to_pandas()

Every model runs the same job (the options of :class:`~pydl4j_transfer.job_config.JobConfig`: the same seeded
three-way split, epochs, batch size...; the feature cache makes a rerun cheap) in a process of its own
(:mod:`pydl4j_transfer.compare_child`), which also measures it: parameters, model file size, input size, frozen-part
img/s at the batch size, single-image latency p50/p95 (warm), training time, validation and test accuracy and that
process's peak RSS. Rows are ranked by validation accuracy; the test accuracy is shown beside it, never used to choose.
A model whose ImageNet weights are not on this machine is listed with the reason (compare downloads nothing).

``scratch`` adds, for the models named (``True``: all), the same architecture trained from random initialisation
with the same budget (the transfer row's epochs: with the finetune recipe, as many as it ran, on the job's crop +
flip views) and the same augmentation; ``train_fractions`` repeats every row with that fraction of each class's
training images (nested subsets; validation and test splits unchanged). The jobs train without the refit on training
+ validation, so that the validation accuracy is that of the saved model.

Written to ``out``: ``compare.md``, ``compare.csv``, ``compare.json``, ``compare.png`` (validation accuracy against
latency, bubble area = parameters), with scratch rows ``transfer_vs_scratch.png`` (learning curves overlaid, and
accuracy against the training fraction), one run folder per row under ``runs/`` and each child's log under
``logs/``. ``out`` is locked while the comparison runs.
"""

from __future__ import annotations

import datetime
import math
import numbers
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from . import run_lock
from .compare_table import CompareTable
from .data.atomic import atomic_write_bytes
from .data.temporaries import temp_prefix
from .job_config import ZOO_MODELS, JobConfig
from .jsonio import strict_dumps
from .text import printable

RECIPES = ("head", "finetune")
#: Options compare sets per row itself (the others are passed to every row's job as given).
ROW_OPTIONS = ("model", "run_dir", "recipe", "scratch", "train_fraction", "refit", "checkpoint_every", "progress",
               "feature_extractor", "tta")
#: Job options compare does not take: each row runs locally in a process of its own, without a browser UI.
NOT_FOR_COMPARE = ("spark", "ui", "ui_port", "ui_host")
DEFAULT_LATENCY_RUNS = 20
OUTPUTS = ("compare.md", "compare.csv", "compare.json", "compare.png", "transfer_vs_scratch.png")


class CompareError(ValueError):
    """A bad argument of :func:`compare`; ``argument`` names it (the command line's flag)."""

    def __init__(self, argument: str, message: str):
        super().__init__(f"{argument}: {message}")
        self.argument = argument


@dataclass(frozen=True)
class RowPlan:
    model: str
    init: str                 # "pretrained" or "scratch"
    train_fraction: float

    @property
    def name(self) -> str:
        return f"{self.model}-{self.init}-{self.train_fraction:g}"


# ------------------------------------------------------------------------------------------------ arguments


def parse_models(models: str | Sequence[str], argument: str = "--models") -> list[str]:
    """Zoo names with a classifier top, each once (a comma-separated string or a sequence)."""
    items = models.split(",") if isinstance(models, str) else list(models)
    if not items:
        raise CompareError(argument, "no model given; e.g. efficientnet-lite0,efficientnet-lite1")
    out = []
    for item in items:
        name = item.strip().lower() if isinstance(item, str) else None
        if not name:
            raise CompareError(argument, f"empty or non-text model name {printable(repr(item))} in the list")
        if name not in ZOO_MODELS:
            raise CompareError(argument, f"unknown model {printable(repr(item))}; zoo models: {', '.join(ZOO_MODELS)}")
        if name.endswith("_notop"):
            raise CompareError(argument, f"{name} has no classifier top to replace; use {name[:-6]}")
        if name in out:
            raise CompareError(argument, f"{name} is listed twice")
        out.append(name)
    return out


def parse_fractions(fractions: str | float | Sequence[float]) -> list[float]:
    """Training fractions in (0, 1], each once."""
    argument = "--train-fraction"
    if isinstance(fractions, str):
        items = fractions.split(",")
    elif isinstance(fractions, (numbers.Real,)) and not isinstance(fractions, bool):
        items = [fractions]
    else:
        items = list(fractions)
    if not items:
        raise CompareError(argument, "no fraction given; e.g. 0.1,0.5,1.0")
    out = []
    for item in items:
        try:
            value = float(item.strip()) if isinstance(item, str) else item
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ValueError
            value = float(value)
        except ValueError:
            raise CompareError(argument, f"{printable(repr(item))} is not a number; give fractions in (0, 1], "
                               "e.g. 0.1,0.5,1.0") from None
        if not math.isfinite(value) or not 0.0 < value <= 1.0:
            raise CompareError(argument, f"{printable(repr(item))} is outside (0, 1]; e.g. 0.1,0.5,1.0")
        if value in out:
            raise CompareError(argument, f"{value:g} is listed twice")
        out.append(value)
    return out


def parse_scratch(scratch: bool | str | Sequence[str] | None, models: list[str]) -> list[str]:
    """The models that also train from scratch: ``True``/``"all"`` every one, a list (or comma-separated text) of
    some of ``models``."""
    if scratch is None or scratch is False or (not isinstance(scratch, bool) and len(scratch) == 0):
        return []
    if scratch is True or (isinstance(scratch, str) and scratch.strip().lower() == "all"):
        return list(models)
    chosen = parse_models(scratch, "--scratch")
    missing = [m for m in chosen if m not in models]
    if missing:
        raise CompareError("--scratch", f"{', '.join(missing)} is not among --models ({', '.join(models)})")
    return chosen


def check_out(out: str | os.PathLike, overwrite: bool) -> Path:
    """``out`` is a folder this process can write (made if missing), empty unless ``overwrite``."""
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise CompareError("--out", f"{folder} is a file; pass a folder for the comparison")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        raise CompareError("--out", f"cannot write to {folder} ({e.strerror or e})") from None
    if not overwrite:
        from .cli import run_folder_contents

        leftover = run_folder_contents(folder)
        if leftover:
            raise CompareError("--out", f"{folder} is not empty ({', '.join(leftover[:4])}"
                               f"{', ...' if len(leftover) > 4 else ''}); pass overwrite=True (--overwrite) to "
                               "replace its comparison, or another folder")
    return folder


def job_options(data, options: dict, recipe: str = "head") -> dict:
    """The job options every row shares, checked with the recipe (a bad one is a ``JobConfigError`` naming it)."""
    fixed = sorted(set(options) & set(ROW_OPTIONS))
    if fixed:
        raise TypeError(f"compare sets {', '.join(fixed)} per row itself; leave {'it' if len(fixed) == 1 else 'them'} "
                        "out")
    refused = sorted(set(options) & set(NOT_FOR_COMPARE))
    if refused:
        raise TypeError(f"compare does not take {', '.join(refused)}: every row runs locally in its own process")
    if data is None or not Path(data).is_dir():
        raise CompareError("--data", f"{data}: not a folder; pass the folder holding one sub-folder per class")
    # every value checked here, before any work
    config = JobConfig(data=data, recipe="finetune" if recipe == "finetune" else None, **options)
    shared = {name: getattr(config, name) for name in options}
    shared["data"] = str(Path(data).resolve())
    return {k: str(v) if isinstance(v, os.PathLike) else v for k, v in shared.items()}


# ------------------------------------------------------------------------------------------------ running


def plan_rows(models: list[str], scratch: list[str], fractions: list[float]) -> list[RowPlan]:
    rows = []
    for fraction in fractions:
        for model in models:
            rows.append(RowPlan(model, "pretrained", fraction))
            if model in scratch:
                rows.append(RowPlan(model, "scratch", fraction))
    return rows


def row_options(plan: RowPlan, shared: dict, recipe: str, out: Path, pretrained_epochs: int | None) -> dict:
    options = {**shared, "model": plan.model, "run_dir": str(out / "runs" / plan.name), "progress": False,
               "train_fraction": plan.train_fraction, "refit": False}
    if plan.init == "scratch":
        options["scratch"] = True
        options.pop("unfreeze", None)        # nothing is frozen: every layer trains
        options.pop("head_epochs", None)     # and there is no new classifier to train first
        if recipe == "finetune":    # the same budget and kind of augmentation as the recipe's run
            options["augment"] = True
            options["epochs"] = pretrained_epochs or options.get("epochs") or JobConfig().epochs
            options["warmup_epochs"] = min(options.get("warmup_epochs", 0), options["epochs"])
    elif recipe == "finetune":
        options["recipe"] = "finetune"
    return options


def run_child(plan: RowPlan, options: dict, out: Path, latency_runs: int) -> dict:
    """Runs one row in its own process; its output goes to ``out/logs/<row>.log``. Returns the child's result."""
    logs = out / "logs"
    logs.mkdir(exist_ok=True)
    spec_fd, spec_name = tempfile.mkstemp(prefix=temp_prefix(out / f"{plan.name}.spec"), suffix=".tmp", dir=out)
    os.close(spec_fd)
    result_path = Path(tempfile.mkstemp(prefix=temp_prefix(out / f"{plan.name}.result"), suffix=".tmp",
                                        dir=out)[1])
    log_path = logs / f"{plan.name}.log"
    try:
        atomic_write_bytes(spec_name, strict_dumps({"options": options, "latency_runs": latency_runs}).encode())
        with open(log_path, "wb") as log:
            child = subprocess.Popen([sys.executable, "-m", "pydl4j_transfer.compare_child", spec_name,
                                      str(result_path)], stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
            try:
                code = child.wait()
            finally:                     # interrupted: the child goes too
                if child.poll() is None:
                    child.terminate()
                    try:
                        child.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        child.kill()
                        child.wait()
        text = result_path.read_text(encoding="utf-8", errors="replace")
        if not text:
            return {"status": "failed", "reason": f"the row's process ended with code {code} without a result "
                                                  f"(see {log_path})"}
        return _checked_result(text, log_path)
    finally:
        Path(spec_name).unlink(missing_ok=True)
        result_path.unlink(missing_ok=True)


def _checked_result(text: str, log_path: Path) -> dict:
    import json

    try:
        result = json.loads(text)
    except ValueError:
        return {"status": "failed", "reason": f"the row's result is not JSON (see {log_path})"}
    if not isinstance(result, dict) or result.get("status") not in ("ok", "unavailable", "failed"):
        return {"status": "failed", "reason": f"the row's result is malformed (see {log_path})"}
    return result


def machine_info(backend: str | None) -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in _read_lines("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    memory = next((int(line.split()[1]) for line in _read_lines("/proc/meminfo") if line.startswith("MemTotal")), 0)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory / 2 ** 20, 1),
            "os": platform.platform(terse=True), "python": platform.python_version(), "backend": backend or "default",
            "host": platform.node()}


def _read_lines(path: str) -> list[str]:
    try:
        return Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return []


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def compare(data, models: str | Sequence[str], *, out: str | os.PathLike, recipe: str = "head",
            scratch: bool | str | Sequence[str] | None = False, train_fractions: str | float | Sequence[float] = (1.0,),
            overwrite: bool = False, latency_runs: int = DEFAULT_LATENCY_RUNS, progress: bool = True,
            **options) -> CompareTable:
    """Runs the comparison described in the module docstring and returns its :class:`CompareTable` (also written to
    ``out``). ``options`` are job options (``epochs=5``, ``batch_size=16``, ``image_size=...``, ``backend=...``).
    Every argument is checked before any work: a bad one raises :class:`CompareError` (or ``JobConfigError``),
    both ``ValueError``."""
    model_names = parse_models(models)
    if recipe not in RECIPES:
        raise CompareError("--recipe", f"{printable(repr(recipe))} is not one of {', '.join(RECIPES)}")
    scratch_models = parse_scratch(scratch, model_names)
    fractions = parse_fractions(train_fractions)
    if isinstance(latency_runs, bool) or not isinstance(latency_runs, numbers.Integral) or latency_runs < 1:
        raise CompareError("--latency-runs", f"expected a whole number >= 1, got {latency_runs!r}")
    shared = job_options(data, options, recipe)
    folder = check_out(out, overwrite)
    plans = plan_rows(model_names, scratch_models, fractions)
    machine = {**machine_info(shared.get("backend")), "load_before": _load(), "started": _now()}
    settings = {"models": model_names, "recipe": recipe, "scratch": scratch_models, "train_fractions": fractions,
                "latency_runs": latency_runs, **shared, "batch_size": shared.get("batch_size", JobConfig().batch_size),
                "epochs": shared.get("epochs", JobConfig().epochs)}
    rows, curves, epochs_of = [], {}, {}
    with run_lock.locked(folder):
        for number, plan in enumerate(plans, 1):
            options_row = row_options(plan, shared, recipe, folder, epochs_of.get((plan.model, plan.train_fraction)))
            if progress:
                print(f"compare: [{number}/{len(plans)}] {plan.model} {plan.init} "
                      f"{plan.train_fraction:.0%} of the training images ...", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            result = run_child(plan, options_row, folder, latency_runs)
            row = {"model": plan.model, "init": plan.init, "train_fraction": plan.train_fraction,
                   "status": result["status"], "run_dir": str(Path("runs") / plan.name),
                   "reason": result.get("reason")}
            if result["status"] == "ok":
                row.update({k: v for k, v in result["row"].items() if k in _ROW_KEYS})
                curves[row["run_dir"]] = result.get("history") or []
                if plan.init == "pretrained":
                    epochs_of[(plan.model, plan.train_fraction)] = row.get("epochs_run")
            rows.append(row)
            if progress:
                print(f"compare: [{number}/{len(plans)}] {_summary(row)} ({time.perf_counter() - t0:.0f} s)",
                      file=sys.stderr, flush=True)
        machine.update(load_after=_load(), finished=_now())
        table = CompareTable(rows=rows, settings=settings, machine=machine, curves=curves)
        table.write(folder)
        from .compare_plots import plot_compare, plot_transfer_vs_scratch

        plot_compare(table, folder / "compare.png")
        if any(r["init"] == "scratch" and r["status"] == "ok" for r in table.rows):
            plot_transfer_vs_scratch(table, folder / "transfer_vs_scratch.png")
        else:
            (folder / "transfer_vs_scratch.png").unlink(missing_ok=True)    # never a stale chart of an older run
    return table


_ROW_KEYS = ("validation_accuracy", "test_accuracy", "params_total", "params_trainable", "model_file_bytes",
             "input_size", "featurize_img_s", "latency_p50_ms", "latency_p95_ms", "train_s", "total_s", "peak_rss_mb",
             "epochs_run", "kept_epoch", "n_train", "n_validation", "n_test")


def _summary(row: dict) -> str:
    what = f"{row['model']} {row['init']} {row['train_fraction']:.0%}"
    if row["status"] != "ok":
        return f"{what}: {row['status']}: {printable(row['reason'] or '')}"
    return (f"{what}: validation {row['validation_accuracy']:.3f}, test {row['test_accuracy']:.3f}, "
            f"p50 {row['latency_p50_ms']:.1f} ms, {row['params_total'] / 1e6:.2f}M parameters")


def summary_line(row: dict) -> str:
    """One line per row for the command line's summary."""
    rank = f"{row['rank']:>2}." if row.get("rank") else " -"
    return f"{rank} {_summary(row)}"


__all__ = ["CompareError", "CompareTable", "OUTPUTS", "RowPlan", "compare", "parse_fractions", "parse_models",
           "parse_scratch", "summary_line"]
