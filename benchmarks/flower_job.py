"""End-to-end time of the default flower job (``TransferJob(data=flower_photos, model="efficientnet-lite0").run()``),
with a cold feature cache and then a warm one.

    .venv/bin/python benchmarks/flower_job.py                 # cold, then warm
    .venv/bin/python benchmarks/flower_job.py --warm-runs 2 --epochs 20

Each run is a fresh Python process (as a user re-running the job would start one), so the times include starting
the JVM and loading the model. The cold run uses an empty feature cache (a temporary ``cache_dir``); the warm runs
reuse it. The converted ImageNet weights (``$PYDL4J_HOME/models``) are shared with normal use; ``--cold-models``
converts them into a temporary folder as well. Printed per run: the job's own split (hash, setup, decode,
featurize, train, evaluate) and the process wall time. The last line is one JSON object:
``{"model", "images", "cold_s", "warm_s", "cold": {...timings}, "warm": {...}, "accuracy", "load_avg", ...}``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from pydl4j_transfer.job import TransferJob
cfg = json.loads(sys.argv[1])
job = TransferJob(data=cfg["data"], model=cfg["model"], epochs=cfg["epochs"], cache_dir=cfg["cache_dir"],
                  models_dir=cfg["models_dir"], backend=cfg["backend"], progress=False)
r = job.run()
print("RESULT " + json.dumps({"timings": r.timings, "counts": r.counts, "accuracy": r.accuracy,
                              "backend": r.settings.get("backend"), "in_process_s": time.perf_counter() - t0}))
"""


def run_once(cfg: dict) -> dict:
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", CHILD, json.dumps(cfg)], capture_output=True, text=True, cwd=REPO)
    wall = time.perf_counter() - t0
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            r = json.loads(line[len("RESULT "):])
            r["wall_s"] = round(wall, 2)
            return r
    sys.stderr.write(p.stdout[-4000:] + p.stderr[-4000:])
    raise SystemExit(f"flower_job.py: the job failed (exit {p.returncode})")


def show(name: str, r: dict) -> None:
    t = r["timings"]
    split = "  ".join(f"{k} {t[k]:.1f}s" for k in ("hash", "setup", "decode", "featurize", "train", "evaluate") if k in t)
    print(f"{name:6s} wall {r['wall_s']:6.1f} s (job total {t.get('total', 0):.1f} s): {split}; "
          f"featurized {r['counts'].get('featurized')}, cache hits {r['counts'].get('cache_hits')}, "
          f"accuracy {r['accuracy']:.3f}", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", help="flower_photos folder (default: pydl4j_transfer.flowers.locate_flowers)")
    ap.add_argument("--model", default="efficientnet-lite0")
    ap.add_argument("--epochs", type=int, default=None, help="default: the job's default")
    ap.add_argument("--backend", default=None)
    ap.add_argument("--warm-runs", type=int, default=1)
    ap.add_argument("--cold-models", action="store_true", help="also convert the weights into an empty folder")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from pydl4j_transfer.job import DEFAULT_EPOCHS

    if args.data:
        data = Path(args.data)
    else:
        from pydl4j_transfer.flowers import locate_flowers

        data = locate_flowers(download=False, progress=False)
    load_before = os.getloadavg()
    print(f"flower job: {data}, model {args.model}, {os.cpu_count()} CPUs, load average {load_before[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="pydl4j-flowers-") as tmp:
        cfg = {"data": str(data), "model": args.model, "epochs": args.epochs or DEFAULT_EPOCHS,
               "cache_dir": str(Path(tmp) / "features"), "backend": args.backend,
               "models_dir": str(Path(tmp) / "models") if args.cold_models else None}
        cold = run_once(cfg)
        show("cold", cold)
        warm = []
        for i in range(args.warm_runs):
            warm.append(run_once(cfg))
            show(f"warm{i + 1}" if args.warm_runs > 1 else "warm", warm[-1])
    best_warm = min(warm, key=lambda r: r["wall_s"]) if warm else None
    out = {"model": args.model, "backend": cold.get("backend"), "images": cold["counts"].get("images"),
           "epochs": cfg["epochs"], "cold_s": cold["wall_s"], "warm_s": best_warm["wall_s"] if best_warm else None,
           "cold": cold["timings"], "warm": best_warm["timings"] if best_warm else None,
           "accuracy": cold["accuracy"], "cold_models": args.cold_models,
           "load_avg_before": [round(v, 2) for v in load_before], "load_avg": [round(v, 2) for v in os.getloadavg()]}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
