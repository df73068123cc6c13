"""The executors' image decoder (pydl4j_transfer.spark.decode_worker) and the Spark options' checks, without Spark:
the worker must produce exactly the local job's network input, and answer bad images with the local reason."""

from __future__ import annotations

import io
import json
import struct

import numpy as np
import pytest
from PIL import Image

from pydl4j_transfer.data.decode import BadImageError, decode_image
from pydl4j_transfer.data.preprocess import SPECS, preprocess_batch
from pydl4j_transfer.job_config import JobConfigError
from pydl4j_transfer.spark import decode_worker
from pydl4j_transfer.spark.session import check_master


def _request(data: bytes, name: str = "x.jpg") -> bytes:
    encoded = name.encode("utf-8")
    return struct.pack(">I", len(encoded)) + encoded + struct.pack(">I", len(data)) + data


def _answers(stream: bytes, floats: int):
    out, view = [], io.BytesIO(stream)
    while True:
        status = view.read(1)
        if not status:
            return out
        if status == b"\x00":
            out.append(np.frombuffer(view.read(4 * floats), dtype="<f4"))
        else:
            (n,) = struct.unpack(">I", view.read(4))
            out.append(view.read(n).decode("utf-8"))


@pytest.mark.parametrize("resize", ["stretch", "center_crop"])
def test_worker_answers_with_the_local_network_input(tmp_path, resize):
    rng = np.random.default_rng(0)
    jpeg = tmp_path / "a.jpg"
    Image.fromarray(rng.integers(0, 255, (300, 410, 3), dtype=np.uint8)).save(jpeg, quality=85)
    png = tmp_path / "b.png"
    Image.fromarray(rng.integers(0, 255, (40, 50, 4), dtype=np.uint8), mode="RGBA").save(png)
    spec = SPECS["efficientnet_lite"]
    requests = b"".join(_request(p.read_bytes()) for p in (jpeg, png)) + _request(b"not an image", str(tmp_path / "c.jpg"))
    sink = io.BytesIO()
    handled = decode_worker.serve(64, resize, spec, io.BytesIO(requests), sink)
    answers = _answers(sink.getvalue(), 3 * 64 * 64)
    assert handled == 3 and len(answers) == 3
    for path, answer in zip((jpeg, png), answers):
        local = preprocess_batch(decode_image(path, 64, resize)[None], spec)[0]
        np.testing.assert_array_equal(answer.reshape(3, 64, 64), local)
    with pytest.raises(BadImageError) as local_error:
        decode_image(tmp_path / "c.jpg", 64, resize, data=b"not an image")
    assert answers[2] == local_error.value.reason


def test_worker_refuses_a_declared_length_beyond_its_bound():
    header = _request(b"")[:-4] + struct.pack(">I", decode_worker.MAX_IMAGE_BYTES + 1)
    with pytest.raises(SystemExit, match="exceeds"):
        decode_worker.serve(8, "stretch", SPECS["scale_0_1"], io.BytesIO(header), io.BytesIO())


def test_worker_reads_the_spec_the_driver_sends():
    spec = SPECS["imagenet_vgg"]
    text = json.dumps({"name": spec.name, "mean": list(spec.mean), "std": list(spec.std), "channel_order": "RGB"})
    assert decode_worker.spec_from_json(text).fingerprint() == spec.fingerprint()


@pytest.mark.parametrize("master", ["local", "local[2]", "local[*]", "local-cluster[2,1,1024]", "spark://h:7077",
                                    "yarn", "k8s://https://api:6443"])
def test_master_urls_accepted(master):
    assert check_master(master) == master


@pytest.mark.parametrize("master", ["", "lokal[2]", "local[two]", "spark:/h", "yarn --x"])
def test_master_urls_refused_with_the_argument_named(master):
    with pytest.raises(ValueError, match="not a Spark master URL"):
        check_master(master)


def test_job_refuses_spark_with_augmented_views():
    from pydl4j_transfer import TransferJob

    with pytest.raises(JobConfigError, match="spark: augmented views"):
        TransferJob(spark="local[2]", augment=True)
    with pytest.raises(JobConfigError, match="not a Spark master URL"):
        TransferJob(spark="lokal")


def test_cli_refuses_a_bad_master_with_exit_2(tmp_path, capsys):
    from pydl4j_transfer.cli import main

    (tmp_path / "data" / "a").mkdir(parents=True)
    code = main(["featurize", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "f.npz"), "--spark", "nope"])
    assert code == 2
    assert "--spark: 'nope' is not a Spark master URL" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:     # train's options are argparse's: it exits 2 itself
        main(["train", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "run"), "--spark", "nope"])
    assert stopped.value.code == 2
    assert "argument --spark: spark: 'nope' is not a Spark master URL" in capsys.readouterr().err


def test_spark_defaults_conf_is_read_like_spark_submit(tmp_path, monkeypatch):
    from pydl4j_transfer.spark.session import defaults_file_settings

    (tmp_path / "spark-defaults.conf").write_text("# cluster settings\nspark.archives  hdfs:///envs/py.tar.gz#pyenv\n"
                                                  "spark.pydl4j.python=./pyenv/bin/python\nnot.spark x\n\n")
    monkeypatch.setenv("SPARK_CONF_DIR", str(tmp_path))
    assert defaults_file_settings() == {"spark.archives": "hdfs:///envs/py.tar.gz#pyenv",
                                        "spark.pydl4j.python": "./pyenv/bin/python"}
    monkeypatch.setenv("SPARK_CONF_DIR", str(tmp_path / "none"))
    assert defaults_file_settings() == {}
