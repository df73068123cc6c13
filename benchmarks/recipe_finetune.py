"""The ``finetune`` recipe on the shared flowers, end to end, through the command line a user runs:

    .venv/bin/python benchmarks/recipe_finetune.py                       # make test-slow runs this
    .venv/bin/python benchmarks/recipe_finetune.py --min-accuracy 0.95 --max-minutes 30

runs ``pydl4j-transfer train --recipe finetune --tta --data FLOWERS --out RUN`` (features cached in
``$PYDL4J_HOME/features``: the first run featurizes, a second one reads them), then ``pydl4j-transfer evaluate --test-split`` on the saved model, and prints one JSON line:
``{"accuracy", "evaluate_accuracy", "minutes", "recipe_settings", "phases", "timings", "load_avg_before",
"load_avg_after", ...}`` (``evaluate_accuracy``: the saved model without flip averaging). It exits 1
when the test accuracy is below ``--min-accuracy`` or the run took longer than ``--max-minutes`` (0: no limit;
on a machine shared with other work the time says more about the load than about the recipe, hence the load
averages beside it). Everything chosen in the run is chosen on the validation split.
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
sys.path.insert(0, str(REPO))

from pydl4j_transfer import engine  # noqa: E402


def flowers() -> Path:
    env = os.environ.get("FLOWERS_DIR")
    return Path(env) if env else REPO.parent / "shared" / "datasets" / "flower_photos"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=flowers())
    ap.add_argument("--out", type=Path, default=None, help="run folder (default: a temporary one)")
    ap.add_argument("--min-accuracy", type=float, default=0.95)
    ap.add_argument("--max-minutes", type=float, default=0.0)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pydl4j-recipe-") as tmp:
        out = args.out or Path(tmp) / "run"
        env = dict(os.environ)
        load_before = os.getloadavg()
        t0 = time.perf_counter()
        train = [sys.executable, "-m", "pydl4j_transfer", "train", "--recipe", "finetune", "--tta", "--no-progress",
                 "--data", str(args.data), "--out", str(out), "--overwrite"]
        subprocess.run(train, check=True, env=env)
        minutes = (time.perf_counter() - t0) / 60
        metrics = json.loads((out / "metrics.json").read_text())
        evaluate = subprocess.run([sys.executable, "-m", "pydl4j_transfer", "evaluate", "--model", str(out / "model.zip"),
                                   "--data", str(args.data), "--test-split", "--json", "--no-progress"],
                                  check=True, env=env, capture_output=True, text=True)
        report = json.loads(evaluate.stdout)
        extra = engine.read_meta(out / "model.zip").extra   # what the recipe chose, on validation
    result = {"accuracy": metrics["accuracy"], "evaluate_accuracy": report["accuracy"], "test_images": report["n_images"],
              "minutes": round(minutes, 2), "counts": metrics["counts"], "model": metrics["settings"]["model"],
              "image_size": metrics["settings"]["image_size"], "recipe_settings": extra.get("recipe_settings"),
              "phases": extra.get("phases"), "timings": metrics["timings"],
              "load_avg_before": [round(v, 2) for v in load_before],
              "load_avg_after": [round(v, 2) for v in os.getloadavg()]}
    print(json.dumps(result))
    ok = metrics["accuracy"] >= args.min_accuracy and (not args.max_minutes or minutes <= args.max_minutes)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
