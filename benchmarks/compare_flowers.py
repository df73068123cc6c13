"""The README's comparison: ``pydl4j-transfer compare`` on the shared flowers (the three EfficientNet-Lite models,
VGG-16 and ResNet-50 with the head recipe, Lite0 also from scratch), then a separate ``evaluate --test-split`` of every
saved model, which must agree with compare.json. Prints one JSON line: rows, minutes, load average before and after.

    .venv/bin/python benchmarks/compare_flowers.py --min-accuracy 0.85                    # part of make test-slow
    # the README's two tables: the networks on all training images, then transfer vs scratch on 10% of them
    .venv/bin/python benchmarks/compare_flowers.py --out runs/compare-flowers --scratch '' --train-fraction 1.0 \
        --epochs 20
    .venv/bin/python benchmarks/compare_flowers.py --out runs/compare-scratch \
        --models efficientnet-lite0,efficientnet-lite1,efficientnet-lite2 --train-fraction 0.1 --epochs 8 \
        --batch-size 16

The flowers: ``FLOWERS_DIR``, else ``../shared/datasets/flower_photos`` (as the demo finds them).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MODELS = "efficientnet-lite0,efficientnet-lite1,efficientnet-lite2,vgg16,resnet50"


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default=str(REPO / "build" / "compare-flowers"))
    p.add_argument("--models", default=MODELS)
    p.add_argument("--scratch", default="efficientnet-lite0", help="models also trained from scratch ('' none)")
    p.add_argument("--epochs", default="10")
    p.add_argument("--train-fraction", default="0.1,1.0")
    p.add_argument("--batch-size", default="32")
    p.add_argument("--min-accuracy", type=float, default=None,
                   help="fail unless the best pretrained row reaches this test accuracy")
    a = p.parse_args()
    sys.path.insert(0, str(REPO))
    from pydl4j_transfer.flowers import locate_flowers

    data = locate_flowers(progress=False)
    python = [sys.executable, "-m", "pydl4j_transfer"]
    before, t0 = _load(), time.time()
    scratch = ["--scratch", a.scratch] if a.scratch else []
    subprocess.run(python + ["compare", "--data", str(data), "--models", a.models, *scratch, "--epochs", a.epochs,
                             "--batch-size", a.batch_size, "--train-fraction", a.train_fraction, "--out", a.out,
                             "--overwrite"], check=True)
    minutes = (time.time() - t0) / 60
    table = json.loads((Path(a.out) / "compare.json").read_text())
    for row in (r for r in table["rows"] if r["status"] == "ok"):
        report = json.loads(subprocess.run(
            python + ["evaluate", "--model", str(Path(a.out) / row["run_dir"] / "model.zip"), "--data", str(data),
                      "--test-split", "--json", "--no-progress"], check=True, capture_output=True, text=True).stdout)
        if abs(report["accuracy"] - row["test_accuracy"]) > 1e-9 or report["n_images"] != row["n_test"]:
            raise SystemExit(f"{row['run_dir']}: evaluate says {report['accuracy']} on {report['n_images']} images, "
                             f"compare.json {row['test_accuracy']} on {row['n_test']}")
    rows = [{k: r[k] for k in ("rank", "model", "init", "train_fraction", "status", "validation_accuracy",
                               "test_accuracy", "latency_p50_ms", "train_s")} for r in table["rows"]]
    print(json.dumps({"rows": rows, "minutes": round(minutes, 1), "load_before": before, "load_after": _load(),
                      "out": a.out, "evaluate_agrees": True}))
    best = max((r["test_accuracy"] for r in table["rows"] if r["status"] == "ok" and r["init"] == "pretrained"),
               default=0.0)
    if a.min_accuracy is not None and best < a.min_accuracy:
        print(f"best pretrained test accuracy {best:.4f} < {a.min_accuracy}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
