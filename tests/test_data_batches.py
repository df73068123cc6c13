import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pydl4j_transfer.data.batches import BatchStream
from pydl4j_transfer.data.decode import decode_image
from pydl4j_transfer.data.folder import scan_image_folder
from pydl4j_transfer.data.split import split_folder

FLOWERS = Path(os.environ.get("PYDL4J_FLOWER_PHOTOS",
                              Path(__file__).resolve().parents[2] / "shared" / "datasets" / "flower_photos"))


@pytest.fixture(scope="module")
def flowers():
    folder = scan_image_folder(FLOWERS)  # fails (does not skip) when the data set is missing
    assert folder.label_names == ("daisy", "dandelion", "roses", "sunflowers", "tulips")
    assert len(folder) == 2934
    return folder


def test_streams_real_flower_batches(flowers):
    _, test = split_folder(flowers, test_fraction=0.2, seed=42)
    picks = list(range(0, len(test), len(test) // 20))[:20]  # a few files from every class
    subset = test.subset(picks)
    stream = BatchStream(subset.paths, subset.labels, batch_size=8, image_size=64, preprocess="imagenet_vgg",
                         workers=2, prefetch=2)
    assert len(stream) == 3
    batches = list(stream)
    assert [len(b) for b in batches] == [8, 8, 4]
    assert stream.skipped == []
    for batch in batches:
        assert batch.features.shape == (len(batch), 3, 64, 64) and batch.features.dtype == np.float32
        assert batch.labels.dtype == np.int64
        for path, label in zip(batch.paths, batch.labels):
            assert Path(path).parent.name == flowers.label_names[label]
    assert [p for b in batches for p in b.paths] == [str(p) for p in subset.paths]
    assert {int(l) for b in batches for l in b.labels} == set(range(5))
    first = batches[0]
    expected = decode_image(first.paths[0], 64).astype(np.float32)
    np.testing.assert_allclose(first.features[0, 0], expected[:, :, 0] - 123.68, rtol=1e-6)
    assert -123.69 < first.features.min() and first.features.max() < 255 - 103.939 + 0.01


def test_breaking_out_early_stops_cleanly(flowers):
    stream = BatchStream(flowers.paths[:64], flowers.labels[:64], batch_size=4, image_size=32,
                         preprocess="scale_0_1", workers=2, prefetch=1)
    for count, batch in enumerate(stream, start=1):
        assert batch.features.shape == (4, 3, 32, 32)
        if count == 2:
            break
    again = next(iter(stream))  # a new pass starts from the beginning
    assert again.paths == tuple(str(p) for p in flowers.paths[:4])


def test_undecodable_files_are_skipped_and_reported(tmp_path):
    paths, labels = [], []
    for i in range(7):
        path = tmp_path / f"{i}.png"
        if i == 2:
            path.write_bytes(b"")
        else:
            Image.new("RGB", (20, 20), (i * 30, 0, 0)).save(path)
        paths.append(path)
        labels.append(i % 2)
    stream = BatchStream(paths, labels, batch_size=3, image_size=8, preprocess="scale_0_1", workers=1)
    batches = list(stream)
    assert [len(b) for b in batches] == [3, 3]
    assert [s.path for s in stream.skipped] == [str(paths[2])]
    assert stream.skipped[0].reason
    assert batches[0].labels.tolist() == [0, 1, 1]  # files 0, 1, 3
    np.testing.assert_allclose(batches[0].features[:, 0, 0, 0], [0, 30 / 255, 90 / 255], rtol=1e-6)


def test_errors_in_the_producer_reach_the_consumer(tmp_path):
    path = tmp_path / "a.png"
    Image.new("RGB", (10, 10)).save(path)
    stream = BatchStream([path], [0], batch_size=1, image_size=8, preprocess="scale_0_1", workers=1)
    stream.spec = None  # break preprocessing inside the producer thread
    with pytest.raises(AttributeError):
        list(stream)


def test_argument_errors():
    with pytest.raises(ValueError, match="one label per path"):
        BatchStream(["a"], [0, 1], batch_size=1, image_size=8, preprocess="scale_0_1")
    with pytest.raises(ValueError, match="batch_size"):
        BatchStream(["a"], [0], batch_size=0, image_size=8, preprocess="scale_0_1")
    with pytest.raises(ValueError, match="unknown preprocessing"):
        BatchStream(["a"], [0], batch_size=1, image_size=8, preprocess="nope")
