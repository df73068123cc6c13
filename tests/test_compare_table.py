"""The comparison table (ranking, markdown/CSV/JSON/HTML/pandas views, reading back) and its charts, on made-up rows
(no engine)."""

from __future__ import annotations

import csv
import io
import json
import sys
import types

import pytest

from pydl4j_transfer.compare_plots import plot_compare, plot_transfer_vs_scratch
from pydl4j_transfer.compare_table import FIELDS, CompareTable, CompareTableError

PNG = b"\x89PNG\r\n\x1a\n"


def _row(model, init="pretrained", fraction=1.0, val=0.9, test=0.8, latency=10.0, params=4_000_000, **extra):
    return {"model": model, "init": init, "train_fraction": fraction, "status": "ok", "validation_accuracy": val,
            "test_accuracy": test, "params_total": params, "params_trainable": 6405, "model_file_bytes": 16 << 20,
            "input_size": 224, "featurize_img_s": 120.0, "latency_p50_ms": latency, "latency_p95_ms": latency * 1.2,
            "train_s": 1.5, "total_s": 30.0, "peak_rss_mb": 900.0, "epochs_run": 2, "kept_epoch": 2, "n_train": 30,
            "n_validation": 10, "n_test": 10, "run_dir": f"runs/{model}-{init}-{fraction:g}", "reason": None,
            **extra}


def _table():
    history = [{"epoch": 1, "minibatch_loss": 1.2, "validation_accuracy": 0.5},
               {"epoch": 2, "minibatch_loss": 0.8, "validation_accuracy": 0.7}]
    rows = [_row("efficientnet-lite0", val=0.85, test=0.99, latency=5.0, params=3_400_000),
            {"model": "vgg16", "init": "pretrained", "train_fraction": 1.0, "status": "unavailable",
             "run_dir": "runs/vgg16-pretrained-1", "reason": "weights not available: <none> | here"},
            _row("efficientnet-lite2", val=0.91, test=0.80, latency=12.0, params=4_900_000),
            _row("efficientnet-lite1", val=0.91, test=0.95, latency=8.0, params=4_200_000),
            _row("efficientnet-lite0", init="scratch", val=0.40, test=0.41, latency=5.0, params=3_400_000),
            _row("efficientnet-lite0", fraction=0.1, val=0.7, test=0.7, latency=5.0),
            _row("efficientnet-lite0", init="scratch", fraction=0.1, val=0.3, test=0.3, latency=5.0)]
    curves = {r["run_dir"]: history for r in rows if r["status"] == "ok"}
    return CompareTable(rows=rows, settings={"batch_size": 32}, machine={"cpu": "Test CPU", "cores": 2,
                                                                        "load_before": "1.0", "load_after": "2.0"},
                        curves=curves)


def test_ranked_by_validation_accuracy_never_by_test_accuracy():
    table = _table()
    order = [(r["model"], r["init"], r["train_fraction"], r["rank"]) for r in table.rows]
    # lite1 and lite2 tie on validation: the faster one first; lite0's higher test accuracy changes nothing
    assert order[:3] == [("efficientnet-lite1", "pretrained", 1.0, 1), ("efficientnet-lite2", "pretrained", 1.0, 2),
                         ("efficientnet-lite0", "pretrained", 1.0, 3)]
    assert order[-1] == ("vgg16", "pretrained", 1.0, None)
    assert table.best["model"] == "efficientnet-lite1"
    assert CompareTable(rows=[dict(table.rows[-1])]).best is None


def test_markdown_csv_and_json_views():
    table = _table()
    text = table.to_markdown()
    assert "Test CPU, 2 cores" in text and "load average 1.0 -> 2.0" in text
    assert "| 1 | efficientnet-lite1 | pretrained | 100% | 0.910 | 0.950 | 4.20M / 6.4k |" in text
    assert "<none> \\| here" not in text.split("Not measured:")[0]       # the reason goes below the table
    assert "vgg16 (pretrained, 100%): unavailable: weights not available: <none> | here" in text
    rows = list(csv.DictReader(io.StringIO(table.to_csv())))
    assert list(rows[0]) == list(FIELDS) and len(rows) == 7 and rows[-1]["validation_accuracy"] == ""
    again = CompareTable.from_json(table.to_json())
    assert again.rows == table.rows and again.curves == table.curves and again.machine == table.machine


def test_html_is_escaped_and_pandas_is_optional(monkeypatch):
    table = _table()
    page = table._repr_html_()
    assert page.startswith("<table>") and "&lt;none&gt;" in page and "<none>" not in page
    monkeypatch.setitem(sys.modules, "pandas", None)          # pandas not installed
    with pytest.raises(ImportError, match="pip install pandas"):
        table.to_pandas()
    made = {}
    fake = types.ModuleType("pandas")
    fake.DataFrame = lambda rows, columns: made.update(rows=rows, columns=columns) or "frame"
    monkeypatch.setitem(sys.modules, "pandas", fake)
    assert table.to_dataframe() == "frame" and made["columns"] == list(FIELDS) and made["rows"] == table.rows


@pytest.mark.parametrize("text, message", [
    ("not json", "not JSON"),
    (json.dumps({"format": "something else"}), "not a pydl4j-transfer-compare"),
    (json.dumps({"format": "pydl4j-transfer-compare", "version": 99, "rows": []}), "version 99"),
    (json.dumps({"format": "pydl4j-transfer-compare", "version": 1, "rows": {"a": 1}}), "rows is not a list"),
    (json.dumps({"format": "pydl4j-transfer-compare", "version": 1, "rows": [{"model": "x", "status": "ok",
                                                                            "secret": 1}]}), "unknown keys"),
    (json.dumps({"format": "pydl4j-transfer-compare", "version": 1, "rows": [{"model": "x", "status": "odd"}]}),
     "status"),
    (json.dumps({"format": "pydl4j-transfer-compare", "version": 1, "rows": [
        {"model": "x", "status": "ok", "validation_accuracy": "high"}]}), "validation_accuracy not of the expected"),
    (json.dumps({"format": "pydl4j-transfer-compare", "version": 1, "rows": [
        {"model": ["x"], "status": "ok", "test_accuracy": True}]}), "model, test_accuracy not of the expected"),
])
def test_a_damaged_compare_json_is_refused(text, message):
    with pytest.raises(CompareTableError, match=message):
        CompareTable.from_json(text)


def test_charts(tmp_path):
    table = _table()
    for path in (plot_compare(table, tmp_path / "compare.png"),
                 plot_transfer_vs_scratch(table, tmp_path / "transfer_vs_scratch.png")):
        assert path.read_bytes()[:8] == PNG and path.stat().st_size > 10_000
    nothing = CompareTable(rows=[dict(_table().rows[-1])])
    assert plot_compare(nothing, tmp_path / "empty.png").read_bytes()[:8] == PNG
