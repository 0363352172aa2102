"""Printing names and text the system gives us, whatever bytes they hold.

A file name or argument that is not UTF-8 reaches Python as text with lone
surrogates (one per byte that was not UTF-8). Printed to a UTF-8 stream that
raises UnicodeEncodeError, a traceback where the user expected a message. The
command line's standard output and error therefore write any character their
encoding cannot hold as a backslash escape instead: such a byte as ``\\xe9``
(the byte itself, as it would be typed in a shell's ``$'caf\\xe9'``), any other
character as Python writes it (``\\u2014`` on an ASCII terminal).

Names and titles can also hold characters a terminal acts on (ESC starting a
colour sequence, a newline, U+202E reversing the line): messages that quote
them pass them through ``shown``, and every error message is printed through it.
"""

from __future__ import annotations

import codecs
import io
import sys

from cardwriter.services.text_decoding import escaped, escaped_controls

ERRORS = "cardwriter-escape"


def _escape(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(printable(char) for char in bad), exc.end


def printable(text: str) -> str:
    """``text`` as the escapes the command line prints for what an ASCII stream cannot hold."""
    text = escaped(text)
    return text if text.isascii() else text.encode("ascii", "backslashreplace").decode("ascii")


def shown(text: object) -> str:
    """A file name, title or one-line message as the command line prints it: safe for a terminal.

    Control characters (ESC, BEL, a newline inside a name) and text-direction
    characters (U+202E) are written as escapes (``\\x1b``, ``\\n``, ``\\u202e``), so a
    name can neither drive the terminal nor split a message; a tab is kept.
    """
    return escaped_controls(str(text), keep="\t")


codecs.register_error(ERRORS, _escape)


def use_escapes() -> None:
    """Make standard output and error write what they cannot encode as escapes, never raising."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors=ERRORS)
