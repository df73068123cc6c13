"""Shared pytest fixtures. The engine's JVM can start only once per process, so it is session-scoped."""

import pytest


@pytest.fixture(scope="session")
def jvm():
    """The started bridge module (``pydl4j_transfer.jvm``); fails, not skips, when the engine jar is missing."""
    from pydl4j_transfer import jvm as bridge

    bridge.start_jvm()
    return bridge


@pytest.fixture(scope="session")
def nd4j(jvm):
    """The engine's ``org.pydl4j.nd.Nd4j`` class."""
    return jvm.java_class("org.pydl4j.nd.Nd4j")


@pytest.fixture(scope="session")
def jlongs(jvm):
    """Makes a Java ``long[]`` (shapes and indices for the engine's ``long...`` methods): ``jlongs(2, 3)``."""
    return lambda *values: jvm.long_array(values)



@pytest.fixture(autouse=True)
def _engine_backend_restored():
    """The engine's backend is process-wide: a test that switches it (an in-process `main([... "--backend",
    "reference"])`, say) must not leave the later tests of this process on another backend. A test that started the
    JVM on the slow reference backend hands back the default one."""
    import os

    from pydl4j_transfer import jvm as bridge

    before = bridge.backend_name() if bridge.is_started() else None
    yield
    if not bridge.is_started():
        return
    now = bridge.backend_name()
    target = before if before is not None else (os.environ.get("PYDL4J_BACKEND") or "cpu")
    if now != target and (before is not None or now == "reference"):
        try:
            bridge.set_backend(target)
        except bridge.EngineSetupError:   # a machine without the native backend stays on what it has
            pass
