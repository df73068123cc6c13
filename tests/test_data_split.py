import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from pydl4j_transfer.data.folder import ImageFolder
from pydl4j_transfer.data.split import split_folder, stratified_split


def dataset(counts):
    paths, labels = [], []
    for label, n in enumerate(counts):
        for i in range(n):
            paths.append(f"/data/c{label}/img{i:04d}.jpg")
            labels.append(label)
    return paths, labels


def test_each_class_split_in_the_same_proportion():
    paths, labels = dataset([100, 50, 30])
    split = stratified_split(paths, labels, test_fraction=0.2, seed=7)
    test_counts = Counter(labels[i] for i in split.test)
    assert test_counts == {0: 20, 1: 10, 2: 6}
    assert len(split.train) + len(split.test) == 180


def test_no_leakage_and_full_coverage():
    paths, labels = dataset([13, 7, 9])
    split = stratified_split(paths, labels, test_fraction=0.3, seed=1)
    assert not set(split.train.tolist()) & set(split.test.tolist())
    assert sorted(split.train.tolist() + split.test.tolist()) == list(range(len(paths)))


def test_seeded_and_seed_sensitive():
    paths, labels = dataset([40, 40])
    a = stratified_split(paths, labels, test_fraction=0.25, seed=3)
    b = stratified_split(paths, labels, test_fraction=0.25, seed=3)
    c = stratified_split(paths, labels, test_fraction=0.25, seed=4)
    assert np.array_equal(a.test, b.test)
    assert not np.array_equal(a.test, c.test)


@settings(max_examples=40, deadline=None)
@given(counts=st.lists(st.integers(min_value=1, max_value=25), min_size=2, max_size=5),
       fraction=st.floats(min_value=0.05, max_value=0.95), seed=st.integers(0, 2**31), shuffle_seed=st.integers(0, 99))
def test_stable_under_reordering(counts, fraction, seed, shuffle_seed):
    paths, labels = dataset(counts)
    order = list(range(len(paths)))
    random.Random(shuffle_seed).shuffle(order)
    shuffled_paths = [paths[i] for i in order]
    shuffled_labels = [labels[i] for i in order]
    a = stratified_split(paths, labels, test_fraction=fraction, seed=seed)
    b = stratified_split(shuffled_paths, shuffled_labels, test_fraction=fraction, seed=seed)
    assert {paths[i] for i in a.test} == {shuffled_paths[i] for i in b.test}
    assert {paths[i] for i in a.train} == {shuffled_paths[i] for i in b.train}
    for label, n in enumerate(counts):  # stratified: each class near its share, both sides non-empty if n >= 2
        n_test = sum(1 for i in a.test if labels[i] == label)
        if n >= 2:
            assert 1 <= n_test <= n - 1
            assert abs(n_test - n * fraction) <= 1.0
        else:
            assert n_test == 0


@pytest.mark.parametrize("fraction", [0, 1, -0.1, 1.5, float("nan")])
def test_fraction_must_be_strictly_between_0_and_1(fraction):
    with pytest.raises(ValueError, match="test_fraction"):
        stratified_split(["a", "b"], [0, 1], test_fraction=fraction, seed=0)


def test_fraction_type_and_argument_errors():
    with pytest.raises(TypeError, match="test_fraction"):
        stratified_split(["a", "b"], [0, 1], test_fraction="0.2", seed=0)
    with pytest.raises(ValueError, match="one label per path"):
        stratified_split(["a", "b"], [0], test_fraction=0.5, seed=0)
    assert len(stratified_split(["a", "b", "c", "d"], [0, 0, 1, 1], test_fraction=np.float32(0.5), seed=0).test) == 2
    with pytest.raises(ValueError, match="listed twice"):
        stratified_split(["a", "a"], [0, 1], test_fraction=0.5, seed=0)


def test_split_folder_returns_two_folders_with_same_labels():
    paths, labels = dataset([10, 10])
    from pathlib import Path
    folder = ImageFolder(Path("/data"), tuple(Path(p) for p in paths), tuple(labels), ("c0", "c1"))
    train, test = split_folder(folder, test_fraction=0.2, seed=0)
    assert train.label_names == test.label_names == ("c0", "c1")
    assert test.class_counts() == {"c0": 2, "c1": 2}
    assert not set(train.paths) & set(test.paths)
