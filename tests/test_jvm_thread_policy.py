"""The bridge starts the engine with OpenMP workers that sleep at barriers (OMP_WAIT_POLICY=PASSIVE) unless the user
chose a policy: spinning workers lose whole time slices on shared cores (benchmarks/README.md)."""

import os
import subprocess
import sys

SCRIPT = "import os; from pydl4j_transfer import jvm; jvm.start_jvm(); print(os.environ['OMP_WAIT_POLICY'])"


def run(env_extra):
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    env.update(env_extra)
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.split()


def test_passive_by_default_and_the_users_choice_wins():
    assert run({})[0] == "PASSIVE"
    assert run({"OMP_WAIT_POLICY": "ACTIVE"})[0] == "ACTIVE"
