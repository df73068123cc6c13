"""The Spark driver inside the engine's JVM: class path, JDK 17 flags, environment and the context itself."""

from __future__ import annotations

import os
import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from .. import jvm

#: JDK 17+ module openings Spark needs in the driver (what spark-submit's launcher adds by itself).
JDK17_OPTIONS = ("-XX:+IgnoreUnrecognizedVMOptions", "-Djdk.reflect.useDirectMethodHandle=false",
                 "-Dio.netty.tryReflectionSetAccessible=true") + tuple(
    f"--add-opens=java.base/{package}=ALL-UNNAMED"
    for package in ("java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio",
                    "java.util", "java.util.concurrent", "java.util.concurrent.atomic", "jdk.internal.ref",
                    "sun.nio.ch", "sun.nio.cs", "sun.security.action", "sun.util.calendar"))
#: Master URLs Spark accepts (checked here so a typo is a one-line error, not a Scala stack trace).
_MASTER = re.compile(r"^(local(\[(\*|\d+)(,\d+)?\])?|local-cluster\[\d+,\d+,\d+\]|spark://\S+|yarn|k8s://\S+|mesos://\S+)$")
_LOCK = threading.Lock()
_DRIVER: "SparkDriver | None" = None


class SparkSetupError(RuntimeError):
    """Spark cannot be used here (pyspark missing, the Spark jar not built, the JVM started without Spark)."""


def check_master(master: str) -> str:
    """``master`` if it is a Spark master URL, else ValueError naming it."""
    if not isinstance(master, str) or not _MASTER.match(master.strip()):
        raise ValueError(f"spark: {master!r} is not a Spark master URL (local[N], local-cluster[W,C,MB], "
                         "spark://host:port, yarn, k8s://https://host:port)")
    return master.strip()


def spark_home() -> Path:
    """``$SPARK_HOME``, else the installed pyspark package (it ships ``jars/`` and ``bin/``)."""
    env = os.environ.get("SPARK_HOME")
    if env:
        home = Path(env).expanduser()
        if not (home / "jars").is_dir():
            raise SparkSetupError(f"SPARK_HOME={env} has no jars/ folder")
        return home
    try:
        import pyspark
    except ImportError:
        raise SparkSetupError("Spark is not installed: pip install 'pydl4j-transfer[spark]' (PyPI's pyspark 4.x), "
                              "or set SPARK_HOME to a Spark 4 installation") from None
    return Path(pyspark.__file__).resolve().parent


def spark_module_jar() -> Path:
    """The ``pydl4j-transfer-spark`` jar: ``$PYDL4J_SPARK_JAR``, the installed package's, or the checkout's build."""
    if os.environ.get("PYDL4J_SPARK_JAR"):
        return _file_from_env("PYDL4J_SPARK_JAR")
    engine_jar = jvm.find_jar()
    candidates = sorted(engine_jar.parent.glob("pydl4j-transfer-spark-*.jar"))
    candidates += sorted((jvm.REPO_ROOT / "build" / "spark" / "libs").glob("pydl4j-transfer-spark-*.jar"))
    candidates = [c for c in candidates if not c.name.endswith(("-sources.jar", "-javadoc.jar"))]
    if not candidates:
        raise SparkSetupError("the pydl4j-transfer-spark jar is not built: run `make setup` (with pyspark "
                              "installed) or set PYDL4J_SPARK_JAR")
    return candidates[0].resolve()


def _file_from_env(name: str) -> Path:
    path = Path(os.environ[name]).expanduser()
    if not path.is_file():
        raise SparkSetupError(f"{name}={os.environ[name]} is not a file")
    return path.resolve()


def _scala_version(home: Path) -> str:
    for jar in (home / "jars").glob("spark-core_*.jar"):
        m = re.match(r"spark-core_(\d+\.\d+)-", jar.name)
        if m:
            return m.group(1)
    raise SparkSetupError(f"{home / 'jars'} holds no spark-core jar")


def prepare_jvm() -> None:
    """Starts the engine's JVM as a Spark driver (Spark's jars, JDK 17 flags); an error if it already runs
    without them (JPype cannot restart a JVM)."""
    home = spark_home()
    os.environ["SPARK_HOME"] = str(home)
    # Spark's launcher (the standalone/local-cluster worker builds executor command lines with it) reads these
    os.environ.setdefault("SPARK_SCALA_VERSION", _scala_version(home))
    jars = tuple(str(p) for p in sorted((home / "jars").glob("*.jar")))
    module = spark_module_jar()
    if jvm.is_started():
        import jpype

        try:
            jpype.JClass("org.apache.spark.api.java.JavaSparkContext")
            jpype.JClass("org.pydl4j.spark.util.SparkContexts")
        except Exception:   # noqa: BLE001 - JPype raises its own TypeError/ImportError variants
            raise SparkSetupError("the engine's JVM was started without Spark's jars; use spark= (or "
                                  "pydl4j_transfer.spark.start) before anything else starts the engine") from None
        return
    jvm.start_jvm(extra_options=JDK17_OPTIONS, extra_classpath=(str(module),) + jars)


def default_settings(master: str) -> dict[str, str]:
    """Settings a context gets unless given: the executors' decoder runs this Python; 1 OpenMP thread per core."""
    settings = {
        "spark.ui.enabled": "false",
        "spark.executorEnv.OMP_NUM_THREADS": "1",
        "spark.executorEnv.OMP_WAIT_POLICY": "PASSIVE",
        "spark.pydl4j.python": os.environ.get("PYSPARK_PYTHON") or sys.executable,
    }
    if os.environ.get("PYDL4J_HOME"):   # where executors extract the native library (once per executor)
        settings["spark.executorEnv.PYDL4J_HOME"] = os.environ["PYDL4J_HOME"]
    return settings


def defaults_file_settings() -> dict[str, str]:
    """``spark-defaults.conf`` of ``$SPARK_CONF_DIR`` or ``$SPARK_HOME/conf``, read as spark-submit reads it (a cluster's
    ``spark.archives``, ``spark.pydl4j.python``, ... apply to the engine's driver too)."""
    folder = os.environ.get("SPARK_CONF_DIR") or (os.path.join(os.environ["SPARK_HOME"], "conf")
                                                  if os.environ.get("SPARK_HOME") else None)
    path = Path(folder) / "spark-defaults.conf" if folder else None
    if path is None or not path.is_file():
        return {}
    settings = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        # "key value" (whitespace) or "key=value", as Java properties files allow
        key, value = (line.split("=", 1) if re.match(r"^[^\s=]+=", line) else (line.split(None, 1) + [""])[:2])
        if key.startswith("spark."):
            settings[key.strip()] = value.strip()
    return settings


@dataclass
class SparkDriver:
    """A running Spark context in the engine's JVM (``jsc``: the ``JavaSparkContext``)."""

    master: str
    jsc: object
    settings: dict

    @property
    def python(self) -> str:
        """The Python executable the executors' decoders run (``spark.pydl4j.python``)."""
        return str(self.jsc.getConf().get("spark.pydl4j.python", sys.executable))

    def default_parallelism(self) -> int:
        return int(self.jsc.defaultParallelism())

    def stop(self) -> None:
        global _DRIVER
        with _LOCK:
            self.jsc.stop()
            if _DRIVER is self:
                _DRIVER = None


def start(master: str, *, settings: dict | None = None, app_name: str = "pydl4j-transfer") -> SparkDriver:
    """The process's Spark context for ``master`` (made once; a second call with the same master returns it)."""
    global _DRIVER
    master = check_master(master)
    with _LOCK:
        if _DRIVER is not None:
            if _DRIVER.master != master:
                raise SparkSetupError(f"a Spark context for {_DRIVER.master} runs in this process; stop it before "
                                      f"starting one for {master}")
            return _DRIVER
        if master.startswith("local") and "SPARK_LOCAL_IP" not in os.environ:
            os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"   # a local cluster talks over loopback only
        prepare_jvm()
        import jpype

        merged = {**default_settings(master), **defaults_file_settings(), **(settings or {})}
        java_map = jpype.JClass("java.util.HashMap")()
        for key, value in merged.items():
            java_map.put(str(key), str(value))
        contexts = jpype.JClass("org.pydl4j.spark.util.SparkContexts")
        try:
            jsc = contexts.create(master, app_name, java_map)
        except jpype.JException as error:
            raise SparkSetupError(f"cannot start Spark for {master}: {error.getMessage()}") from None
        _DRIVER = SparkDriver(master, jsc, merged)
        return _DRIVER
