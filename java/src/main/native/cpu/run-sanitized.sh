#!/usr/bin/env bash
# run-sanitized.sh ASAN_DIR MAIN_CLASS [ARGS...]: runs a JVM (test classes on the class path) on the sanitized
# libpydl4j_cpu.so that build-sanitized.sh wrote to ASAN_DIR, child JVMs included (they inherit the environment and
# -Dpydl4j.native.dir). libasan comes first in LD_PRELOAD, libstdc++ right after it (ASan resolves __cxa_throw at
# start-up, and java itself does not link libstdc++); the JVM handles SIGSEGV itself. Fails when the program fails
# or when any sanitizer report was written, and prints the reports.
set -uo pipefail
asan_dir=$1; shift
root=$(cd "$(dirname "$0")/../../../../.." && pwd)
reports=$(mktemp -d "${TMPDIR:-/tmp}/pydl4j-asan-XXXXXX")
trap 'rm -rf "$reports"' EXIT
export LD_PRELOAD="$(g++ -print-file-name=libasan.so) $(g++ -print-file-name=libstdc++.so)"
export ASAN_OPTIONS="handle_segv=0:detect_leaks=0:allow_user_segv_handler=1:halt_on_error=1:log_path=$reports/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan"
cp="$root/build/classes/java/main:$root/build/classes/java/test:/usr/share/java/junit4.jar:/usr/share/java/hamcrest-core.jar"
java -Xmx4g -Dpydl4j.native.dir="$asan_dir" -cp "$cp" "$@" 2>&1 | tee "$reports/output"
status=${PIPESTATUS[0]}
# reports go to the log files, except UBSan's inside the ASan runtime, which go to stderr
if compgen -G "$reports/[au]*san.*" > /dev/null || grep -qE "runtime error:|ERROR: AddressSanitizer" "$reports/output"; then
    echo "run-sanitized: sanitizer reports:"; cat "$reports"/[au]*san.* 2>/dev/null
    grep -E -A3 "runtime error:|ERROR: AddressSanitizer" "$reports/output"
    exit 1
fi
echo "run-sanitized: $* - exit status $status, no sanitizer report"
exit $status
