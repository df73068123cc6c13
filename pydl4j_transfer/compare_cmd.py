"""``pydl4j-transfer compare --data DIR --models M1,M2,... --out DIR [--recipe head|finetune] [--scratch [MODELS]]
[--train-fraction F1,F2,...] [job options]``: pretrained networks side by side (size, speed, accuracy) and transfer
against training from scratch (:mod:`pydl4j_transfer.comparison`). Registered in ``cli.py`` by :func:`register`.

The job options are ``train``'s (generated from :class:`~pydl4j_transfer.job_config.JobConfig`), less those compare
sets per row. Every argument is checked before any work: a bad model list, a fraction outside (0, 1], an ``--out``
that is a file, not writable or holds an earlier comparison (without ``--overwrite``) is one error line, exit 2.
"""

from __future__ import annotations

from pathlib import Path

from .comparison import NOT_FOR_COMPARE, OUTPUTS, RECIPES, ROW_OPTIONS

#: Options of train that compare does not take (it sets them per row, or they are train's alone).
EXCLUDED = tuple(name for name in ROW_OPTIONS if name != "run_dir") + NOT_FOR_COMPARE


def register(sub, common) -> None:
    """Adds the ``compare`` sub-command to the CLI's sub-parsers."""
    from .cli import _positive_int
    from .job_config import add_cli_options

    p = sub.add_parser("compare", parents=[common],
                       help="compare pretrained networks (size, speed, accuracy) and transfer vs training from scratch")
    p.add_argument("--models", required=True, metavar="M1,M2,...",
                   help="zoo models, comma-separated, e.g. efficientnet-lite0,efficientnet-lite1,efficientnet-lite2,"
                        "vgg16 (a model without its weights on this machine is listed with the reason)")
    p.add_argument("--recipe", choices=RECIPES, default="head", dest="compare_recipe",
                   help="head: the new classifier on cached features (default); finetune: the staged recipe")
    p.add_argument("--scratch", nargs="?", const="all", default=None, dest="scratch_models", metavar="MODELS",
                   help="also train the same architecture from random initialisation (same budget and augmentation) "
                        "for every model, or for the comma-separated MODELS")
    p.add_argument("--train-fraction", default="1.0", dest="train_fractions", metavar="F1,F2,...",
                   help="repeat with these fractions of each class's training images, each in (0, 1] (default 1.0)")
    p.add_argument("--latency-runs", type=_positive_int, default=20, metavar="N",
                   help="timed single-image predictions per model for the latency p50/p95 (default 20)")
    p.add_argument("--overwrite", action="store_true", help="replace the comparison in a non-empty --out folder")
    add_cli_options(p, {"data": "folder with one sub-folder of images per class",
                        "run_dir": "folder for compare.md/.csv/.json/.png, transfer_vs_scratch.png, one run folder "
                                   "per row (runs/) and their logs (logs/)"}, exclude=EXCLUDED)
    p.set_defaults(func=cmd_compare, check=check_compare)


def check_compare(parser, args) -> None:
    """Every argument before any work (UsageError: exit 2)."""
    from .cli import UsageError
    from .comparison import check_out, job_options, parse_fractions, parse_models, parse_scratch

    missing = [flag for flag, value in (("--data", args.data), ("--out", args.run_dir)) if value is None]
    if missing:
        parser.error(f"the following arguments are required: {', '.join(missing)}")
    try:
        args.model_list = parse_models(args.models)
        args.scratch_list = parse_scratch(args.scratch_models, args.model_list)
        args.fraction_list = parse_fractions(args.train_fractions)
        job_options(args.data, _job_options(args), args.compare_recipe)
        check_out(args.run_dir, args.overwrite)
    except ValueError as e:
        raise UsageError(str(e)) from None


def _job_options(args) -> dict:
    from .job_config import given

    options = given(args)
    for name in ("data", "run_dir"):
        options.pop(name, None)
    if args.backend:
        options["backend"] = args.backend
    return options


def cmd_compare(args) -> int:
    from .cli import EXIT_FAILURE, EXIT_OK
    from .comparison import compare, summary_line

    options = _job_options(args)
    table = compare(args.data, args.model_list, out=args.run_dir, recipe=args.compare_recipe, scratch=args.scratch_list,
                    train_fractions=args.fraction_list, overwrite=args.overwrite, latency_runs=args.latency_runs,
                    progress=not args.no_progress, **options)
    print("ranked by validation accuracy (test accuracy beside it, never used to choose):")
    for row in table.rows:
        print(summary_line(row))
    out = Path(args.run_dir)
    for name in OUTPUTS:
        if (out / name).is_file():
            print(f"{name:<24} {out / name}")
    print(f"{'run folders':<24} {out / 'runs'}")
    return EXIT_OK if table.best is not None else EXIT_FAILURE
