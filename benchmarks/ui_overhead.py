"""Training step time with and without the training UI (goal: within 5%).

The step is the flower job's: a 1280 -> 5 softmax head trained on minibatches of cached features, one Python ->
engine call per step (numpy in, as ``fitting.fit_featurized`` does). "with UI" adds what ``train --ui`` adds: a
``StatsListener`` on the graph writing into an ``InMemoryStatsStorage`` attached to the running ``UIServer``, and
a browser's polling, played by another process that fetches the session's new records every 250 ms (four times as
often as the page). The two modes alternate round by round so that a busy machine disturbs both alike.

Run: .venv/bin/python benchmarks/ui_overhead.py [--steps 400 --rounds 6 --batch 32]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np

from pydl4j_transfer import jvm

POLLER = r"""
import sys, time, urllib.error, urllib.request
base, token, session = sys.argv[1:4]
seen = 0
while True:
    for path in ("/api/sessions", f"/api/sessions/{session}?from={seen}"):
        request = urllib.request.Request(base + path, headers={"X-Pydl4j-Token": token})
        try:
            body = urllib.request.urlopen(request, timeout=10).read()
        except urllib.error.HTTPError as e:    # 404 until the session's first record
            continue
        if "?from=" in path:
            seen = int(body.rsplit(b'"next":', 1)[1].split(b",")[0])
    time.sleep(0.25)
"""


def head(features: int, classes: int):
    j = jvm.java_class
    Activation = j("org.pydl4j.nd.activations.Activation")
    LossFunction = j("org.pydl4j.nd.lossfunctions.LossFunctions$LossFunction")
    conf = (j("org.pydl4j.nn.conf.NeuralNetConfiguration$Builder")().seed(1)
            .updater(j("org.pydl4j.nd.learning.config.Adam")(1e-3)).graphBuilder().addInputs("in")
            .addLayer("fc", j("org.pydl4j.nn.conf.layers.OutputLayer$Builder")(LossFunction.MCXENT).nIn(features)
                      .nOut(classes).activation(Activation.SOFTMAX).build(), "in")
            .setOutputs("fc").setInputTypes(j("org.pydl4j.nn.conf.inputs.InputType").feedForward(features))
            .build())
    graph = j("org.pydl4j.nn.graph.ComputationGraph")(conf)
    graph.init()
    return graph


def steps(graph, x, y, batch: int, n: int) -> list[float]:
    INDArray = jvm.java_class("org.pydl4j.nd.INDArray")
    import jpype

    times = []
    for i in range(n):
        rows = slice((i * batch) % (len(x) - batch), (i * batch) % (len(x) - batch) + batch)
        t0 = time.perf_counter()
        xi, yi = jvm.to_indarray(x[rows]), jvm.to_indarray(y[rows])
        graph.fit(jpype.JArray(INDArray)([xi]), jpype.JArray(INDArray)([yi]))
        xi.close()
        yi.close()
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--features", type=int, default=1280)
    args = parser.parse_args()
    load_before = os.getloadavg()
    jvm.start_jvm()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4096, args.features)).astype(np.float32)
    y = np.eye(5, dtype=np.float32)[rng.integers(0, 5, 4096)]
    graph = head(args.features, 5)
    from pydl4j_transfer.training_ui import TrainingUI

    ui = TrainingUI.start("ui-overhead", port=0, announce=False)
    listener = ui.listener()
    ArrayList = jvm.java_class("java.util.ArrayList")
    for attach in (False, True, False):      # warm-up of both paths: JIT, memory pool
        if attach:
            graph.addListeners(listener)
        steps(graph, x, y, args.batch, 300)
        graph.setListeners(ArrayList())
    base, token = ui.url.split("/?token=")
    poller = subprocess.Popen([sys.executable, "-c", POLLER, base, token, ui.session])
    medians = {"without UI": [], "with UI": []}
    try:
        for r in range(args.rounds):
            for mode in (("without UI", "with UI") if r % 2 == 0 else ("with UI", "without UI")):
                if mode == "with UI":
                    graph.addListeners(listener)
                medians[mode].append(statistics.median(steps(graph, x, y, args.batch, args.steps)))
                graph.setListeners(ArrayList())
    finally:
        poller.terminate()
        poller.wait()
    off, on = statistics.median(medians["without UI"]), statistics.median(medians["with UI"])
    records = int(ui.storage.getNumUpdateRecordsFor(ui.session))
    print(f"step: {args.batch} x {args.features} features -> 5 classes, {args.steps} steps x {args.rounds} rounds "
          f"per mode, backend {jvm.backend_name()}; {records} UI records written")
    print(f"median step without UI {off * 1e3:.3f} ms, with UI {on * 1e3:.3f} ms: "
          f"{(on / off - 1) * 100:+.1f}% (goal within 5%)")
    print("per-round medians (ms): " + "; ".join(f"{k}: " + ", ".join(f"{v * 1e3:.3f}" for v in vs)
                                                 for k, vs in medians.items()))
    print(f"load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")


if __name__ == "__main__":
    main()
