"""Test-only code shared by the suites and the benchmarks (``sys.path`` gets ``tests/``): writers of hostile or
foreign files and the numpy reference networks. Not part of the installed package."""
