"""The Maven artifact as a Java team uses it: `publishToMavenLocal` (what `make dist` runs) writes
org.pydl4j:pydl4j-transfer with POM, sources and javadoc; examples/java-gradle builds against that repository and
runs the DL4J lesson for one epoch on a few flower photos, its EfficientNet-Lite0 weights from a cache this test
fills first (nothing downloads). The README's Java section is that very file."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from pydl4j_transfer import flowers
from pydl4j_transfer.jvm import REPO_ROOT
from pydl4j_transfer.weights import efficientnet_lite_pth

EXAMPLE = REPO_ROOT / "examples" / "java-gradle"
MAIN = EXAMPLE / "src" / "main" / "java" / "example" / "Main.java"
VERSION = re.search(r"^version = '([^']+)'", (REPO_ROOT / "build.gradle").read_text(), re.M).group(1)


def gradle(*args, cwd=REPO_ROOT, timeout=600):
    r = subprocess.run(["gradle", "--offline", "-q", *map(str, args)], cwd=cwd, capture_output=True, text=True,
                       timeout=timeout)
    assert r.returncode == 0, f"gradle {args} exited {r.returncode}\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    return r.stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = tmp_path_factory.mktemp("maven") / "repo"
    gradle("publishToMavenLocal", f"-Dmaven.repo.local={repo}")
    return repo


def test_published_artifact_has_pom_sources_javadoc_and_manifest(repo):
    folder = repo / "org" / "pydl4j" / "pydl4j-transfer" / VERSION
    base = f"pydl4j-transfer-{VERSION}"
    pom = (folder / f"{base}.pom").read_text()
    for tag in ("<name>pydl4j-transfer</name>", "<description>", "<licenses>", "<scm>", "<scope>test</scope>"):
        assert tag in pom, pom
    with zipfile.ZipFile(folder / f"{base}.jar") as z:
        manifest = z.read("META-INF/MANIFEST.MF").decode()
        assert f"Implementation-Version: {VERSION}" in manifest and "Automatic-Module-Name: org.pydl4j" in manifest
        assert "Implementation-Title: pydl4j-transfer" in manifest
        bundle = z.read("native/linux-x86_64/libpydl4j_cpu.so.bundle").decode().split()
        assert any(n.startswith("libdnnl-") for n in bundle) and any(n.startswith("libopenblas-") for n in bundle)
        assert any(n.startswith("native/linux-x86_64/licenses/") for n in z.namelist())
    with zipfile.ZipFile(folder / f"{base}-sources.jar") as z:
        assert "org/pydl4j/nn/transferlearning/TransferLearning.java" in z.namelist()
    with zipfile.ZipFile(folder / f"{base}-javadoc.jar") as z:
        page = z.read("org/pydl4j/zoo/model/EfficientNetLite.html").decode()
        assert "initPretrained" in page


def test_example_project_runs_one_epoch_against_the_published_repository(repo, tmp_path):
    home = tmp_path / "home"
    (home / "models").mkdir(parents=True)
    pth = efficientnet_lite_pth("efficientnet-lite0")
    shutil.copyfile(pth, home / "models" / pth.name)   # the cache, filled first: nothing downloads
    src = flowers.locate_flowers(download=False)
    data = tmp_path / "flowers"
    for label in ("daisy", "roses", "tulips"):
        (data / label).mkdir(parents=True)
        for f in sorted((src / label).glob("*.jpg"))[:10]:
            shutil.copyfile(f, data / label / f.name)
    out = gradle("-p", EXAMPLE, "run", f"-PpydlRepo={repo}", f"-Pflowers={data}", "-Pepochs=1",
                 f"-Ppydl4jHome={home}", "--project-cache-dir", tmp_path / "gradle-cache")
    assert "EfficientNet-Lite0 after 1 epoch(s)" in out, out
    assert re.search(r"# of classes:\s+3", out) and re.search(r"Accuracy:\s+[01]\.\d+", out), out
    assert "daisy" in out and "tulips" in out, out
    assert sorted(p.name for p in (home / "models").iterdir()) == [pth.name]


def test_readme_java_section_is_the_example_file():
    readme = (REPO_ROOT / "README.md").read_text()
    m = re.search(r"<!-- include: examples/java-gradle/src/main/java/example/Main.java -->\n```java\n(.*?)```\n"
                  r"<!-- /include -->", readme, re.S)
    assert m, "README.md lacks the marked Main.java block"
    assert m.group(1) == MAIN.read_text(), "README.md's Java example differs from examples/java-gradle: " \
                                           "run `python packaging/sync_readme.py`"
