"""Turning a file's bytes into text, or saying plainly why they are not text we can read.

UTF-8 is read exactly, a byte order mark included, so Markdown round-trips
byte for byte. UTF-16 and UTF-32 files that start with a byte order mark
(Windows editors write them) are decoded too; the mark is dropped, since
Cardwriter saves and exports UTF-8. UTF-16 without a mark is recognised by
its pattern of zero bytes and named, instead of being called "binary".

Names the system hands us (file names, command-line arguments) need not be
UTF-8: Python carries each byte that is not as a lone surrogate, which can be
neither printed to a UTF-8 stream nor stored in SQLite. ``escaped`` writes
such a name with backslash escapes (``caf\\xe9.md``) for showing and storing.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cardwriter.errors import ImportRefused

# Longest marks first: UTF-32-LE's mark begins with UTF-16-LE's.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # "UTF-8", "UTF-16" or "UTF-32"


def escaped(text: str) -> str:
    """``text`` with each lone surrogate written as a backslash escape, the rest as it is.

    A byte that was not UTF-8 in a name from the system (Python's surrogate
    escape, U+DC80 to U+DCFF) becomes ``\\xNN``, the byte itself; any other
    lone surrogate becomes ``\\uNNNN``.
    """
    if not any("\ud800" <= char <= "\udfff" for char in text):
        return text
    return "".join(_escape_char(char) if "\ud800" <= char <= "\udfff" else char for char in text)


# Characters that reorder the text shown after them (embeddings, overrides, isolates, marks).
BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _is_unsafe(char: str, keep: str = "") -> bool:
    return char not in keep and (unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS)


def unsafe_characters(text: str) -> list[str]:
    """The control and text-direction characters in ``text`` (each once, as escapes such as ``\\x1b``)."""
    found = dict.fromkeys(_escape_control(char) for char in text if _is_unsafe(char))
    return list(found)


def escaped_controls(text: str, keep: str = "") -> str:
    """``text`` with lone surrogates (see ``escaped``) and control and text-direction characters as escapes.

    What a terminal would act on (ESC starting a colour or title sequence, BEL,
    a newline splitting a line, U+202E reversing what follows) is shown as
    ``\\x1b``, ``\\n``, ``\\u202e`` instead; characters in ``keep`` are left as they are.
    """
    text = escaped(text)
    if not any(_is_unsafe(char, keep) for char in text):
        return text
    return "".join(_escape_control(char) if _is_unsafe(char, keep) else char for char in text)


def _escape_control(char: str) -> str:
    code = ord(char)
    if char in "\n\t\r":
        return repr(char)[1:-1]
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def has_lone_surrogates(text: str) -> bool:
    """Whether ``text`` holds characters no UTF-8 file or SQLite text can hold (see ``escaped``)."""
    return escaped(text) != text


def _escape_char(char: str) -> str:
    code = ord(char)
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def decode_text(data: bytes, path: Path | str) -> DecodedText:
    """The text in ``data``, or ImportRefused saying why it is not text.

    ``path`` names where the bytes came from in the messages: a file, or "standard input".
    """
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data[len(bom) :].decode(codec), name)
            except UnicodeDecodeError as exc:
                raise ImportRefused(
                    f"{path} starts like {name} text but is damaged at byte {exc.start + len(bom)}; "
                    "save it again as UTF-8 and import it again"
                ) from exc
    sample = data[:8192]
    if b"\x00" in sample:
        if _looks_like_utf16(sample):
            raise ImportRefused(
                f"{path} looks like UTF-16 text without a byte order mark; save it as UTF-8 "
                "(or UTF-16 with a byte order mark) and import it again"
            )
        raise ImportRefused(f"{path} looks like a binary file, not text; import Markdown or plain text")
    try:
        return DecodedText(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ImportRefused(
            f"{path} is not valid UTF-8 text (bad byte 0x{data[exc.start]:02x} at line {line}, "
            f"column {column}, byte {exc.start}); save it as UTF-8 and import it again"
        ) from exc


def _looks_like_utf16(sample: bytes) -> bool:
    """Mostly-ASCII UTF-16: nearly every other byte is zero, all on the same side."""
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    return half >= 2 and max(even, odd) >= 0.6 * half and min(even, odd) <= 0.05 * half
