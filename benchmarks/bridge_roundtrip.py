"""Times numpy <-> INDArray transfers through the JPype bridge on a 16x3x224x224 float32 batch.

Run: .venv/bin/python benchmarks/bridge_roundtrip.py   (prints median and best of N runs, milliseconds)
"""

import statistics
import time

import numpy as np

from pydl4j_transfer import jvm


def timed(fn, n):
    fn()
    runs = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(runs), min(runs)


def main(n=30):
    jvm.start_jvm()
    x = np.random.default_rng(0).random((16, 3, 224, 224), dtype=np.float32)
    ia = jvm.to_indarray(x)
    target = jvm.to_numpy(jvm.to_indarray(x))
    cases = {
        "to_numpy (zero-copy view)": lambda: jvm.to_numpy(ia),
        "to_numpy(copy=True)": lambda: jvm.to_numpy(ia, copy=True),
        "to_indarray(copy=False) (zero-copy wrap)": lambda: jvm.to_indarray(x, copy=False),
        "to_indarray (copy, new Java array)": lambda: jvm.to_indarray(x),
        "  of which: memcpy into an existing INDArray": lambda: np.copyto(target, x),
        "  numpy baseline: x.copy()": lambda: x.copy(),
    }
    print(f"array {x.shape} float32, {x.nbytes / 2**20:.1f} MiB, {n} runs, backend {jvm.backend_name()}")
    for name, fn in cases.items():
        med, best = timed(fn, n)
        print(f"{name:45s} median {med:8.3f} ms   best {best:8.3f} ms")


if __name__ == "__main__":
    main()
