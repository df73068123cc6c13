# pydl4j-transfer: shared set-up and entry points.
#   make setup  - system packages, .venv, editable install, the engine jar (idempotent, seconds when done)
#   make demo   - set-up, then the demo job
#   make test   - set-up, then JUnit (gradle) and pytest
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
APT_PKGS := openjdk-17-jdk-headless gradle libdnnl-dev libopenblas-dev junit4 g++
JAR := build/libs/pydl4j-transfer-0.1.0.jar
JAVA_INPUTS := $(shell find java/src/main -type f 2>/dev/null) build.gradle settings.gradle

.PHONY: setup apt venv pip cuda-deps jar demo test test-java test-python test-slow clean

setup: apt pip cuda-deps jar

# (a) Debian packages: dpkg-query first, apt-get update/install only when one is missing.
apt:
	@missing=""; \
	for p in $(APT_PKGS); do \
	  dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null | grep -q '^install ok installed$$' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "setup: installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO="sudo"; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing < /dev/null; \
	fi

# (b) the virtualenv, made with the machine's python3 (3.10 or newer).
venv: $(VENV)/pyvenv.cfg

$(VENV)/pyvenv.cfg:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "setup: $(PYTHON) is " + sys.version.split()[0] + ", need 3.10+")'
	$(PYTHON) -m venv $(VENV)
	@touch $@

# (c) editable install with the test extras, redone only when pyproject.toml (or the venv) changed.
pip: $(STAMPS)/pip

$(STAMPS)/pip: pyproject.toml $(VENV)/pyvenv.cfg
	@mkdir -p $(STAMPS)
	$(PY) -m pip install -q -e '.[test]'
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
	$(GRADLE) $(GRADLE_FLAGS) -q jar
	@touch $@

# The flower job: FLOWERS_DIR, else ../shared/datasets/flower_photos, else TensorFlow's archive (checksummed).
demo: setup
	$(PY) -m pydl4j_transfer demo --out runs/flowers

# Both suites always run; the target fails if either failed.
test: setup
	@status=0; \
	$(MAKE) --no-print-directory test-java || status=1; \
	$(MAKE) --no-print-directory test-python || status=1; \
	exit $$status

test-java:
	$(GRADLE) $(GRADLE_FLAGS) test

test-python:
	$(PY) -m pytest -q tests

# Full-size checks kept out of `make test` (minutes, GBs of memory).
test-slow: setup
	PYDL4J_SLOW=1 PYDL4J_HEAP=8g $(PY) -m pytest -q tests/test_onnx_full_size.py

clean:
	-$(GRADLE) $(GRADLE_FLAGS) -q clean
	rm -rf build $(VENV) $(STAMPS) .pytest_cache .hypothesis *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
