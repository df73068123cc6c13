# pydl4j-transfer: shared set-up and entry points.
#   make setup  - system packages, .venv, editable install, the engine jar (idempotent, seconds when done)
#   make demo   - set-up, then the demo job
#   make test   - set-up, then JUnit (gradle) and pytest
#   make dist   - the wheel (engine jar inside) and sdist in dist/, the Maven repository build/repo
#   make test-slow - full-size checks too long for make test (the lesson pattern at 224x224, ...)
#   make test-asan - the native library under AddressSanitizer/UBSan with the native-boundary tests (in test-slow)
#   make clean  - remove build outputs, the venv and the stamps
# Stamps under .stamps/ (git-ignored) make a repeat run cheap; gradle runs only when Java/native sources or the
# build files are newer than the jar.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := setup

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
GRADLE ?= gradle
GRADLE_FLAGS ?= --offline
APT_PKGS := openjdk-17-jdk-headless gradle libdnnl-dev libopenblas-dev junit4 g++ patchelf
# the training UI's browser test: Debian's headless Chromium and its driver (tests/ui_support.py)
APT_PKGS += chromium chromium-driver
JAR := build/libs/pydl4j-transfer-0.1.0.jar
JAVA_INPUTS := $(shell find java/src/main spark/src/main -type f 2>/dev/null) build.gradle settings.gradle spark/build.gradle

.PHONY: setup apt venv pip cuda-deps jar wheelhouse dist demo test test-java test-python test-slow bench-setup clean
.PHONY: test-asan

setup: apt pip cuda-deps jar wheelhouse
	@echo "setup: ready: $(JAR) ($$(du -h $(JAR) | cut -f1)), $(VENV) ($$(du -sh $(VENV) | cut -f1)), wheelhouse $(WHEELHOUSE) ($$(du -sh $(WHEELHOUSE) | cut -f1))"

# One line per set-up step: `$(call step_done,WHAT,START)` prints what was done and how long it took.
step_done = echo "setup: $(1) in $$(( $$(date +%s) - $(2) )) s"

# (a) Debian packages: dpkg-query first, apt-get update/install only when one is missing.
apt:
	@missing=""; \
	for p in $(APT_PKGS); do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q '^install ok installed$$' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  t0=$$(date +%s); echo "setup: installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing < /dev/null > /dev/null; \
	  $(call step_done,Debian packages installed,$$t0); \
	else echo "setup: Debian packages: all $(words $(APT_PKGS)) present"; fi

# (b) the virtualenv, made with the machine's python3 (3.10 or newer).
venv: $(VENV)/pyvenv.cfg

$(VENV)/pyvenv.cfg:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "setup: $(PYTHON) is " + sys.version.split()[0] + ", need 3.10+")'
	@t0=$$(date +%s); $(PYTHON) -m venv $(VENV); $(call step_done,virtualenv $(VENV) created,$$t0)
	@touch $@

# (c) editable install with the test extras, redone only when pyproject.toml (or the venv) changed.
pip: $(STAMPS)/pip

$(STAMPS)/pip: pyproject.toml $(VENV)/pyvenv.cfg
	@mkdir -p $(STAMPS)
	@t0=$$(date +%s); echo "setup: pip install -e '.[test]' into $(VENV) (downloads on first run, about 400 MB)"; \
	$(PY) -m pip install -q -e '.[test]'; \
	$(call step_done,Python packages installed ($(VENV) is $$(du -sh $(VENV) | cut -f1)),$$t0)
	@touch $@

# (c2) cuDNN and cuBLAS headers/libraries from NVIDIA's PyPI wheels, for the cuda backend; only where nvcc exists
# (about 1 GB downloaded once; the script skips when they are present). `make setup CUDA=0` leaves them out.
CUDA ?= 1
cuda-deps: | pip
	@if [ "$(CUDA)" = 1 ]; then PYTHON=$(PY) bash java/src/main/native/cuda/install-deps.sh build/cuda-deps; \
	 else echo "setup: CUDA=0, cuda backend dependencies skipped"; fi

# (d) the engine jar (gradle also builds and embeds the native backend when its tasks are wired in).
jar: $(JAR)

$(JAR): $(JAVA_INPUTS) | apt cuda-deps
	@t0=$$(date +%s); echo "setup: gradle jar (Java classes, native library and its bundled oneDNN/OpenBLAS)"; \
	$(GRADLE) $(GRADLE_FLAGS) -q jar; \
	$(call step_done,engine jar $(JAR) built ($$(du -h $(JAR) | cut -f1)),$$t0)
	@touch $@

# (e) the wheels a fresh virtualenv needs to install our wheel offline (the dist test): our dependencies and the
# [jre] extra, downloaded once.
WHEELHOUSE := build/wheelhouse
wheelhouse: $(WHEELHOUSE)/requirements.txt

$(WHEELHOUSE)/requirements.txt: pyproject.toml | pip
	@mkdir -p $(WHEELHOUSE); t0=$$(date +%s); \
	$(PY) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print("\n".join(p["dependencies"] + p["optional-dependencies"]["jre"]))' > $(WHEELHOUSE)/requirements.in; \
	$(PY) -m pip download -q -d $(WHEELHOUSE) -r $(WHEELHOUSE)/requirements.in; \
	mv $(WHEELHOUSE)/requirements.in $@; \
	$(call step_done,wheelhouse $(WHEELHOUSE) filled ($$(du -sh $(WHEELHOUSE) | cut -f1)),$$t0)

# Distributions: dist/*.whl (platform-tagged, the engine jar inside) and the sdist; the Maven repository
# build/repo with org.pydl4j:pydl4j-transfer (jar, POM, sources, javadoc).
dist: setup
	@t0=$$(date +%s); $(PY) packaging/build_dist.py --jar $(JAR) --out dist; \
	$(GRADLE) $(GRADLE_FLAGS) -q publishToMavenLocal -Dmaven.repo.local=$(CURDIR)/build/repo; \
	ls -l dist/ build/repo/org/pydl4j/pydl4j-transfer/*/; \
	echo "dist: done in $$(( $$(date +%s) - $$t0 )) s"


# The flower job: FLOWERS_DIR, else ../shared/datasets/flower_photos, else TensorFlow's archive (checksummed).
demo: setup
	$(PY) -m pydl4j_transfer demo --out runs/flowers

# Both suites always run; the target fails if either failed.
test: setup
	@status=0; \
	$(MAKE) --no-print-directory test-java || status=1; \
	$(MAKE) --no-print-directory test-python || status=1; \
	exit $$status

# Checks too long for `make test` (full-size models, hundreds of iterations); each check is one recipe line.
# Classes come from gradle's testClasses; the native library from the jar build.
SLOW_CP := build/classes/java/main:build/classes/java/test
SLOW_JAVA := java -Xmx6g -Dpydl4j.native.dir=build/native/linux-x86_64 -cp $(SLOW_CP)
test-slow: setup
	$(GRADLE) $(GRADLE_FLAGS) -q testClasses
	$(SLOW_JAVA) org.pydl4j.reliability.LessonPatternSlowCheck 200 5 224
	$(PY) benchmarks/recipe_finetune.py --min-accuracy 0.95 --max-minutes 30
	PYDL4J_SPARK_IMAGE_SIZE=224 $(PY) -m pytest -q tests/test_spark.py
	$(PY) benchmarks/compare_flowers.py --min-accuracy 0.85   # compare on the full flowers, checked against evaluate
	PYDL4J_HEAP=4g $(PY) -m pytest -q tests/slow_onnx_full_size.py   # not test_*: only make test-slow collects it
	$(MAKE) --no-print-directory test-asan

# The native library built with AddressSanitizer + UBSan into build/native-asan (never over the normal build), and
# the native-boundary tests plus a short lesson pattern (Winograd forced onto batch slices) run on it; a sanitizer
# report fails the target. oneDNN's and OpenBLAS's own code is not instrumented: their writes are bounded by the
# buffer-capacity checks at the JNI boundary (NativeBufferBoundsTest). About 5 minutes; make test-slow runs it.
ASAN_DIR := build/native-asan/linux-x86_64
ASAN_RUN := java/src/main/native/cpu/run-sanitized.sh $(ASAN_DIR)
test-asan: setup
	$(GRADLE) $(GRADLE_FLAGS) -q testClasses
	java/src/main/native/cpu/build-sanitized.sh $(ASAN_DIR)
	PYDL4J_WINO_SCRATCH_MB=1 $(ASAN_RUN) org.junit.runner.JUnitCore org.pydl4j.nd.backend.cpu.NativeBufferBoundsTest \
	  org.pydl4j.nd.backend.cpu.CpuNativeErrorsTest org.pydl4j.nn.InferenceFusionTest org.pydl4j.reliability.FusedInferenceSafetyTest \
	  org.pydl4j.reliability.NativeShutdownTest org.pydl4j.nd.backend.CpuParityTest org.pydl4j.nn.graph.TrainingFusionTest
	PYDL4J_WINO_SCRATCH_MB=8 $(ASAN_RUN) org.pydl4j.reliability.LessonPatternSlowCheck 10 3 96

# The competitors the benchmarks measure against (PyTorch CPU, ONNX Runtime): benchmark-only, never dependencies.
bench-setup: setup
	$(PY) -m pip install -q 'torch==2.13.0' onnxruntime

test-java:
	$(GRADLE) $(GRADLE_FLAGS) test

test-python:
	$(PY) -m pytest -q tests

clean:
	-$(GRADLE) $(GRADLE_FLAGS) -q clean
	rm -rf build dist $(VENV) $(STAMPS) .pytest_cache .hypothesis *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
