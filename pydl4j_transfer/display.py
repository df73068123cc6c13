"""HTML for notebooks: what ``JobResult._repr_html_`` and ``Evaluation._repr_html_`` show in Jupyter.

Plain tables with inline styles (a notebook keeps no style sheet of ours), every label and path escaped (folder
names are any text). :func:`html_table` is the one table writer, for other displays (the compare table) too.
"""

from __future__ import annotations

import html
import math
from typing import Any, Sequence

_TABLE = "border-collapse:collapse;font-variant-numeric:tabular-nums;margin:4px 0 10px"
_CELL = "padding:2px 8px;border-bottom:1px solid #e3e8ef;text-align:{align}"
_HEAD = "padding:2px 8px;border-bottom:2px solid #cbd5e1;text-align:{align};color:#475569"


def fmt(value: Any, digits: int = 4) -> str:
    """A number with ``digits`` decimals (n/a for None or NaN); anything else as escaped text."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return html.escape(str(value))


def html_table(header: Sequence[str], rows: Sequence[Sequence[Any]], *, cell_styles=None, digits: int = 4) -> str:
    """A table: ``header`` texts, ``rows`` of values (first column left-aligned, the rest right-aligned);
    ``cell_styles[r][c]`` adds CSS to a body cell."""
    def align(c: int) -> str:
        return "left" if c == 0 else "right"

    head = "".join(f'<th style="{_HEAD.format(align=align(c))}">{html.escape(str(h))}</th>'
                   for c, h in enumerate(header))
    body = []
    for r, row in enumerate(rows):
        cells = []
        for c, value in enumerate(row):
            extra = cell_styles[r][c] if cell_styles is not None else ""
            cells.append(f'<td style="{_CELL.format(align=align(c))};{extra}">{fmt(value, digits)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table style="{_TABLE}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def per_class_html(per_class: Sequence[dict]) -> str:
    rows = [(r.get("label"), r.get("precision"), r.get("recall"), r.get("f1"), r.get("count")) for r in per_class]
    return html_table(("class", "precision", "recall", "f1", "n"), rows)


def confusion_html(matrix, labels: Sequence[str]) -> str:
    """The confusion matrix, rows actual and columns predicted; cells shaded by their share of the row (green on
    the diagonal, red off it)."""
    rows, styles = [], []
    for i, row in enumerate(matrix):
        total = sum(int(v) for v in row) or 1
        rows.append([labels[i]] + [int(v) for v in row])
        line = [""]
        for j, v in enumerate(row):
            share = int(v) / total
            colour = f"rgba(15,157,88,{0.12 + 0.75 * share:.2f})" if i == j else \
                f"rgba(220,38,38,{(0.1 + 0.8 * share) if v else 0:.2f})"
            line.append(f"background:{colour};text-align:center")
        styles.append(line)
    return html_table(["actual \\ predicted", *labels], rows, cell_styles=styles)


def _section(title: str, body: str) -> str:
    return f'<div style="margin:6px 0"><b>{html.escape(title)}</b>{body}</div>'


def evaluation_html(evaluation) -> str:
    """An :class:`~pydl4j_transfer.metrics.Evaluation`: accuracy and macro averages, per class, confusion matrix."""
    summary = evaluation.to_dict()
    head = (f'<div><b>Evaluation</b>: {evaluation.num_examples()} examples, {evaluation.num_classes} classes; '
            f'accuracy <b>{fmt(summary["accuracy"])}</b>, precision {fmt(summary["precision"])}, '
            f'recall {fmt(summary["recall"])}, f1 {fmt(summary["f1"])} (macro)</div>')
    return (head + _section("Per class", per_class_html(summary["per_class"]))
            + _section("Confusion matrix (rows actual, columns predicted)",
                       confusion_html(summary["confusion_matrix"], list(evaluation.label_names))))


def job_result_html(result) -> str:
    """A :class:`~pydl4j_transfer.job.JobResult`: test accuracy, the epochs, per class, confusion matrix, mistakes,
    counts and timings."""
    model = result.settings.get("model", "")
    counts = result.counts
    kept = counts.get("kept_epoch")
    head = (f'<div style="font-size:1.1em"><b>Transfer job</b> {html.escape(str(model))} &rarr; '
            f'{len(result.labels)} classes: test accuracy <b>{fmt(result.accuracy)}</b> on '
            f'{fmt(counts.get("test", "?"))} images</div>')
    parts = [head]
    if result.history:
        keys = [k for k in ("lr", "train_loss", "validation_loss", "train_accuracy", "validation_accuracy")
                if any(k in row for row in result.history)]
        shown = result.history if len(result.history) <= 12 else result.history[:5] + result.history[-5:]
        rows = [[row.get("epoch")] + [row.get(k) for k in keys] for row in shown]
        title = f"Epochs ({len(result.history)}" + (f"; epoch {kept} kept" if kept is not None else "") + \
            ("; first and last 5 shown" if len(result.history) > 12 else "") + ")"
        parts.append(_section(title, html_table(["epoch", *keys], rows)))
    parts.append(_section("Per class (test split)", per_class_html(result.per_class)))
    parts.append(_section("Confusion matrix (rows actual, columns predicted)",
                          confusion_html(result.confusion_matrix, result.labels)))
    if result.mistakes:
        rows = [(m["path"], m["true"], m["predicted"], m["probability"]) for m in result.mistakes[:8]]
        parts.append(_section("Most confident mistakes", html_table(("image", "true", "predicted", "p"), rows,
                                                                    digits=3)))
    facts = {k: v for k, v in counts.items() if v}
    if facts:
        parts.append(_section("Counts", html_table(("", "images"), list(facts.items()))))
    if result.timings:
        parts.append(_section("Timings (s)", html_table(("step", "seconds"), list(result.timings.items()), digits=2)))
    return '<div class="pydl4j-transfer-result">' + "".join(parts) + "</div>"


__all__ = ["confusion_html", "evaluation_html", "fmt", "html_table", "job_result_html", "per_class_html"]
