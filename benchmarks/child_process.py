"""Runs one side of a benchmark in its own process (so that ``ru_maxrss`` is that side's peak memory) with a fixed
thread count, and reads back the ``RESULT {json}`` line it prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def run_child(script: str, argv: list[str], threads: int, label: str, extra_env: dict | None = None) -> dict:
    env = dict(os.environ)
    env.update(OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    env.update(extra_env or {})
    p = subprocess.run([sys.executable, script, "--child", "--threads", str(threads), *argv], env=env,
                       capture_output=True, text=True)
    for line in p.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    sys.stderr.write(p.stdout[-4000:] + p.stderr[-4000:])
    raise SystemExit(f"{os.path.basename(script)}: the {label} run failed (exit {p.returncode})")


def print_result_line(result: dict, load_before: tuple) -> None:
    """Prints a benchmark's closing JSON line, with the load average before and after the run."""
    result["load_avg"] = [round(v, 2) for v in os.getloadavg()]
    result["load_avg_before"] = [round(v, 2) for v in load_before]
    print(json.dumps(result))
