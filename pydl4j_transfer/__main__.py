"""``python -m pydl4j_transfer``: the command line (see :mod:`pydl4j_transfer.cli`)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
