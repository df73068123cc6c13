"""The result of ``compare``: one row per (model, initialisation, training fraction), ranked by validation accuracy.

:class:`CompareTable` holds the rows (plain dicts with the keys of :data:`FIELDS`), the settings of the run, the
machine it ran on and each row's learning curve. It reads as a table wherever it is shown: ``to_markdown()`` (what
``compare.md`` holds), ``to_csv()``, ``to_json()`` (``compare.json``, read back by :meth:`CompareTable.from_json`),
``to_pandas()`` (a ``pandas.DataFrame`` when pandas is installed; pandas is not a dependency) and ``_repr_html_``
(Jupyter). Rows whose model could not run (weights not available, a failure) stay in the table with their reason,
after the ranked rows.

Ranking uses the validation accuracy only (ties: lower latency, then name); the test accuracy is reported beside it
and never used to choose.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from .jsonio import strict_dumps
from .text import printable

FORMAT = "pydl4j-transfer-compare"
VERSION = 1
#: Row keys, in the order of the CSV columns; units are in the names.
FIELDS = ("rank", "model", "init", "train_fraction", "status", "validation_accuracy", "test_accuracy",
          "params_total", "params_trainable", "model_file_bytes", "input_size", "featurize_img_s", "latency_p50_ms",
          "latency_p95_ms", "train_s", "total_s", "peak_rss_mb", "epochs_run", "kept_epoch", "n_train",
          "n_validation", "n_test", "run_dir", "reason")
STATUSES = ("ok", "unavailable", "failed")
TEXT_FIELDS = ("model", "init", "status", "run_dir", "reason")
#: (key, heading, format) of the columns a person reads (compare.md, the HTML view).
SHOWN = (("rank", "#", "{}"), ("model", "model", "{}"), ("init", "init", "{}"),
         ("train_fraction", "train %", "{:.0%}"), ("validation_accuracy", "val acc", "{:.3f}"),
         ("test_accuracy", "test acc", "{:.3f}"), ("params_total", "params (total / trainable)", None),
         ("model_file_bytes", "file MB", None), ("input_size", "input", "{0}x{0}"),
         ("featurize_img_s", "featurize img/s", "{:.1f}"), ("latency_p50_ms", "latency p50 / p95 ms", None),
         ("train_s", "train s", "{:.1f}"), ("peak_rss_mb", "peak RSS MB", "{:.0f}"), ("status", "status", None))


class CompareTableError(ValueError):
    """A ``compare.json`` that is not one this package wrote (or was damaged)."""


def rank_rows(rows: list[dict]) -> list[dict]:
    """Rows ordered by validation accuracy (best first; ties: lower p50 latency, then model, init, fraction), with
    ``rank`` 1..n; rows that did not finish keep their order after them, without a rank."""
    finished = [r for r in rows if r.get("status") == "ok" and _number(r.get("validation_accuracy")) is not None]
    rest = [r for r in rows if r not in finished]

    def key(row):
        latency = _number(row.get("latency_p50_ms"))
        return (-row["validation_accuracy"], math.inf if latency is None else latency, row["model"], row["init"],
                -float(row.get("train_fraction") or 0))

    ranked = [{**r, "rank": i + 1} for i, r in enumerate(sorted(finished, key=key))]
    return ranked + [{**r, "rank": None} for r in rest]


@dataclass
class CompareTable:
    """Rows of a comparison (see the module docstring); ``curves`` maps a row's ``run_dir`` to its per-epoch
    history."""

    rows: list[dict]
    settings: dict = field(default_factory=dict)
    machine: dict = field(default_factory=dict)
    curves: dict = field(default_factory=dict)

    def __post_init__(self):
        for row in self.rows:
            unknown = sorted(set(row) - set(FIELDS))
            if unknown or row.get("status") not in STATUSES:
                raise CompareTableError(f"compare row {printable(str(row.get('model')))!r}: unknown keys {unknown} "
                                        f"or status {printable(str(row.get('status')))!r} (known: {STATUSES})")
            wrong = [k for k in FIELDS if _wrong_kind(k, row.get(k))]
            if wrong:
                raise CompareTableError(f"compare row {printable(str(row.get('model')))!r}: {', '.join(wrong)} "
                                        "not of the expected kind (text, or a finite number)")
        self.rows = [{name: row.get(name) for name in FIELDS} for row in rank_rows(self.rows)]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self):
        return iter(self.rows)

    @property
    def best(self) -> dict | None:
        """The row ranked first (highest validation accuracy), or ``None`` when no row finished."""
        return self.rows[0] if self.rows and self.rows[0]["rank"] == 1 else None

    # ------------------------------------------------------------------------------------------------ views

    def to_markdown(self) -> str:
        lines = []
        if self.machine:
            lines.append(f"Measured on {describe_machine(self.machine)}.")
            lines.append("")
        lines.append("| " + " | ".join(heading for _, heading, _ in SHOWN) + " |")
        lines.append("|" + "---|" * len(SHOWN))
        for row in self.rows:
            lines.append("| " + " | ".join(_cell(row, key, fmt).replace("|", "\\|") for key, _, fmt in SHOWN) + " |")
        notes = [f"- {printable(r['model'])} ({r['init']}, {r['train_fraction']:.0%}): {r['status']}: "
                 f"{printable(r['reason'] or '')}" for r in self.rows if r["status"] != "ok"]
        lines.append("")
        lines.append("Ranked by validation accuracy; the test accuracy is shown beside it and never used to choose. "
                     "Latency: one image through the whole network, warm; featurize: the frozen part at batch "
                     f"{self.settings.get('batch_size', '?')}; peak RSS: each row's own process.")
        if notes:
            lines += ["", "Not measured:"] + notes
        return "\n".join(lines) + "\n"

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in self.rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
        return buffer.getvalue()

    def to_dict(self) -> dict:
        return {"format": FORMAT, "version": VERSION, "settings": self.settings, "machine": self.machine,
                "rows": self.rows, "curves": self.curves}

    def to_json(self) -> str:
        return strict_dumps(self.to_dict(), indent=2) + "\n"

    def to_pandas(self):
        """The rows as a ``pandas.DataFrame`` (columns :data:`FIELDS`); needs pandas, which is not a dependency."""
        try:
            import pandas
        except ImportError:
            raise ImportError("CompareTable.to_pandas needs pandas (pip install pandas); without it use .rows, "
                              ".to_csv() or .to_markdown()") from None
        return pandas.DataFrame(self.rows, columns=list(FIELDS))

    to_dataframe = to_pandas

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(heading)}</th>" for _, heading, _ in SHOWN + (("reason", "reason", None),))
        body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(row, key, fmt))}</td>"
                                        for key, _, fmt in SHOWN + (("reason", "reason", None),)) + "</tr>"
                       for row in self.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def __str__(self) -> str:
        return self.to_markdown()

    # ------------------------------------------------------------------------------------------------ files

    def write(self, folder: str | Path) -> dict[str, Path]:
        """``compare.md``, ``compare.csv`` and ``compare.json`` in ``folder``, each written atomically."""
        from .data.atomic import atomic_write_bytes
        from .engine import share_mode

        written = {}
        for name, text in (("compare.md", self.to_markdown()), ("compare.csv", self.to_csv()),
                           ("compare.json", self.to_json())):
            path = atomic_write_bytes(Path(folder) / name, text.encode("utf-8"))
            share_mode(path)
            written[name] = path
        return written

    @classmethod
    def from_json(cls, text: str | bytes, source: str = "compare.json") -> "CompareTable":
        try:
            data = json.loads(text)
        except ValueError as e:
            raise CompareTableError(f"{source}: not JSON ({e})") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise CompareTableError(f"{source}: not a {FORMAT} file")
        if data.get("version") != VERSION:
            raise CompareTableError(f"{source}: version {data.get('version')!r}, this package reads {VERSION}")
        rows = data.get("rows")
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise CompareTableError(f"{source}: rows is not a list of objects")
        return cls(rows=rows, settings=dict(data.get("settings") or {}), machine=dict(data.get("machine") or {}),
                   curves=dict(data.get("curves") or {}))

    @classmethod
    def read(cls, path: str | Path) -> "CompareTable":
        from .limits import MAX_JSON_ENTRY

        path = Path(path)
        if path.stat().st_size > MAX_JSON_ENTRY:
            raise CompareTableError(f"{path}: {path.stat().st_size} bytes, more than a compare.json holds")
        return cls.from_json(path.read_bytes(), str(path))


def describe_machine(machine: dict) -> str:
    """One line: CPU, cores, memory, OS, load average before -> after, when."""
    load = machine.get("load_before"), machine.get("load_after")
    return (f"{machine.get('cpu', 'unknown CPU')}, {machine.get('cores', '?')} cores, "
            f"{machine.get('memory_gib', '?')} GiB, {machine.get('os', '?')}, backend {machine.get('backend', '?')}, "
            f"load average {load[0]} -> {load[1]}, {machine.get('started', '?')} - {machine.get('finished', '?')}")


def _wrong_kind(key: str, value) -> bool:
    """Text fields hold text, the others finite numbers (``None``: not measured; the rank is recomputed)."""
    if value is None or key == "rank":
        return False
    if key in TEXT_FIELDS:
        return not isinstance(value, str)
    return isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _count(n: int) -> str:
    return f"{n / 1e6:.2f}M" if n >= 1e6 else f"{n / 1e3:.1f}k"


def _cell(row: dict, key: str, fmt: str | None) -> str:
    if key == "params_total":
        total, trainable = row.get("params_total"), row.get("params_trainable")
        return "" if total is None else f"{_count(total)} / {_count(trainable or 0)}"
    if key == "model_file_bytes":
        value = row.get(key)
        return "" if value is None else f"{value / 2 ** 20:.1f}"
    if key == "latency_p50_ms":
        p50, p95 = _number(row.get("latency_p50_ms")), _number(row.get("latency_p95_ms"))
        return "" if p50 is None else f"{p50:.1f} / {p95:.1f}" if p95 is not None else f"{p50:.1f}"
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return printable(value)
    return fmt.format(value) if fmt else str(value)


__all__ = ["CompareTable", "CompareTableError", "FIELDS", "describe_machine", "rank_rows"]
