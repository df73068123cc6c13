"""``pydl4j-transfer`` / ``python -m pydl4j_transfer``: train, evaluate, predict, featurize, info, import-weights, demo,
export, compare, ui.

Exit codes: 0 success, 2 usage or bad input (unknown option or model, missing folder, unknown class folder, bad
file, an image ``predict`` cannot decode, an ``--out`` that is a file or not writable or a non-empty run folder),
1 failure while running (engine error, unavailable weights, diverged training...), 130/143 stopped by
SIGINT/SIGTERM. Errors are one line on stderr; ``--debug`` adds the Python (and Java) stack trace.

``train``'s options are generated from :class:`~pydl4j_transfer.job_config.JobConfig`: a new job option is one field
there.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from pathlib import Path

from . import __version__, compare_cmd, export_cmd, ui_cmd

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class UsageError(ValueError):
    """Bad input detected after argument parsing (exit code 2)."""


# ------------------------------------------------------------------------------------------------ commands


def cmd_train(args) -> int:
    from . import run_lock
    from .job import TransferJob
    from .job_config import given

    options = given(args)
    hooks = getattr(args, "hooks", None)
    if args.resume is not None:
        out = args.run_folder = Path(args.resume)
        options.pop("run_dir", None)
        with run_lock.locked(out):
            job = TransferJob.from_checkpoint(out, **options, backend=args.backend, progress=not args.no_progress,
                                              hooks=hooks)
            return _train_and_write(job, out)
    out = args.run_folder = options["run_dir"]
    with run_lock.locked(out):
        leftover = run_folder_contents(out)
        if leftover and not args.overwrite:
            raise UsageError(f"--out {out}: the run folder is not empty ({', '.join(leftover[:4])}"
                             f"{', ...' if len(leftover) > 4 else ''}); pass --overwrite to replace its run, "
                             "--resume to continue it, or another folder")
        if args.overwrite:     # a checkpoint of the replaced run must not be resumed with this run's results
            (out / "checkpoint.zip").unlink(missing_ok=True)
        job = TransferJob(**options, backend=args.backend, progress=not args.no_progress, hooks=hooks)
        return _train_and_write(job, out)


def _train_and_write(job, out: Path) -> int:
    result = job.run()
    write_run(job, result, out)
    kept = result.counts.get("kept_epoch")
    print(f"test accuracy: {result.accuracy:.4f} ({result.counts['test']} images, {len(result.labels)} classes"
          + (f"; epoch {kept} kept on validation" if kept is not None and job.patience else "") + ")")
    for row in result.per_class:
        print(f"  {row['label']:<20} precision {_f(row['precision'])}  recall {_f(row['recall'])}  n={row['count']}")
    print(f"run dir: {out}")
    if job.ui:
        print(f"the training UI stops with this command; to see the run again: pydl4j-transfer ui {out}")
    return EXIT_OK


def run_folder_contents(folder: Path) -> list[str]:
    """Names in a run folder other than its lock file and stale temporary files."""
    from .run_lock import is_lock_file

    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if not is_lock_file(p.name) and not p.name.endswith(".tmp"))


def write_run(job, result, out: Path) -> None:
    """``model.zip``, ``metrics.json``, ``curves.png``, ``confusion.png`` and ``misclassified.png`` of a finished
    job in ``out``."""
    from .data import decode_image
    from .data.atomic import atomic_write_bytes
    from .jsonio import strict_dumps
    from .plots import plot_confusion, plot_curves, plot_misclassified

    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    job.save(out / "model.zip")
    result.timings["save"] = round(time.perf_counter() - t0, 3)
    metrics = result.to_json()
    metrics["model_file"] = "model.zip"
    atomic_write_bytes(out / "metrics.json", (strict_dumps(metrics, indent=2) + "\n").encode("utf-8"))
    plot_curves(result.history, out / "curves.png", title=f"{job.meta.model} -> {len(result.labels)} classes")
    plot_confusion(result.confusion_matrix, result.labels, out / "confusion.png",
                   title=f"test accuracy {result.accuracy:.3f}")
    shown = [m for m in result.mistakes if Path(m["path"]).is_file()]
    plot_misclassified([decode_image(m["path"], 160, "center_crop") for m in shown], [m["true"] for m in shown],
                       [m["predicted"] for m in shown], [m["probability"] for m in shown], out / "misclassified.png",
                       title="most confident mistakes on the test split")
    from .engine import share_mode

    for name in ("metrics.json", "curves.png", "confusion.png", "misclassified.png"):
        share_mode(out / name)


def cmd_evaluate(args) -> int:
    from .classifier import Classifier

    classifier = Classifier.load(args.model, backend=args.backend, progress=not args.no_progress and not args.json)
    report = classifier.evaluate(args.data, use_cache=not args.no_cache, test_split=args.test_split)
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
        from .text import printable   # one line per image, whatever bytes a path or label holds

        for item in predictions:
            if "error" in item:
                print(f"{printable(item['path'])}: ERROR {printable(item['error'])}")
            else:
                best = ", ".join(f"{printable(p['label'])} {p['probability']:.3f}" for p in item["predictions"])
                print(f"{printable(item['path'])}: {best}")
    return EXIT_OK if all("error" not in p for p in predictions) else EXIT_USAGE   # an unreadable image: bad input


def cmd_featurize(args) -> int:
    import numpy as np

    from . import engine, jvm
    from .data import FeatureCache, scan_image_folder
    from .data.atomic import atomic_write
    from .classifier import Classifier
    from .featurize import featurize_files

    folder = scan_image_folder(args.data)
    driver = None
    if args.spark:   # before the engine starts: its JVM becomes the Spark driver
        from . import spark as spark_support

        driver = spark_support.start(args.spark)
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
        key = engine.feature_cache_key(meta, engine.frozen_digest(base, vertex))
    features, ok, skipped = featurize_files(folder.paths, helper, meta,
                                            cache=None if args.no_cache else FeatureCache(key),
                                            batch_size=args.batch_size, progress=not args.no_progress,
                                            spark=driver, labels=[folder.label_names[i] for i in folder.labels])
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
    if args.system:   # the engine: backend, Java, jar and where each native library came from
        print(f"jar: {jvm.find_jar()}")
        print(jvm.native_report(), end="")
        return EXIT_OK
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
    parser = build_parser()
    train_args = parser.parse_args(
        ["train", "--data", str(data), "--model", args.model, "--out", args.out, "--epochs", str(args.epochs)]
        + (["--no-progress"] if args.no_progress else []) + (["--backend", args.backend] if args.backend else [])
        + (["--overwrite"] if args.overwrite else []))
    train_args.hooks = getattr(args, "hooks", None)
    _check_train(parser, train_args)
    return cmd_train(train_args)


# ------------------------------------------------------------------------------------------------ parsing


def _positive_int(text: str) -> int:
    from .job_config import POSITIVE

    try:
        return POSITIVE.check(POSITIVE.parse(text))
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def build_parser() -> argparse.ArgumentParser:
    from .job_config import BACKENDS, DEFAULT_BATCH_SIZE, DEFAULT_EPOCHS, DEFAULT_MODEL, ZOO_MODELS, add_cli_options

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show stack traces on errors")
    common.add_argument("--backend", choices=BACKENDS, help="engine backend (default: fastest)")
    common.add_argument("--no-progress", action="store_true", help="no progress bars")

    parser = argparse.ArgumentParser(
        prog="pydl4j-transfer", parents=[common],
        description="Transfer learning for image classification on the pydl4j engine. Zoo models: "
                    f"{', '.join(ZOO_MODELS)} (default {DEFAULT_MODEL}); or a model.zip written by train.",
        epilog="Exit codes: 0 success, 1 failure while running, 2 bad usage or input, 130/143 interrupted "
               "(SIGINT/SIGTERM; a run with --checkpoint-every continues with --resume).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    # train: every option of the job configuration (pydl4j_transfer/job_config.py), plus how to run it
    p = sub.add_parser("train", parents=[common], help="train a classifier on an image folder")
    add_cli_options(p, {"data": "folder with one sub-folder of images per class (required unless --resume)",
                        "run_dir": "run folder for model.zip, metrics.json, plots and checkpoint.zip (required "
                                   "unless --resume; refused if not empty, see --overwrite)"})
    p.add_argument("--overwrite", action="store_true", help="replace the run in a non-empty --out folder")
    p.add_argument("--resume", default=None, metavar="RUN_DIR",
                   help="continue the run checkpointed in RUN_DIR (options default to the checkpoint's; a "
                   "different one is an error)")
    p.set_defaults(func=cmd_train, check=_check_train)

    p = sub.add_parser("evaluate", parents=[common], help="accuracy of a trained model on an image folder")
    p.add_argument("--model", required=True, help="RUN_DIR/model.zip written by train")
    p.add_argument("--data", required=True, help="folder with class sub-folders named as the training classes")
    p.add_argument("--json", action="store_true", help="print a JSON report")
    p.add_argument("--no-cache", action="store_true", help="run every image through the full graph")
    p.add_argument("--test-split", action="store_true",
                   help="score exactly the test split saved with the model (--data: the training data folder)")
    p.set_defaults(func=cmd_evaluate, check=_check_saved_model)

    p = sub.add_parser("predict", parents=[common], help="top-k classes of images")
    p.add_argument("--model", required=True, help="RUN_DIR/model.zip written by train")
    p.add_argument("images", nargs="+", help="image files or folders")
    p.add_argument("--top-k", type=_positive_int, default=3, metavar="K",
                   help="classes to print per image, most probable first (default 3)")
    p.add_argument("--json", action="store_true",
                   help="print a JSON list of {path, predictions: [{label, probability}]} (or {path, error})")
    p.set_defaults(func=cmd_predict, check=_check_saved_model)

    p = sub.add_parser("featurize", parents=[common], help="write the frozen features of a folder to .npz")
    p.add_argument("--model", default=DEFAULT_MODEL, help=f"zoo model or model.zip (default {DEFAULT_MODEL})")
    p.add_argument("--data", required=True, help="folder with one sub-folder of images per class")
    p.add_argument("--out", required=True, help="output .npz (features, labels, paths, label_names)")
    p.add_argument("--feature-extractor", default=None, metavar="VERTEX",
                   help="vertex whose activations are the features (default: the model's feature vertex)")
    p.add_argument("--image-size", type=_positive_int, default=None, metavar="PX",
                   help="square input size in pixels (default: the model's)")
    p.add_argument("--batch-size", type=_positive_int, default=DEFAULT_BATCH_SIZE, metavar="N",
                   help=f"images per engine call (default {DEFAULT_BATCH_SIZE})")
    p.add_argument("--no-cache", action="store_true", help="neither read nor fill the feature cache")
    p.add_argument("--spark", default=None, metavar="MASTER",
                   help="featurize on Spark executors (local[2], spark://host:7077, yarn, ...), same features")
    p.set_defaults(func=cmd_featurize, check=_check_featurize)

    p = sub.add_parser("info", parents=[common], help="model summary with frozen/trainable parameter counts")
    p.add_argument("--model", default=DEFAULT_MODEL, help=f"zoo model or model.zip (default {DEFAULT_MODEL})")
    p.add_argument("--feature-extractor", default=None, metavar="VERTEX",
                   help="last frozen vertex of the transfer graph shown (default: the model's)")
    p.add_argument("--image-size", type=_positive_int, default=None, metavar="PX",
                   help="square input size in pixels (default: the model's)")
    p.add_argument("--num-classes", type=_positive_int, default=5, help="classes of the new head (zoo models)")
    p.add_argument("--json", action="store_true", help="print the header as JSON instead of the summary")
    p.add_argument("--system", action="store_true",
                   help="show the engine instead: backend in use, Java runtime, jar, where each native library was loaded from")
    p.set_defaults(func=cmd_info, check=_check_model_arg)

    p = sub.add_parser("import-weights", parents=[common], help="convert ImageNet weights into the cache")
    p.add_argument("model", help="efficientnet-lite0|1|2, vgg16, resnet50, mobilenetv2 (each also _notop)")
    p.add_argument("--file", default=None, help=".pth (EfficientNet-Lite) or Keras .h5 (VGG-16) to convert")
    p.add_argument("--force", action="store_true", help="convert again even if the cache has the file")
    p.set_defaults(func=cmd_import_weights, check=_check_model_arg)

    p = sub.add_parser("demo", parents=[common], help="train on flower_photos (located or downloaded)")
    p.add_argument("--model", default=DEFAULT_MODEL, help=f"zoo model (default {DEFAULT_MODEL})")
    p.add_argument("--out", default="runs/flowers", help="run folder (default runs/flowers)")
    p.add_argument("--epochs", type=_positive_int, default=DEFAULT_EPOCHS, metavar="N",
                   help=f"training epochs (default {DEFAULT_EPOCHS})")
    p.add_argument("--overwrite", action="store_true", help="replace an earlier demo run in --out")
    p.set_defaults(func=cmd_demo, check=_check_model_arg)
    export_cmd.register(sub, common)
    compare_cmd.register(sub, common)
    ui_cmd.register(sub, common)
    return parser


def _check_model_arg(parser: argparse.ArgumentParser, args) -> None:
    """A model is a file or a zoo name (an unknown name is bad input, exit 2, before any work)."""
    from .job_config import ZOO_MODELS

    model = getattr(args, "model", None)
    if model is None or Path(model).is_file() or str(model).lower() in ZOO_MODELS:
        return
    hint = "no such file" if any(c in str(model) for c in "/.\\") else "unknown model"
    flag = "MODEL" if args.command == "import-weights" else "--model"
    raise UsageError(f"{flag} {model}: {hint}; pass a model.zip written by train or a zoo model "
                     f"({', '.join(ZOO_MODELS)})")


def _check_saved_model(parser: argparse.ArgumentParser, args) -> None:
    """evaluate/predict: the model file, the data folder and every image exist, before the engine starts."""
    if not Path(args.model).is_file():
        raise UsageError(f"--model {args.model}: no such file; pass RUN_DIR/model.zip written by train")
    if getattr(args, "data", None) is not None and not Path(args.data).is_dir():
        raise UsageError(f"--data {args.data}: not a folder; pass the folder holding one sub-folder per class")
    missing = [image for image in getattr(args, "images", []) if not Path(image).exists()]
    if missing:
        raise UsageError(f"image {missing[0]!r} does not exist" + (f" (and {len(missing) - 1} more)"
                                                                  if len(missing) > 1 else ""))


def _check_out_folder(out: Path) -> None:
    """``--out`` is a folder this process can write (made if missing): checked before any work."""
    import tempfile

    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out}: a file of that name exists; pass a folder for the run")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as e:
        raise UsageError(f"--out {out}: cannot write there ({e.strerror or e})") from None


def _check_train(parser: argparse.ArgumentParser, args) -> None:
    """``--data`` and ``--out`` are required unless ``--resume``; every path is checked before any work."""
    if args.resume is None:
        missing = [flag for flag, value in (("--data", args.data), ("--out", args.run_dir)) if value is None]
        if missing:
            parser.error(f"the following arguments are required: {', '.join(missing)} (or --resume RUN_DIR)")
    elif args.run_dir is not None and Path(args.run_dir).resolve() != Path(args.resume).resolve():
        raise UsageError(f"--out {args.run_dir} with --resume {args.resume}: a resumed run writes into its own "
                         "folder; leave --out out")
    if args.data is not None and not Path(args.data).is_dir():
        raise UsageError(f"--data {args.data}: not a folder; pass the folder holding one sub-folder per class")
    _check_model_arg(parser, args)
    if args.resume is None:
        _check_out_folder(Path(args.run_dir))


def _check_featurize(parser: argparse.ArgumentParser, args) -> None:
    _check_model_arg(parser, args)
    if args.spark is not None:
        from .spark.session import check_master

        try:
            check_master(args.spark)
        except ValueError as error:
            raise UsageError(f"--{error}") from None
    out = Path(args.out)
    if out.is_dir():
        raise UsageError(f"--out {out}: a folder; pass the .npz file to write")
    _check_out_folder(out.parent)


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


def main(argv: list[str] | None = None, *, hooks=None) -> int:
    """Runs one command; ``hooks`` (:class:`~pydl4j_transfer.hooks.TrainingHooks`) go to the training job."""
    from .shutdown import Interrupted, exit_on_signals

    parser = build_parser()
    args = parser.parse_args(argv)   # exits 2 on usage errors
    args.hooks = hooks
    try:
        with exit_on_signals():
            check = getattr(args, "check", None)
            if check is not None:
                check(parser, args)
            return int(args.func(args) or 0)
    except Interrupted as stop:
        folder = getattr(args, "run_folder", None)
        hint = f"; continue with `pydl4j-transfer train --resume {folder}`" \
            if folder is not None and (Path(folder) / "checkpoint.zip").is_file() else ""
        print(f"pydl4j-transfer {args.command}: {stop}{hint}", file=sys.stderr)
        return stop.exit_code
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
