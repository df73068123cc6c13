#!/usr/bin/env bash
# Builds what a GPU machine without Java needs to run the cuda parity suite and the VGG-16 feature-extractor
# benchmark, small enough to carry (the device tool carries at most 64 MiB):
#   build/jre          a jlink'd Java runtime (modules below; java.desktop is ImageIO for the image pipeline)
#   build/gpu-kit/     classes.jar (main + test classes), junit4 + hamcrest jars, libpydl4j_cuda.so, and
#                      wheels/ (JPype for the Python benchmark)
# Run from the repository root after `gradle --offline jar` (or the javac commands of docs/DEVELOPING.md) and
# with build/native/linux-x86_64/libpydl4j_cuda.so built (compileNativeCuda). Prints the sizes.
set -euo pipefail

MODULES=java.base,java.desktop,java.logging,java.management,jdk.management,jdk.httpserver
OUT_JRE=build/jre
KIT=build/gpu-kit
LIB=build/native/linux-x86_64/libpydl4j_cuda.so

command -v jlink >/dev/null || { echo "make_runtime.sh: jlink not found (install openjdk-17-jdk-headless)"; exit 1; }
rm -rf "$OUT_JRE" "$KIT"
jlink --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress=2 --output "$OUT_JRE"

mkdir -p "$KIT/classes"
find java/src/main/java -name '*.java' > "$KIT/sources.txt"
javac -nowarn -d "$KIT/classes" @"$KIT/sources.txt"
find java/src/test/java -name '*.java' > "$KIT/test-sources.txt"
javac -nowarn -d "$KIT/classes" -cp "$KIT/classes:/usr/share/java/junit4.jar" @"$KIT/test-sources.txt"
jar --create --file "$KIT/classes.jar" -C "$KIT/classes" .
rm -rf "$KIT/classes" "$KIT/sources.txt" "$KIT/test-sources.txt"
cp -L /usr/share/java/junit4.jar /usr/share/java/hamcrest-core.jar "$KIT/"
if [ -f "$LIB" ]; then
    cp "$LIB" "$KIT/"
else
    echo "make_runtime.sh: warning: $LIB not built (run compileNativeCuda with nvcc and build/cuda-deps)"
fi
# JPype wheels for the Python side (benchmarks/featurize.py --backend cuda): the GPU machine has Python, numpy and
# PyTorch but no JPype and no network. One wheel per likely CPython version (~0.5 MB each).
# The newest JPype with a wheel for each Python version (pyproject.toml does not pin it).
mkdir -p "$KIT/wheels"
for py in 3.10 3.11 3.12 3.13; do
    .venv/bin/python -m pip download --quiet --no-deps --only-binary=:all: --python-version "$py" \
        --platform manylinux2014_x86_64 --dest "$KIT/wheels" "JPype1>=1.5" 2>/dev/null \
        || echo "make_runtime.sh: warning: no JPype1 wheel for Python $py"
done
echo "make_runtime.sh: $OUT_JRE $(du -sh "$OUT_JRE" | cut -f1), $KIT $(du -sh "$KIT" | cut -f1)"
