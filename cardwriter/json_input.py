"""JSON that came from outside (a server, an imported file, a settings file), parsed with a depth limit.

``json.loads`` recurses once per nested array or object, so a few kilobytes
of ``[[[[...`` raise ``RecursionError`` (or worse, in a thread with a small
stack). ``loads`` first measures the nesting with one linear scan that skips
over strings, and refuses anything deeper than ``MAX_DEPTH`` before parsing.
Every error it raises is a ``ValueError`` (``TooDeep``, ``json.JSONDecodeError``,
``UnicodeDecodeError``, a number with too many digits), so a caller catches
one type and words the message for the file or server involved.

JSON the app itself has just written in the same process needs none of this.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 100  # Cardwriter's own files nest fewer than 10 deep; OpenAI-compatible answers about 5

# A whole string literal (its closing quote optional, so an unclosed one runs to the end), or one bracket.
# The string part is the "unrolled loop" form: linear, with no backtracking.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)


class TooDeep(ValueError):
    """JSON nested deeper than the limit (refused before parsing)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"nested more than {limit} levels deep")
        self.limit = limit


def nesting_depth(text: str, limit: int = MAX_DEPTH) -> int:
    """The deepest nesting of arrays and objects in ``text``; ``TooDeep`` as soon as it passes ``limit``.

    Brackets inside strings do not count. The text need not be valid JSON:
    this only bounds what the parser would recurse into. One pass, linear in
    the length of ``text``.
    """
    depth = deepest = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token == "[" or token == "{":
            depth += 1
            if depth > limit:
                raise TooDeep(limit)
            deepest = max(deepest, depth)
        elif token == "]" or token == "}":
            depth = max(0, depth - 1)
    return deepest


def check_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """``TooDeep`` when ``text`` nests deeper than ``limit``; cheap when it has few brackets at all."""
    if text.count("[") + text.count("{") > limit:  # otherwise it cannot be too deep: no scan needed
        nesting_depth(text, limit)


def loads(data: str | bytes | bytearray, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` for data from outside: ``TooDeep`` past ``max_depth``; only ``ValueError`` for bad input."""
    if isinstance(data, (bytes, bytearray)):
        data = bytes(data).decode(json.detect_encoding(data), "surrogatepass")  # as json.loads does
    check_depth(data, max_depth)
    try:
        return json.loads(data)
    except RecursionError:  # a small limit on recursion (a deep call stack, a thread): still only a ValueError
        raise TooDeep(max_depth) from None
