"""``python tests/cli_with_hooks.py ARGS``: the command line with the fault of ``PYDL4J_CHECKPOINT_FAULT`` (see
fault_hooks.py) as the training job's hooks. Not a test module."""

import sys

from fault_hooks import Fault

from pydl4j_transfer.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], hooks=Fault.from_env()))
