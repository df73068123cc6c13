"""Three-way split: the test split is exactly the two-way one; validation is carved from the training part."""

from collections import Counter

from pydl4j_transfer.data.folder import ImageFolder
from pydl4j_transfer.data.split import split_folder, split_folder_three_way


def folder(counts):
    paths, labels = [], []
    for label, n in enumerate(counts):
        for i in range(n):
            paths.append(f"/data/c{label}/img{i:04d}.jpg")
            labels.append(label)
    return ImageFolder(root="/data", paths=tuple(paths), labels=tuple(labels),
                       label_names=tuple(f"c{i}" for i in range(len(counts))), empty_classes=())


def test_test_split_is_unchanged_and_validation_comes_from_training():
    data = folder([100, 60, 40])
    train2, test2 = split_folder(data, test_fraction=0.2, seed=42)
    train, validation, test = split_folder_three_way(data, test_fraction=0.2, validation_fraction=0.2, seed=42)
    assert test.paths == test2.paths and test.labels == test2.labels
    assert set(train.paths) | set(validation.paths) == set(train2.paths)
    assert not set(train.paths) & set(validation.paths)
    assert not (set(train.paths) | set(validation.paths)) & set(test.paths)
    # stratified: 20% of each class's training 80%
    assert Counter(validation.labels) == {0: 16, 1: 10, 2: 6}


def test_validation_is_seeded():
    data = folder([50, 50])
    a = split_folder_three_way(data, test_fraction=0.2, validation_fraction=0.25, seed=1)
    b = split_folder_three_way(data, test_fraction=0.2, validation_fraction=0.25, seed=1)
    c = split_folder_three_way(data, test_fraction=0.2, validation_fraction=0.25, seed=2)
    assert a[1].paths == b[1].paths
    assert a[1].paths != c[1].paths
