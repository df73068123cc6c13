"""``pydl4j-transfer`` / ``python -m pydl4j_transfer``: train, evaluate, predict, featurize, info, import-weights, demo.

Exit codes: 0 success, 2 usage or bad input (unknown option, missing folder, unknown class folder, bad file),
1 failure while running (engine error, unavailable weights...). Errors are one line on stderr; ``--debug`` adds
the Python (and Java) stack trace.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path

from . import __version__, export_cmd

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class UsageError(ValueError):
    """Bad input detected after argument parsing (exit code 2)."""


# ------------------------------------------------------------------------------------------------ commands


#: ``train`` options that decide the result, as (argparse dest, TransferJob argument, default without --resume).
TRAIN_OPTIONS = (("model", "model", None), ("feature_extractor", "feature_extractor", None),
                 ("image_size", "image_size", None), ("batch_size", "batch_size", None),
                 ("epochs", "epochs", None), ("learning_rate", "learning_rate", None), ("seed", "seed", 42),
                 ("test_fraction", "test_fraction", 0.2), ("augment", "augment", False),
                 ("unfreeze", "unfreeze", 0))


def cmd_train(args) -> int:
    from .job import DEFAULT_BATCH_SIZE, DEFAULT_EPOCHS, DEFAULT_LEARNING_RATE, DEFAULT_MODEL, TransferJob

    if args.data is not None and not Path(args.data).is_dir():
        raise UsageError(f"--data {args.data}: not a folder; pass the folder holding one sub-folder per class")
    if args.resume is not None:
        out = Path(args.resume)
        if args.out is not None and Path(args.out).resolve() != out.resolve():
            raise UsageError(f"--out {args.out} with --resume {args.resume}: a resumed run writes into its own "
                             "folder; leave --out out")
        given = {name: getattr(args, dest) for dest, name, _ in TRAIN_OPTIONS if getattr(args, dest) is not None}
        job = TransferJob.from_checkpoint(out, **given, data=args.data, backend=args.backend, workers=args.workers,
                                          progress=not args.no_progress,
                                          **({"checkpoint_every": args.checkpoint_every}
                                             if args.checkpoint_every is not None else {}))
    else:
        out = Path(args.out)
        defaults = {"model": DEFAULT_MODEL, "batch_size": DEFAULT_BATCH_SIZE, "epochs": DEFAULT_EPOCHS,
                    "learning_rate": DEFAULT_LEARNING_RATE}
        options = {name: getattr(args, dest) if getattr(args, dest) is not None else defaults.get(name, default)
                   for dest, name, default in TRAIN_OPTIONS}
        job = TransferJob(data=Path(args.data), **options, backend=args.backend, workers=args.workers,
                          progress=not args.no_progress, strict=args.strict,
                          checkpoint_every=args.checkpoint_every or 0,
                          run_dir=out if args.checkpoint_every else None)
    result = job.run()
    write_run(job, result, out)
    print(f"test accuracy: {result.accuracy:.4f} ({result.counts['test']} images, {len(result.labels)} classes)")
    print(f"run dir: {out}")
    return EXIT_OK


def write_run(job, result, out: Path) -> None:
    """``model.zip``, ``metrics.json``, ``curves.png`` and ``confusion.png`` of a finished job in ``out``."""
    from .data.atomic import atomic_write_bytes
    from .plots import plot_confusion, plot_curves

    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    job.save(out / "model.zip")
    result.timings["save"] = round(time.perf_counter() - t0, 3)
    metrics = result.to_json()
    metrics["model_file"] = "model.zip"
    atomic_write_bytes(out / "metrics.json", (json.dumps(metrics, indent=2) + "\n").encode("utf-8"))
    plot_curves(result.history, out / "curves.png", title=f"{job.meta.model} -> {len(result.labels)} classes")
    plot_confusion(result.confusion_matrix, result.labels, out / "confusion.png",
                   title=f"test accuracy {result.accuracy:.3f}")
    from .engine import share_mode

    for name in ("metrics.json", "curves.png", "confusion.png"):
        share_mode(out / name)


def cmd_evaluate(args) -> int:
    from .classifier import Classifier

    classifier = Classifier.load(args.model, backend=args.backend, progress=not args.no_progress and not args.json)
    report = classifier.evaluate(args.data, use_cache=not args.no_cache)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"accuracy: {report['accuracy']:.4f} on {report['n_images']} images"
              + (f" ({len(report['skipped'])} skipped)" if report["skipped"] else ""))
        for row in report["per_class"]:
            print(f"  {row['label']:<20} precision {_f(row['precision'])}  recall {_f(row['recall'])}  "
                  f"f1 {_f(row['f1'])}  n={row['count']}")
    return EXIT_OK


def cmd_predict(args) -> int:
    from .classifier import Classifier

    classifier = Classifier.load(args.model, backend=args.backend, progress=False)
    predictions = classifier.predict(args.images, top_k=args.top_k)
    if args.json:
        print(json.dumps(predictions, indent=2))
    else:
        for item in predictions:
            if "error" in item:
                print(f"{item['path']}: ERROR {item['error']}")
            else:
                best = ", ".join(f"{p['label']} {p['probability']:.3f}" for p in item["predictions"])
                print(f"{item['path']}: {best}")
    return EXIT_OK if all("error" not in p for p in predictions) else EXIT_FAILURE


def cmd_featurize(args) -> int:
    import numpy as np

    from . import engine, jvm
    from .data import FeatureCache, scan_image_folder
    from .data.atomic import atomic_write
    from .classifier import Classifier
    from .featurize import featurize_files

    folder = scan_image_folder(args.data)
    jvm.start_jvm(backend=args.backend)
    if Path(args.model).suffix == ".zip" or Path(args.model).is_file():
        classifier = Classifier.load(args.model, progress=not args.no_progress)
        meta = classifier.meta
        helper = classifier.helper()
        key = classifier.cache_key()
    else:
        info = engine.model_info(args.model, args.image_size)
        base, checksum = engine.pretrained_graph(info.name, args.image_size)
        vertex = args.feature_extractor or info.feature_vertex
        spec = info.preprocess_spec()
        meta = engine.RunMeta(model=info.name, labels=list(folder.label_names), feature_vertex=vertex,
                              output_vertex=info.output_vertex or "", info=info,
                              preprocess=engine.spec_to_json(spec, info.resize), image_size=info.image_size,
                              weights_checksum=checksum)
        helper = engine.Helper(base, vertex)
        from .data import CacheKey

        key = CacheKey(model_name=meta.model, weights_checksum=checksum, vertex=vertex,
                       preprocess_fingerprint=meta.preprocess["fingerprint"] + f"/{meta.preprocess['resize']}",
                       image_size=meta.image_size)
    features, ok, skipped = featurize_files(folder.paths, helper, meta,
                                            cache=None if args.no_cache else FeatureCache(key),
                                            batch_size=args.batch_size, progress=not args.no_progress)
    labels = np.asarray(folder.labels, dtype=np.int64)[ok]
    paths = np.array([str(p) for p, good in zip(folder.paths, ok) if good])
    out = Path(args.out)
    atomic_write(out, lambda handle: np.savez(handle, features=features, labels=labels, paths=paths,
                                              label_names=np.array(folder.label_names),
                                              vertex=np.array(meta.feature_vertex), model=np.array(meta.model)))
    engine.share_mode(out)
    print(f"wrote {features.shape[0]} x {features.shape[1] if features.ndim == 2 else 0} features "
          f"({meta.model}, vertex {meta.feature_vertex}) to {out}" + (f"; skipped {len(skipped)}" if skipped else ""))
    for item in skipped:
        print(f"skipped {item['path']}: {item['reason']}", file=sys.stderr)
    return EXIT_OK


def cmd_info(args) -> int:
    from . import engine, jvm

    jvm.start_jvm(backend=args.backend)
    if Path(args.model).suffix == ".zip" or Path(args.model).is_file():
        graph, meta = engine.load_model(args.model)
        counts = engine.param_counts(graph)
        header = {"model": meta.model, "labels": meta.labels, "feature_vertex": meta.feature_vertex,
                  "output_vertex": meta.output_vertex, "image_size": meta.image_size,
                  "preprocess": meta.preprocess, "weights_checksum": meta.weights_checksum}
    else:
        info = engine.model_info(args.model, args.image_size)
        base = engine._zoo_model(info.name, 1000, args.image_size).init()
        vertex = args.feature_extractor or info.feature_vertex
        graph = engine.build_transfer_graph(base, feature_vertex=vertex, output_vertex=info.output_vertex,
                                            num_classes=args.num_classes, learning_rate=1e-3, seed=0)
        counts = engine.param_counts(graph)
        header = {"model": info.name, "input_shape": list(info.input_shape), "mean": list(info.mean),
                  "std": list(info.std), "resize": info.resize, "feature_vertex": vertex,
                  "output_vertex": info.output_vertex, "num_classes": args.num_classes}
    header["parameters"] = {"total": counts["total"], "trainable": counts["trainable"],
                            "frozen": counts["frozen_or_fixed"]}
    if args.json:
        print(json.dumps(header, indent=2))
        return EXIT_OK
    print(engine.summary(graph))
    for key, value in header.items():
        print(f"{key}: {value}")
    return EXIT_OK


def cmd_import_weights(args) -> int:
    from .import_weights import import_weights

    path = import_weights(args.model, args.file, force=args.force or args.file is not None)
    print(f"weights for {args.model}: {path}")
    return EXIT_OK


def cmd_demo(args) -> int:
    from .flowers import locate_flowers

    data = locate_flowers(progress=not args.no_progress)
    print(f"data: {data}")
    train_args = build_parser().parse_args(
        ["train", "--data", str(data), "--model", args.model, "--out", args.out, "--epochs", str(args.epochs)]
        + (["--no-progress"] if args.no_progress else []) + (["--backend", args.backend] if args.backend else []))
    return cmd_train(train_args)


# ------------------------------------------------------------------------------------------------ parsing


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a number strictly between 0 and 1, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    from .job import DEFAULT_BATCH_SIZE, DEFAULT_EPOCHS, DEFAULT_LEARNING_RATE, DEFAULT_MODEL

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show stack traces on errors")
    common.add_argument("--backend", choices=("reference", "cpu", "cuda"), help="engine backend (default: fastest)")
    common.add_argument("--no-progress", action="store_true", help="no progress bars")

    parser = argparse.ArgumentParser(prog="pydl4j-transfer", description="Transfer learning for image "
                                     "classification on the pydl4j engine.", parents=[common])
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("train", parents=[common], help="train a classifier on an image folder")
    p.add_argument("--data", default=None, help="folder with one sub-folder of images per class (required unless "
                   "--resume)")
    p.add_argument("--model", default=None, help=f"zoo model or a model.zip (default {DEFAULT_MODEL})")
    p.add_argument("--out", default=None, help="run folder for model.zip, metrics.json and plots (required unless "
                   "--resume)")
    p.add_argument("--epochs", type=_positive_int, default=None, help=f"(default {DEFAULT_EPOCHS})")
    p.add_argument("--batch-size", type=_positive_int, default=None, help=f"(default {DEFAULT_BATCH_SIZE})")
    p.add_argument("--learning-rate", type=_positive_float, default=None, help=f"(default {DEFAULT_LEARNING_RATE})")
    p.add_argument("--seed", type=int, default=None, help="(default 42)")
    p.add_argument("--test-fraction", type=_fraction, default=None, help="(default 0.2)")
    p.add_argument("--image-size", type=_positive_int, default=None, help="input size (default: the model's)")
    p.add_argument("--feature-extractor", default=None, help="last frozen vertex (default: the model's)")
    p.add_argument("--augment", action="store_true", default=None,
                   help="random crop + flip views of the training images")
    p.add_argument("--unfreeze", type=int, default=None, metavar="N",
                   help="also fine-tune the last N blocks below the feature vertex (default 0: head only)")
    p.add_argument("--workers", type=_positive_int, default=None, help="decode processes (default: all CPUs)")
    p.add_argument("--strict", action="store_true",
                   help="fail before training, listing every image that cannot be decoded (default: skip and report)")
    p.add_argument("--checkpoint-every", type=_positive_int, default=None, metavar="N",
                   help="write RUN_DIR/checkpoint.zip (atomically) every N epochs and after the last")
    p.add_argument("--resume", default=None, metavar="RUN_DIR",
                   help="continue the run checkpointed in RUN_DIR (options default to the checkpoint's; a "
                   "different one is an error)")
    p.set_defaults(func=cmd_train, check=_check_train)

    p = sub.add_parser("evaluate", parents=[common], help="accuracy of a trained model on an image folder")
    p.add_argument("--model", required=True, help="RUN_DIR/model.zip written by train")
    p.add_argument("--data", required=True, help="folder with class sub-folders named as the training classes")
    p.add_argument("--json", action="store_true", help="print a JSON report")
    p.add_argument("--no-cache", action="store_true", help="run every image through the full graph")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("predict", parents=[common], help="top-k classes of images")
    p.add_argument("--model", required=True, help="RUN_DIR/model.zip written by train")
    p.add_argument("images", nargs="+", help="image files or folders")
    p.add_argument("--top-k", type=_positive_int, default=3)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("featurize", parents=[common], help="write the frozen features of a folder to .npz")
    p.add_argument("--model", default=DEFAULT_MODEL, help="zoo model or model.zip")
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True, help="output .npz (features, labels, paths, label_names)")
    p.add_argument("--feature-extractor", default=None)
    p.add_argument("--image-size", type=_positive_int, default=None)
    p.add_argument("--batch-size", type=_positive_int, default=DEFAULT_BATCH_SIZE)
    p.add_argument("--no-cache", action="store_true")
    p.set_defaults(func=cmd_featurize)

    p = sub.add_parser("info", parents=[common], help="model summary with frozen/trainable parameter counts")
    p.add_argument("--model", default=DEFAULT_MODEL, help="zoo model or model.zip")
    p.add_argument("--feature-extractor", default=None)
    p.add_argument("--image-size", type=_positive_int, default=None)
    p.add_argument("--num-classes", type=_positive_int, default=5, help="classes of the new head (zoo models)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("import-weights", parents=[common], help="convert ImageNet weights into the cache")
    p.add_argument("model", help="efficientnet-lite0|1|2, vgg16, resnet50, mobilenetv2 (each also _notop)")
    p.add_argument("--file", default=None, help=".pth (EfficientNet-Lite) or Keras .h5 (VGG-16) to convert")
    p.add_argument("--force", action="store_true", help="convert again even if the cache has the file")
    p.set_defaults(func=cmd_import_weights)

    p = sub.add_parser("demo", parents=[common], help="train on flower_photos (located or downloaded)")
    p.add_argument("--model", default=DEFAULT_MODEL)
    p.add_argument("--out", default="runs/flowers")
    p.add_argument("--epochs", type=_positive_int, default=DEFAULT_EPOCHS)
    p.set_defaults(func=cmd_demo)
    export_cmd.register(sub, common)
    return parser


def _check_train(parser: argparse.ArgumentParser, args) -> None:
    """``--data`` and ``--out`` are required unless ``--resume`` (exit 2 with argparse's usage line)."""
    if args.resume is None:
        missing = [flag for flag, value in (("--data", args.data), ("--out", args.out)) if value is None]
        if missing:
            parser.error(f"the following arguments are required: {', '.join(missing)} (or --resume RUN_DIR)")


def _f(value) -> str:
    return "  n/a " if value is None else f"{value:.4f}"


def _is_usage_error(error: BaseException) -> bool:
    from .data import ImageFolderError
    from .engine import ModelFileError

    return isinstance(error, (UsageError, ImageFolderError, ModelFileError, FileNotFoundError, ValueError,
                              TypeError)) and not _is_java(error)


def _is_java(error: BaseException) -> bool:
    try:
        import jpype

        return isinstance(error, jpype.JException)
    except ImportError:
        return False


def _message(error: BaseException) -> str:
    if _is_java(error):
        text = str(error.getMessage()) if error.getMessage() is not None else type(error).__name__
        return f"{error.getClass().getSimpleName()}: {text}"
    text = str(error).strip() or type(error).__name__
    return " ".join(text.split("\n")[0:1]) if isinstance(error, KeyboardInterrupt) else text.replace("\n", " ")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)   # exits 2 on usage errors
    check = getattr(args, "check", None)
    if check is not None:
        check(parser, args)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("pydl4j-transfer: interrupted", file=sys.stderr)
        return 130
    except BaseException as error:  # one clear line, unless --debug
        if isinstance(error, SystemExit):
            raise
        if args.debug:
            traceback.print_exc()
            if _is_java(error):
                error.printStackTrace()
        code = EXIT_USAGE if _is_usage_error(error) else EXIT_FAILURE
        print(f"pydl4j-transfer {args.command}: error: {_message(error)}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
