"""Spark (issue 18): distributed featurizing, parameter averaging, evaluation and an executor killed mid-run, on a
real ``local-cluster[2,1,1024]`` (two executor JVMs of 1 core and 1 GB, started by Spark's own worker).

One Spark context for the whole file: ``tests/spark_checks.py`` runs once in a child process (the engine's JVM
must start as a Spark driver, which this pytest process -- whose JVM other tests started -- cannot become) and
writes what it measured; the tests here compare. Needs the ``[spark]`` extra (pyspark, installed by make setup)
and the pydl4j-transfer-spark jar (built by make setup).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def spark_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("spark")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # make test-slow: the model's full input size (224 px); make test: 128 px, same code paths
    size = os.environ.get("PYDL4J_SPARK_IMAGE_SIZE", "128")
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "spark_checks.py"), str(out), "--image-size", size],
                          env=env, capture_output=True, text=True, timeout=900)
    log = "\n".join(line for line in (done.stdout + done.stderr).splitlines()
                    if not line.startswith("\tat ") and " INFO " not in line)[-6000:]   # Python's traceback
    assert done.returncode == 0, f"spark_checks.py failed:\n{log}"
    results = json.loads((out / "results.json").read_text())
    with np.load(out / "arrays.npz") as data:
        arrays = {k: data[k] for k in data.files}
    print(f"spark suite: context {results['context_seconds']:.1f} s, training {results['training_seconds']:.1f} s, "
          f"featurize {results['featurize_seconds']:.1f} s")
    return results, arrays


def test_distributed_features_equal_local_ones(spark_run):
    results, arrays = spark_run
    assert arrays["spark"].shape == arrays["local"].shape == (18, 1280)
    np.testing.assert_array_equal(arrays["spark_ok"], arrays["local_ok"])
    assert np.abs(arrays["spark"] - arrays["local"]).max() <= 1e-5
    # the undecodable file is reported with the local run's reason, not fatal
    assert results["spark_skipped"] == results["local_skipped"]
    assert results["spark_skipped"][0]["path"].endswith("broken.jpg")
    assert results["spark_counts"]["featurized"] == 18


def test_spark_features_are_local_cache_entries_under_the_same_keys(spark_run):
    results, arrays = spark_run
    assert results["cache_rerun_counts"].get("cache_hits") == 18
    assert results["cache_rerun_counts"].get("featurized", 0) == 0
    np.testing.assert_array_equal(arrays["from_cache"], arrays["spark"])


def test_featurize_command_with_spark_writes_the_local_features(spark_run):
    results, _ = spark_run
    assert results["cli_exit"] == 0
    assert results["cli_rows"] == 18 and results["cli_same_paths"]
    assert results["cli_max_abs_diff"] <= 1e-5


def test_feature_store_is_one_committed_parquet_run(spark_run):
    results, _ = spark_run
    assert len(results["stores"]) == 1 and results["store_has_success"]
    assert results["store_tmp_left"] == []
    assert results["parquet_columns"] == ["label", "content_hash", "vector", "path", "error", "rows=19",
                                          "distinct_paths=19"]


def test_executor_killed_mid_featurize_completes_correctly(spark_run):
    results, arrays = spark_run
    assert results["killed_executor"] is not None, "no executor was killed: the check did not run"
    done, total = results["killed_at_tasks"]
    assert 1 <= done < total                                    # killed while tasks were left
    assert results["killed_run_error"] is None
    assert results["killed_paths_found"] == results["killed_total"] == 18
    # every image exactly once in the store (no duplicate rows from the retried tasks)
    assert results["killed_store_columns"][-2:] == ["rows=18", "distinct_paths=18"]
    assert np.abs(arrays["killed_spark"] - arrays["killed_local"]).max() <= 1e-5


@pytest.mark.parametrize("case", ["sgd_graph", "sgd_multilayer", "nesterovs_graph"])
def test_parameter_averaging_every_step_matches_synchronous_training(spark_run, case):
    results, arrays = spark_run
    spark, sync, start = arrays[f"{case}_spark"], arrays[f"{case}_sync"], arrays[f"{case}_start"]
    assert np.abs(spark - start).max() > 0.05                    # it trained
    assert np.abs(spark - sync).max() <= 1e-5 * max(1.0, np.abs(sync).max())
    assert results[f"{case}_iterations"][0] == results[f"{case}_iterations"][1] == 2
    assert np.isfinite(results[f"{case}_score"])


def test_adam_with_averaged_moments_converges(spark_run):
    results, _ = spark_run
    assert results["adam_score_after"] < 0.5 * results["adam_score_before"]


def test_evaluate_on_an_rdd_equals_local_evaluation(spark_run):
    results, arrays = spark_run
    np.testing.assert_array_equal(arrays["eval_spark_confusion"], arrays["eval_local_confusion"])
    assert arrays["eval_spark_confusion"].sum() == 16
    assert results["eval_accuracy"][0] == results["eval_accuracy"][1]
    assert results["eval_f1"][0] == pytest.approx(results["eval_f1"][1])
    assert results["eval_labels"] == ["cats", "dogs", "owls"]


def test_calculate_score_equals_the_local_sum(spark_run):
    results, _ = spark_run
    local, spark = results["score_sum"]
    assert spark == pytest.approx(local, rel=1e-6)


def test_fit_on_saved_datasets_reads_them_bounded(spark_run):
    results, _ = spark_run
    assert "zz-hostile.bin" in results["fit_path_hostile"] and "invalid ND4J array" in results["fit_path_hostile"]
    assert results["fit_path_changed"] > 0.01 and np.isfinite(results["fit_path_score"])


def test_transfer_job_on_spark_gives_the_local_result(spark_run):
    results, arrays = spark_run
    # features equal, so the head trains the same: same losses, same test result, same saved files
    assert results["job_spark_counts"]["featurized"] > 0 and results["job_spark_counts"]["cache_hits"] == 0
    np.testing.assert_allclose(results["job_spark_losses"], results["job_local_losses"], rtol=1e-4)
    np.testing.assert_array_equal(arrays["job_spark_confusion"], arrays["job_local_confusion"])
    assert results["job_spark_accuracy"] == results["job_local_accuracy"]
    assert results["job_spark_skipped"] == results["job_local_skipped"]
    assert any(p.endswith("broken.jpg") for p in results["job_spark_skipped"])
    assert results["job_spark_model_entries"] == results["job_local_model_entries"]
