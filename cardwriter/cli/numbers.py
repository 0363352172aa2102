"""argparse types for the numeric options: each number is checked against its range while the line is parsed.

A number out of range is a usage error like any other argparse error: a
message naming the option and the range, exit status 2, never a traceback.
The ranges of what reaches generation (threads, variants, tokens, seeds) are
``generation.setting_ranges``, which the engine and the app use too; the
command line's own are here.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeVar

from cardwriter.generation.setting_ranges import FloatRange, IntRange

T = TypeVar("T")

# characters of a note or card shown on one line
WIDTH = IntRange(10, 10_000)
# notes a search or "related" lists
NOTES = IntRange(1, 1_000)
# "the first K paragraphs", a card number: from 1, the input decides the rest
FROM_ONE = IntRange(1)
# backups kept in the backups folder
BACKUPS = IntRange(1, 10_000)
# variants per paragraph and preset in the diversity report: it measures differences between at least two
REPORT_VARIANTS = IntRange(2, 64)
# variants in a benchmarked stack
STACK_VARIANTS = IntRange(1, 32)
# the pipeline's over-generation factor, and MMR's weight of relevance against novelty
OVERGENERATE = FloatRange(1.0, 8.0)
MMR_LAMBDA = FloatRange(0.0, 1.0)


def whole(rule: IntRange) -> Callable[[str], int]:
    """An argparse ``type``: a whole number in ``rule``'s range."""
    return _usage_error_on_bad_value(rule.parse)


def number(rule: FloatRange) -> Callable[[str], float]:
    """An argparse ``type``: a finite number in ``rule``'s range."""
    return _usage_error_on_bad_value(rule.parse)


def _usage_error_on_bad_value(parse: Callable[[str], T]) -> Callable[[str], T]:
    """``parse`` with its ValueError turned into argparse's usage error (the message kept)."""

    def checked(text: str) -> T:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return checked
