#!/usr/bin/env bash
# Builds an AddressSanitizer + UndefinedBehaviorSanitizer variant of libpydl4j_cpu.so into its own folder
# (default build/native-asan/linux-x86_64), never over the normal build. It links the system oneDNN/OpenBLAS
# (no bundle list), so NativeLoader loads it alone from -Dpydl4j.native.dir. Run JVMs on it with run-sanitized.sh
# (`make test-asan`): libasan and libstdc++ preloaded, ASAN_OPTIONS that leave SIGSEGV to the JVM.
set -euo pipefail
root=$(cd "$(dirname "$0")/../../../../.." && pwd)
out=${1:-$root/build/native-asan/linux-x86_64}
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
mkdir -p "$out"
tmp=$(mktemp "$out/.libpydl4j_cpu.so.XXXXXX")
trap 'rm -f "$tmp"' EXIT
g++ -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined \
    -march=x86-64-v3 -fopenmp -shared -fPIC -std=c++17 -Wall \
    -I"$root/java/src/main/native/common" -I"$java_home/include" -I"$java_home/include/linux" \
    "$root"/java/src/main/native/cpu/*.cpp "$root"/java/src/main/native/common/*.cpp \
    -o "$tmp" -ldnnl -lopenblas
chmod 755 "$tmp"
mv -f "$tmp" "$out/libpydl4j_cpu.so"   # a new file (rename): a JVM that has the old one mapped keeps it intact
echo "sanitized library: $out/libpydl4j_cpu.so"
