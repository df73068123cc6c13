// Native calls versus process exit (issue 11). exit() - System.exit, SIGTERM from a time limit, the end of main -
// runs static destructors and the libraries' finalizers (oneDNN's, OpenBLAS's) while other Java threads may still be
// inside a native op: the op then used a freed oneDNN stream (a call through its vtable after a primitive finished)
// and crashed the JVM. Two defences: our own globals never die (common.cpp, Cache, the live-program registry), and
// a JVM shutdown hook (CpuShutdownGate.java) closes this gate before exit() runs: it refuses new calls and waits for
// the ones in flight, so no native op runs while the libraries are torn down.
#include "common.h"

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace pydl4j {
namespace {
// Sequentially consistent: a call either sees closing_ set, or quiesce sees the call counted (Dekker).
std::atomic<long> in_flight_{0};
std::atomic<bool> closing_{false};
}  // namespace

NativeCall::NativeCall() {
    in_flight_.fetch_add(1);
    if (closing_.load()) {
        in_flight_.fetch_sub(1);
        throw std::runtime_error("the JVM is shutting down; native calls are closed");
    }
}

NativeCall::~NativeCall() { in_flight_.fetch_sub(1); }

}  // namespace pydl4j

extern "C" {

// Closes the gate and waits up to timeout_ms for the calls in flight; true when none is left.
JNIEXPORT jboolean JNICALL Java_org_pydl4j_nd_backend_cpu_CpuNative_quiesce(JNIEnv*, jclass, jlong timeout_ms) {
    using namespace std::chrono;
    pydl4j::closing_.store(true);
    auto deadline = steady_clock::now() + milliseconds(timeout_ms);
    while (pydl4j::in_flight_.load() > 0) {
        if (steady_clock::now() >= deadline) return JNI_FALSE;
        std::this_thread::sleep_for(milliseconds(1));
    }
    return JNI_TRUE;
}

}  // extern "C"
