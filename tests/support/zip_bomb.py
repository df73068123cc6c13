"""Zip files with deflate bombs, built in a fraction of a second: an entry of ``ZeroBomb(2 << 30)`` is 2 GiB of zeros
that takes ~2 MB in the file (one 16 MiB deflate block, full-flushed so that it can be repeated, written 128 times).

Only what the readers under test look at is real: local headers, central directory, sizes, deflate data. The CRC of
a bomb is left 0 (computing it would scan 2 GiB): a reader that inflated the whole entry would fail only at its end,
after the memory was spent -- which is the failure the tests guard against.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

_BLOCK = 1 << 24


@dataclass(frozen=True)
class ZeroBomb:
    size: int          # bytes it inflates to (a multiple of 16 MiB, below 4 GiB)
    declared: int | None = None   # what the directory claims (default: the truth)


def _bomb_stream(size: int) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(bytes(_BLOCK)) + comp.flush(zlib.Z_FULL_FLUSH)
    return block * (size // _BLOCK) + comp.flush()


def write_zip(path, entries: dict) -> None:
    """``entries``: name -> bytes (deflated as zipfile would) or :class:`ZeroBomb`."""
    body, central = bytearray(), bytearray()
    for name, payload in entries.items():
        raw_name = name.encode("utf-8")
        if isinstance(payload, ZeroBomb):
            data, crc = _bomb_stream(payload.size), 0
            size = payload.size if payload.declared is None else payload.declared
        else:
            comp = zlib.compressobj(6, zlib.DEFLATED, -15)
            data, crc, size = comp.compress(payload) + comp.flush(), zlib.crc32(payload), len(payload)
        fields = struct.pack("<HHHHHIIIHH", 20, 0, 8, 0, 0x21, crc, len(data), size, len(raw_name), 0)
        central += (struct.pack("<IH", 0x02014B50, 20) + fields + struct.pack("<HHHII", 0, 0, 0, 0, len(body))
                    + raw_name)
        body += struct.pack("<I", 0x04034B50) + fields + raw_name + data
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(body), 0)
    with open(path, "wb") as f:
        f.write(bytes(body) + bytes(central) + end)
