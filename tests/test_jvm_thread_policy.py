"""The bridge starts the engine with OpenMP workers that spin briefly and then sleep (GOMP_SPINCOUNT=2000) unless the
user chose a policy: long spins lose whole time slices on shared cores, sleeping at once costs a wake-up per kernel
(benchmarks/README.md, "OpenMP wait policy")."""

import os
import subprocess
import sys

SCRIPT = ("import os; from pydl4j_transfer import jvm; jvm.start_jvm(); "
          "print(os.environ.get('OMP_WAIT_POLICY', '-'), os.environ.get('GOMP_SPINCOUNT', '-'))")


def run(env_extra):
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    env.update(env_extra)
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.split()[-2:]


def test_short_spin_by_default_and_the_users_choice_wins():
    assert run({}) == ["-", "2000"]
    assert run({"OMP_WAIT_POLICY": "PASSIVE"}) == ["PASSIVE", "-"]
    assert run({"GOMP_SPINCOUNT": "0"}) == ["-", "0"]
