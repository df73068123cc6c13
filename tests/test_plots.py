import struct

import numpy as np
import pytest

from pydl4j_transfer.data import atomic
from matplotlib.figure import Figure

from pydl4j_transfer.plots import plot_confusion, plot_curves, plot_misclassified

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    width, height = struct.unpack(">II", data[16:24])
    return width, height, len(data)


def test_curves_from_per_epoch_lists(tmp_path):
    history = {"train_loss": [1.2, 0.8, 0.5], "test_loss": [1.3, 0.9, 0.7],
               "train_accuracy": [0.5, 0.7, 0.85], "test_accuracy": [0.45, 0.65, None]}
    figure = plot_curves(history, tmp_path / "curves.png", title="flowers")
    assert isinstance(figure, Figure) and figure.texts[0].get_text() == "flowers"
    width, height, size = png_size(tmp_path / "curves.png")
    assert (width, height) == (1000, 400)
    assert 5_000 < size < 1_000_000


def test_curves_from_per_epoch_records_and_missing_series(tmp_path):
    history = [{"epoch": 1, "train_loss": 1.0, "train_accuracy": 0.4},
               {"epoch": 2, "train_loss": 0.7, "train_accuracy": 0.6}]
    plot_curves(history, tmp_path / "sub" / "c.png")
    width, height, _ = png_size(tmp_path / "sub" / "c.png")
    assert (width, height) == (1000, 400)


def test_curves_need_some_series(tmp_path):
    with pytest.raises(ValueError, match="nothing to plot"):
        plot_curves({"lr": [0.1]}, tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()


def test_confusion_heat_map(tmp_path):
    matrix = np.array([[50, 2, 0, 1, 3], [4, 60, 1, 0, 0], [0, 3, 40, 2, 1], [1, 0, 2, 45, 0], [2, 1, 0, 0, 55]])
    labels = ["daisy", "dandelion", "roses", "sunflowers", "tulips"]
    plot_confusion(matrix, labels, tmp_path / "confusion.png")
    width, height, size = png_size(tmp_path / "confusion.png")
    assert width == height == 550
    assert 5_000 < size < 1_000_000


def test_confusion_argument_errors(tmp_path):
    with pytest.raises(ValueError, match="square"):
        plot_confusion(np.zeros((2, 3)), ["a", "b"], tmp_path / "c.png")
    with pytest.raises(ValueError, match="3 labels for a 2x2"):
        plot_confusion(np.zeros((2, 2)), ["a", "b", "c"], tmp_path / "c.png")


def test_write_is_atomic(tmp_path, monkeypatch):
    target = tmp_path / "curves.png"
    target.write_bytes(b"previous")

    def crash(src, dst):
        raise OSError("simulated crash")

    monkeypatch.setattr(atomic.os, "replace", crash)
    with pytest.raises(OSError):
        plot_curves({"train_loss": [1, 0.5]}, target)
    monkeypatch.undo()
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["curves.png"]


def test_curves_with_validation_and_learning_rate(tmp_path):
    history = [{"epoch": e, "train_loss": 1 / e, "validation_loss": 1.2 / e, "train_accuracy": 0.5 + e / 20,
                "validation_accuracy": 0.45 + e / 20, "lr": 1e-3 * (6 - e) / 5} for e in range(1, 6)]
    plot_curves(history, tmp_path / "curves.png")
    width, height, _ = png_size(tmp_path / "curves.png")
    assert (width, height) == (1500, 400)   # a third panel: the learning rate


def test_misclassified_grid(tmp_path):
    from pydl4j_transfer.plots import plot_misclassified

    images = [np.full((32, 32, 3), v, np.uint8) for v in (10, 120, 250)]
    plot_misclassified(images, ["daisy", "roses", "tulips"], ["tulips", "daisy", "roses"], [0.9, 0.8, 0.7],
                       tmp_path / "misclassified.png")
    width, height, _ = png_size(tmp_path / "misclassified.png")
    assert width == 900 and height > 300
    plot_misclassified([], [], [], [], tmp_path / "none.png")
    assert png_size(tmp_path / "none.png")[0] > 0
    with pytest.raises(ValueError, match="differ in length"):
        plot_misclassified(images, ["a"], ["b"], [0.5], tmp_path / "bad.png")


def test_plots_return_figures_for_notebooks_and_save_only_when_given_a_path(tmp_path, monkeypatch):
    """A notebook shows the returned Figure inline (its Agg canvas renders PNG bytes); without a path nothing is
    written, with one the PNG is the figure's own rendering."""
    monkeypatch.chdir(tmp_path)
    history = [{"epoch": 1, "train_loss": 1.0, "validation_loss": 1.1, "train_accuracy": 0.5},
               {"epoch": 2, "train_loss": 0.6, "validation_loss": 0.8, "train_accuracy": 0.7}]
    figures = [plot_curves(history), plot_confusion(np.eye(2, dtype=int), ["a", "b"]),
               plot_misclassified([np.zeros((8, 8, 3), np.uint8)], ["a"], ["b"], [0.9])]
    assert list(tmp_path.iterdir()) == []
    for figure in figures:
        assert isinstance(figure, Figure)
        assert figure.canvas.get_supported_filetypes()["png"]
        figure.canvas.draw()
        assert figure.canvas.buffer_rgba().shape[2] == 4
    curves = figures[0]
    assert [a.get_title() for a in curves.axes] == ["loss", "accuracy"]
    assert [line.get_label() for line in curves.axes[0].lines] == ["train", "validation"]
    assert list(curves.axes[0].lines[0].get_ydata()) == [1.0, 0.6]
    saved = plot_curves(history, tmp_path / "c.png")
    assert png_size(tmp_path / "c.png")[:2] == (int(saved.get_figwidth() * saved.dpi), int(saved.get_figheight() * saved.dpi))
