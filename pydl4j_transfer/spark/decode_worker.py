"""``python -m pydl4j_transfer.spark.decode_worker``: the image decoder of a Spark executor's featurizing task.

It runs the local job's own code -- :func:`pydl4j_transfer.data.decode.decode_image` (Pillow) and
:func:`pydl4j_transfer.data.preprocess.preprocess_batch` -- so features computed on executors equal local ones and
share their cache keys. Protocol (stdin/stdout, see ``org.pydl4j.spark.transfer.DecoderProcess``): per image the
task sends ``u32 length`` (big-endian) and the file's name (UTF-8), then ``u32 length`` and the file's bytes; the worker answers ``0`` and ``float32[3*S*S]``
(little-endian, NCHW, preprocessed) or ``1``, ``u32 length`` and a UTF-8 reason. End of input ends the worker.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys

import numpy as np

from ..data.decode import RESIZE_MODES, BadImageError, decode_image
from ..data.preprocess import PreprocessSpec, preprocess_batch
from ..limits import MAX_IMAGE_SIZE

#: Larger inputs are refused (the executor refuses them first, with the same bound).
MAX_IMAGE_BYTES = 256 << 20
MAX_NAME_BYTES = 1 << 16
_LENGTH = struct.Struct(">I")


def spec_from_json(text: str) -> PreprocessSpec:
    """The preprocessing spec the driver sent (``name``, ``mean``, ``std``, ``channel_order``)."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("--preprocess: expected a JSON object")
    return PreprocessSpec(str(data["name"]), tuple(float(v) for v in data["mean"]),
                          tuple(float(v) for v in data["std"]), str(data.get("channel_order", "RGB")))


def decode_to_input(data: bytes, size: int, resize: str, spec: PreprocessSpec, name: str = "<bytes>") -> np.ndarray:
    """One image's bytes -> the network's input ``float32[3, size, size]``, exactly as the local job makes it."""
    image = decode_image(name, size, resize, data=data)
    return preprocess_batch(image[None], spec)[0]


def _read_exactly(stream, n: int) -> bytes | None:
    parts, left = [], n
    while left:
        chunk = stream.read(left)
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def serve(size: int, resize: str, spec: PreprocessSpec, source=None, sink=None) -> int:
    """Answers requests until end of input; returns how many images were handled."""
    source = source if source is not None else sys.stdin.buffer
    sink = sink if sink is not None else sys.stdout.buffer
    handled = 0
    while True:
        header = _read_exactly(source, 4)
        if header is None:
            return handled
        (length,) = _LENGTH.unpack(header)
        if length > MAX_NAME_BYTES:
            raise SystemExit(f"decode_worker: a name of {length} bytes exceeds {MAX_NAME_BYTES}")
        name = _read_exactly(source, length)
        header = _read_exactly(source, 4)
        if name is None or header is None:
            raise SystemExit("decode_worker: input ended inside a request")
        (length,) = _LENGTH.unpack(header)
        if length > MAX_IMAGE_BYTES:
            raise SystemExit(f"decode_worker: a request of {length} bytes exceeds {MAX_IMAGE_BYTES}")
        data = _read_exactly(source, length)
        if data is None:
            raise SystemExit("decode_worker: input ended inside an image")
        try:
            pixels = decode_to_input(data, size, resize, spec, name.decode("utf-8", "replace"))
        except BadImageError as error:
            reason = error.reason.encode("utf-8", "replace")
            sink.write(b"\x01" + _LENGTH.pack(len(reason)) + reason)
        else:
            sink.write(b"\x00" + pixels.astype("<f4", copy=False).tobytes())
        sink.flush()
        handled += 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pydl4j_transfer.spark.decode_worker")
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--resize", choices=RESIZE_MODES, required=True)
    parser.add_argument("--preprocess", required=True, help="the preprocessing spec as JSON")
    args = parser.parse_args(argv)
    if not 1 <= args.size <= MAX_IMAGE_SIZE:
        parser.error(f"--size must be in 1..{MAX_IMAGE_SIZE}")
    serve(args.size, args.resize, spec_from_json(args.preprocess))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
