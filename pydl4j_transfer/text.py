"""Labels and paths as one line of readable text: class names come from folder names, which may hold any bytes."""

from __future__ import annotations

import unicodedata

_SURROGATE_ESCAPES = range(0xDC80, 0xDD00)   # bytes that were not UTF-8, as os.listdir hands them over
_UNPRINTABLE = ("Cc", "Cs", "Zl", "Zp")       # control characters (newline, tab, ESC ...), other surrogates, breaks


def printable(text: str) -> str:
    """``text`` with undecodable bytes as ``\\xNN`` and control characters escaped (``\\n``, ``\\x1b``, ``\\u2028``),
    so it prints on one line and fonts can draw it; other characters are kept."""
    out = []
    for ch in str(text):
        code = ord(ch)
        if code in _SURROGATE_ESCAPES:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif unicodedata.category(ch) in _UNPRINTABLE:
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)
