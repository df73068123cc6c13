"""pydl4j-transfer: transfer learning for image classification on a DL4J-style JVM engine, driven from Python.

The engine (package ``org.pydl4j`` in the jar) is started lazily through JPype by :func:`start_jvm`;
:func:`to_indarray` and :func:`to_numpy` move arrays between numpy and ``INDArray``. Importing this package does
not start the JVM (nor import JPype or numpy): the names below are loaded on first use.
"""

__version__ = "0.1.0"

_BRIDGE = (
    "EngineSetupError",
    "backend_name",
    "find_jar",
    "is_started",
    "java_class",
    "long_array",
    "set_backend",
    "start_jvm",
    "to_indarray",
    "to_numpy",
)

_JOB = ("TransferJob", "JobResult", "Classifier", "JobConfig", "JobConfigError", "TrainingHooks")

_COMPARE = ("compare", "CompareTable")

__all__ = ["__version__", *_BRIDGE, *_JOB, *_COMPARE]


def __getattr__(name):
    if name in _BRIDGE:
        from . import jvm

        return getattr(jvm, name)
    if name in _JOB:
        from . import job

        return getattr(job, name)
    if name in _COMPARE:
        from . import comparison

        return getattr(comparison, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_BRIDGE) | set(_JOB) | set(_COMPARE))
