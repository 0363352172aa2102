"""Judging a candidate by its first tokens: is it already going wrong?

The stack filler asks the engine to stop a candidate as soon as its text so far
shows it cannot become a usable variant, so its slot in the batch goes to a
fresh candidate (continuous batching) instead of writing tokens the filters
would throw away. Each rule here only fires on text the end filters
(``embedding.dedup``) would drop or that adds nothing to the stack:

- a label or a chatty preamble at the start ("Sure, ...", "Here is ...",
  "Rewrite:", "Preamble:" on a line of its own): the end filter's own
  ``fluency.label_opening``, asked of the text so far;
- talk about the task instead of doing it ("In the paragraph, ...", "The
  following rewritten paragraph ...", "1. This paragraph starts with ..."): the
  end filter's own ``dedup.echo_reason``, asked of the text so far (what it
  finds there stays in the finished text, so the end filter would drop it);
- an opening a sibling already took (the same first ``OPENING_WORDS`` words):
  a near-duplicate in the making;
- a loop: one word n-gram repeated as often as dedup's looping rule allows
  (that count only grows, so the end filter would drop it too);
- another script: mostly letters outside the Latin alphabets, for a source in
  Latin script;
- a name or number the candidate was not given (``FactGuard``, the keepability
  stage's own check of invented facts, asked of its complete words so far).

``early_stop_reason`` is a pure function of the text so far and what it is
compared with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from cardwriter.domain.facts import NUMBER_WORDS, ORDINALS, SPANS, invented
from cardwriter.domain.model import VariantKind
from cardwriter.embedding.dedup import echo_reason
from cardwriter.embedding.dedup_config import DedupConfig
from cardwriter.embedding.fluency import label_opening
from cardwriter.embedding.tokens import max_ngram_count, words

OPENING_WORDS = 4
"""Candidates whose first this many words are the same count as taking the same opening."""

MIN_SCRIPT_LETTERS = 12
"""Letters needed before the script is judged."""


def opening(text: str, toks: list[str] | None = None) -> tuple[str, ...] | None:
    """The first ``OPENING_WORDS`` words of ``text``, once it has more than that (None before).

    Once there, it never changes as the text grows (callers may keep it).
    ``toks``: ``words(text)`` when the caller has it already.
    """
    toks = words(text) if toks is None else toks
    return tuple(toks[:OPENING_WORDS]) if len(toks) > OPENING_WORDS else None


# a letter, and a letter outside the Latin alphabets (past Latin Extended-B): regular
# expressions, since this runs on the whole text so far after every token
_LETTER = re.compile(r"[^\W\d_]")
_FOREIGN_LETTER = re.compile(r"[^\W\d_\u0000-\u024f]")


def _foreign_share(text: str, letters: int | None = None) -> float:
    letters = len(_LETTER.findall(text)) if letters is None else letters
    return len(_FOREIGN_LETTER.findall(text)) / letters if letters else 0.0


@lru_cache(maxsize=16)
def _latin_source(source: str) -> bool:
    """Whether ``source`` is mostly in Latin script (asked once per source, not per token)."""
    return _foreign_share(source) <= 0.3


def early_stop_reason(
    text: str,
    *,
    source: str = "",
    taken_openings: Iterable[tuple[str, ...]] = (),
    config: DedupConfig = DedupConfig(),
) -> str | None:
    """Why the candidate whose raw text so far is ``text`` should stop now, or None to go on."""
    if not text.strip():
        return None
    label = label_opening(text, sources=(source,), complete=False)
    if label is not None:
        return f"starts with a preamble or label ({label!r})"
    echo = echo_reason(text, source, config, complete=False)
    if echo is not None:
        return echo
    toks = words(text)  # once per call: this runs after every token of every candidate
    mine = opening(text, toks)
    if mine is not None and mine in set(taken_openings):
        return f"a sibling already opened with {' '.join(mine)!r}"
    top = max_ngram_count(toks, config.loop_n)
    if top >= config.loop_max_repeats:
        return f"looping: one word {config.loop_n}-gram {top} times"
    letters = len(_LETTER.findall(text))
    if letters >= MIN_SCRIPT_LETTERS and _foreign_share(text, letters) > 0.3 and _latin_source(source):
        return "another script than the source's"
    return None


_CHECK_WORD = re.compile(  # a capital (case-sensitive: a name), a digit, or a number word in any case
    r"(?:^|\s)[\"'“‘(]*(?:[A-Z]|\d|(?i:" + "|".join(sorted(NUMBER_WORDS | set(SPANS) | set(ORDINALS))) + r")\b)"
)
_NUMBER_WORD = "(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
_GROWING_NUMBER = re.compile(
    r"\b" + _NUMBER_WORD + r"(?:[\s-]+(?:and\s+)?" + _NUMBER_WORD + r")*(?:\s+and)?$", re.IGNORECASE
)
"""Number words at the end of the text so far: the number may still grow ("two" of "two thousand")."""


class FactGuard:
    """Stops a candidate as soon as it states a name or number it was not given (the keepability check).

    Asked after every token of every candidate, so it looks only at words that
    are complete (a space after them) and new since the last look, and runs the
    full check (``domain.facts.invented``, the keepability stage's own) only when
    one of them is capitalised or a number: most tokens cost a slice and a search.
    """

    def __init__(self, given: Iterable[str], *, kind: VariantKind, enabled: bool = True) -> None:
        self.given = [t for t in given if t.strip()]
        self.numbers = kind is not VariantKind.CONTINUE
        self.enabled = enabled and bool(self.given)
        self._checked: dict[int, int] = {}  # candidate -> length of its text checked so far

    def reason(self, index: int, text: str) -> str | None:
        """Why candidate ``index`` (its raw text so far) must stop, or None."""
        if not self.enabled:
            return None
        end = max(text.rfind(" "), text.rfind("\n"))
        start = self._checked.get(index, 0)
        if end <= start:
            return None
        if not _CHECK_WORD.search(text, max(0, start - 1), end):
            self._checked[index] = end
            return None
        growing = _GROWING_NUMBER.search(text, 0, end)
        if growing is not None:  # judged once the next word shows the number whole
            end = growing.start()
            if end <= start:
                return None
        self._checked[index] = end
        from cardwriter.services.keepability import everyday_word

        found = invented(text[:end], self.given, everyday_word, numbers=self.numbers)
        return found.describe() if found else None
