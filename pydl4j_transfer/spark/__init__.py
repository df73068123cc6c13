"""Spark for pydl4j-transfer (the ``[spark]`` extra: PyPI's ``pyspark`` supplies Spark's and Scala's jars).

The engine's own JVM (JPype) is the Spark driver: :func:`start` puts pyspark's jars and the
``pydl4j-transfer-spark`` jar on its class path and makes a ``JavaSparkContext``; executors get the engine from
``spark.jars``. :func:`featurize_paths` featurizes images on the executors with the local decoder (features and
cache keys equal to a local run). Java users have the same classes: ``org.pydl4j.spark.impl.graph.
SparkComputationGraph``, ``...paramavg.ParameterAveragingTrainingMaster``, ``org.pydl4j.spark.transfer.SparkFeaturizer``.
"""

from .session import SparkDriver, SparkSetupError, spark_home, start
from .featurize import featurize_paths

__all__ = ["SparkDriver", "SparkSetupError", "featurize_paths", "spark_home", "start"]
