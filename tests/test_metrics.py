import json

import numpy as np
import pytest

from pydl4j_transfer.metrics import Evaluation

ACTUAL = [0, 0, 0, 0, 1, 1, 2]
PREDICTED = [0, 0, 1, 2, 1, 0, 2]


def probabilities(indices, n=3):
    rows = np.full((len(indices), n), 0.1)
    rows[np.arange(len(indices)), indices] = 0.8
    return rows


@pytest.fixture
def evaluation():
    return Evaluation(["daisy", "rose", "tulip"]).eval(ACTUAL, probabilities(PREDICTED))


def test_confusion_matrix_rows_actual_columns_predicted(evaluation):
    assert evaluation.confusion.tolist() == [[2, 1, 1], [1, 1, 0], [0, 0, 1]]
    assert evaluation.num_examples() == 7


def test_hand_computed_metrics(evaluation):
    assert evaluation.accuracy() == pytest.approx(4 / 7)
    assert [evaluation.precision(c) for c in range(3)] == pytest.approx([2 / 3, 1 / 2, 1 / 2])
    assert [evaluation.recall(c) for c in range(3)] == pytest.approx([1 / 2, 1 / 2, 1])
    assert [evaluation.f1(c) for c in range(3)] == pytest.approx([4 / 7, 1 / 2, 2 / 3])
    assert evaluation.precision() == pytest.approx(5 / 9)
    assert evaluation.recall() == pytest.approx(2 / 3)
    assert evaluation.f1() == pytest.approx(73 / 126)


def test_counts(evaluation):
    assert evaluation.true_positives().tolist() == [2, 1, 1]
    assert evaluation.false_positives().tolist() == [1, 1, 1]
    assert evaluation.false_negatives().tolist() == [2, 1, 0]
    assert evaluation.true_negatives().tolist() == [2, 4, 5]
    assert evaluation.class_counts().tolist() == [4, 2, 1]


def test_one_hot_labels_and_batches_accumulate():
    one_hot = np.eye(3)[ACTUAL]
    split = Evaluation(3).eval(one_hot[:3], probabilities(PREDICTED[:3])).eval(one_hot[3:], probabilities(PREDICTED[3:]))
    whole = Evaluation(3).eval(np.array(ACTUAL), np.array(PREDICTED))
    assert np.array_equal(split.confusion, whole.confusion)
    assert split.label_names == ("0", "1", "2")
    merged = Evaluation(3).merge(split).merge(whole)
    assert merged.num_examples() == 14


def test_undefined_metrics_are_excluded_from_macro_averages_like_dl4j():
    e = Evaluation(3).eval([0, 1, 2, 2], [0, 1, 1, 1])  # class 2 is never predicted
    assert np.isnan(e.precision(2))
    assert e.precision() == pytest.approx((1 + 1 / 3) / 2)
    assert e.recall() == pytest.approx((1 + 1 + 0) / 3)
    assert e.f1() == pytest.approx((1 + 0.5) / 2)
    text = e.stats()
    assert "Warning: 1 class was never predicted by the model and was excluded from average precision" in text
    assert "Classes excluded from average precision: [2]" in text
    assert e.to_dict()["per_class"][2]["precision"] is None


def test_stats_layout(evaluation):
    lines = evaluation.stats().splitlines()
    start = lines.index("========================Evaluation Metrics========================")
    assert lines[start + 1:start + 7] == [
        " # of classes:    3",
        " Accuracy:        0.5714",
        " Precision:       0.5556",
        " Recall:          0.6667",
        " F1 Score:        0.5794",
        "Precision, recall & F1: macro-averaged (equally weighted avg. of 3 classes)",
    ]
    matrix = lines.index("=========================Confusion Matrix=========================")
    assert lines[matrix + 1:matrix + 6] == [
        " 0 1 2",
        "------",
        " 2 1 1 | 0 = daisy",
        " 1 1 0 | 1 = rose",
        " 0 0 1 | 2 = tulip",
    ]
    assert "Confusion matrix format: Actual (rowClass) predicted as (columnClass) N times" in lines
    assert lines[-1] == "=" * 66


def test_stats_per_class_table(evaluation):
    text = evaluation.stats(per_class=True)
    row = next(line for line in text.splitlines() if line.startswith(" rose"))
    assert row.split() == ["rose", "0.5000", "0.5000", "0.5000", "2"]


def test_confusion_block_widens_for_big_counts():
    e = Evaluation(2).eval([0] * 1234 + [1], [0] * 1234 + [1])
    lines = e.stats().splitlines()
    matrix = lines.index("=========================Confusion Matrix=========================")
    assert lines[matrix + 1] == "    0    1"
    assert lines[matrix + 3] == " 1234    0 | 0 = 0"


def test_to_dict_is_json_ready(evaluation):
    data = json.loads(json.dumps(evaluation.to_dict()))
    assert data["accuracy"] == pytest.approx(4 / 7)
    assert data["labels"] == ["daisy", "rose", "tulip"]
    assert data["confusion_matrix"] == [[2, 1, 1], [1, 1, 0], [0, 0, 1]]
    assert data["per_class"][0] == {"label": "daisy", "precision": pytest.approx(2 / 3), "recall": 0.5,
                                    "f1": pytest.approx(4 / 7), "count": 4, "predicted": 3,
                                    "tp": 2, "fp": 1, "fn": 2, "tn": 2}


def test_empty_evaluation_reports_nan():
    e = Evaluation(2)
    assert np.isnan(e.accuracy()) and np.isnan(e.f1())
    assert "Accuracy:        NaN" in e.stats()
    assert e.to_dict()["accuracy"] is None


def test_argument_errors():
    with pytest.raises(ValueError, match="at least 2 classes"):
        Evaluation(1)
    e = Evaluation(3)
    with pytest.raises(ValueError, match="4 columns"):
        e.eval([0], np.ones((1, 4)))
    with pytest.raises(ValueError, match="2 actual labels but 1 predictions"):
        e.eval([0, 1], [1])
    with pytest.raises(ValueError, match="outside 0..2"):
        e.eval([3], [0])
    with pytest.raises(TypeError, match="integer class indices"):
        e.eval([0.5], [0])
    with pytest.raises(IndexError, match="out of range"):
        e.precision(3)
    with pytest.raises(ValueError, match="different class labels"):
        e.merge(Evaluation(["a", "b", "c"]))
