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
