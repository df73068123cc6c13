"""Results display well in Jupyter: ``_repr_html_`` of job results and evaluations, and progress bars that are
widgets in a real kernel (tqdm.auto with ipywidgets). Plot functions returning Figures: tests/test_plots.py."""

from __future__ import annotations

import html
import re

import numpy as np

from pydl4j_transfer.job import JobResult
from pydl4j_transfer.metrics import Evaluation

LABELS = ["daisy", "<img src=x onerror=alert(1)>"]


def result() -> JobResult:
    evaluation = Evaluation(LABELS).eval(np.array([0, 0, 0, 1, 1]), np.array([0, 0, 1, 1, 1]))
    summary = evaluation.to_dict()
    history = [{"epoch": e, "lr": 1e-3, "train_loss": 1 / e, "validation_loss": 1.1 / e,
                "train_accuracy": 0.5 + e / 40, "validation_accuracy": float("nan") if e == 2 else 0.4 + e / 40}
               for e in range(1, 16)]
    return JobResult(accuracy=summary["accuracy"], per_class=summary["per_class"],
                     confusion_matrix=summary["confusion_matrix"], history=history, labels=LABELS,
                     counts={"test": 5, "train": 20, "kept_epoch": 15, "duplicates_dropped": 0},
                     timings={"featurize": 1.234, "train": 0.5}, settings={"model": "efficientnet-lite0"},
                     evaluation=evaluation,
                     mistakes=[{"path": "data/daisy/<b>1.jpg", "true": LABELS[0], "predicted": LABELS[1],
                                "probability": 0.91}])


def table_after(text: str, heading: str) -> str:
    """The first table after ``heading``."""
    rest = text[text.index(heading):]
    return rest[:rest.index("</table>")]


def cells(text: str) -> list[str]:
    return [html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", text)]


def test_job_result_html_shows_accuracy_epochs_classes_and_escapes_every_label():
    text = result()._repr_html_()
    assert "test accuracy <b>0.8000</b> on 5 images" in text
    assert "<img" not in text and "<b>1.jpg" not in text            # labels and paths are text, never markup
    assert html.escape(LABELS[1]) in text
    per_class = cells(table_after(text, "Per class"))
    assert per_class[:5] == ["daisy", "1.0000", "0.6667", "0.8000", "3"]
    assert per_class[5:] == [LABELS[1], "0.6667", "1.0000", "0.8000", "2"]
    # the confusion matrix: rows actual, columns predicted
    assert cells(table_after(text, "Confusion matrix")) == ["daisy", "2", "1", LABELS[1], "0", "2"]
    assert cells(table_after(text, "Most confident mistakes")) == ["data/daisy/<b>1.jpg", "daisy", LABELS[1], "0.910"]
    assert "Epochs (15; epoch 15 kept; first and last 5 shown)" in text
    assert "n/a" in text                                          # a NaN validation accuracy is shown as such
    assert "duplicates_dropped" not in text                       # zero counts are left out
    assert "1.23" in text                                         # timings


def test_evaluation_html_has_macro_averages_and_the_matrix():
    evaluation = Evaluation(LABELS).eval(np.array([0, 0, 1]), np.array([0, 1, 1]))
    text = evaluation._repr_html_()
    assert "3 examples, 2 classes; accuracy <b>0.6667</b>" in text
    assert cells(table_after(text, "Confusion matrix")) == ["daisy", "1", "1", LABELS[1], "0", "1"]
    assert cells(table_after(text, "Per class"))[:5] == ["daisy", "1.0000", "0.5000", "0.6667", "2"]
    assert "<img" not in text


def test_progress_bars_are_widgets_in_a_jupyter_kernel(tmp_path):
    """A real IPython kernel (this interpreter) runs the job's progress bar: with ipywidgets there, tqdm.auto gives
    the notebook bar, which the front end receives as a widget view."""
    from jupyter_client import KernelManager

    outputs = []
    # local IPC sockets in the test's folder: no TCP port, nothing reachable from outside
    manager = KernelManager(kernel_name="python3", transport="ipc", ip=str(tmp_path / "kernel"))
    manager.start_kernel(extra_arguments=["--HistoryManager.enabled=False"])
    client = manager.client()
    try:
        client.start_channels()
        client.wait_for_ready(timeout=120)
        code = ("import tqdm.notebook\n"
                "from pydl4j_transfer.featurize import progress_bar\n"
                "bar = progress_bar(range(3), True, desc='epochs', unit='epoch')\n"
                "for _ in bar: pass\n"
                "print('notebook bar:', isinstance(bar, tqdm.notebook.tqdm))")
        reply = client.execute_interactive(code, timeout=120, output_hook=outputs.append)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert reply["content"]["status"] == "ok", reply["content"]
    kinds = [m["header"]["msg_type"] for m in outputs]
    views = [m for m in outputs if m["header"]["msg_type"] == "display_data"
             and "application/vnd.jupyter.widget-view+json" in m["content"]["data"]]
    assert views, kinds
    printed = "".join(m["content"].get("text", "") for m in outputs if m["header"]["msg_type"] == "stream")
    assert "notebook bar: True" in printed

