"""Is a candidate fluent prose in its parents' language? Small pure-Python checks, no model.

Three things a writer should never see in a stack, whatever the kind:

- **Another language** than the parents (the small model sometimes drifts into
  Spanish gibberish). Judged by the share of English stopwords among the words
  and by the share of letters outside the Latin script; a candidate is in
  another language when its parents read as English and it does not.
- **A label or meta opening**: "Original:", "Rewrite:", "Here is", "Sure",
  "From scratch:", "This sentence conveys…": the model talking about the task.
- **Content words**: the words that carry a paragraph's meaning (stopwords and
  very short words left out), used to check that a fusion takes something from
  each parent.

The model-based check (mean token log-probability) lives with the engine
(``generation.llama.scoring``); the stack filler applies both.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from cardwriter.domain.stopwords import ENGLISH_STOPWORDS

ENGLISH_STOPWORD_SHARE = 0.22
"""An English paragraph has at least this share of its words in ``ENGLISH_STOPWORDS``.

Prose in the dev paragraphs sits at 0.40-0.60; Spanish, French or German text at 0.00-0.12
(their "a", "in", "he" collide with English), word salad near 0.
"""

MIN_WORDS_TO_JUDGE = 12
"""Below this many words the stopword share says little ("Ships remember."): only the script is judged."""

NON_LATIN_SHARE = 0.2
"""Text with more than this share of its letters outside the Latin script is not English."""

LABEL_OPENINGS: tuple[str, ...] = (
    r"(?:original|rewrite|rewritten|revised|revision|edited|new|final|improved|fused|combined|merged|output|answer|"
    r"response|result|variant|version|paragraph|text|note|from scratch|draft|summary|continuation|association)"
    r"(?:\s+(?:paragraph|version|text|passage|note))?\s*\d*\s*:",
    r"here(?:'s| is| are)\b",
    r"sure\b",
    r"certainly\b",
    r"of course\b",
    r"okay\b",
    r"ok\b",
    r"absolutely\b",
    r"(?:this|the) (?:sentence|paragraph|passage|text|note|excerpt|quote) (?:conveys|describes|suggests|shows|is about|"
    r"talks about|tells|means|captures|highlights|explores|reflects)\b",
    r"(?:in )?(?:this|the) (?:rewritten|revised|new|fused|combined) (?:paragraph|version|text)\b",
    r"i (?:think|would|will|can|have)\b",
    r"as an ai\b",
    # a first line of at most five words ending in a colon: "Preamble:", "The scene:", "Sentence:"
    r"(?:[^\s:]+[ \t]+){0,4}[^\s:]+:[ \t]*\n",
)
"""Regular expressions for openings that label the text or talk about the task (case-insensitive)."""

_LABEL_RE = re.compile(r"^(?:" + "|".join(LABEL_OPENINGS) + ")", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*", re.UNICODE)
MIN_CONTENT_LETTERS = 4
"""Content words have at least this many letters: shorter ones are mostly function words."""


def word_list(text: str) -> list[str]:
    """The words of ``text``, lowercased, apostrophes unified (numbers and punctuation left out)."""
    return [w.lower().replace("\u2019", "'") for w in _WORD.findall(text)]


def english_stopword_share(text: str) -> float:
    """Share of the words of ``text`` that are English stopwords (0.0 for no words)."""
    found = word_list(text)
    if not found:
        return 0.0
    return sum(w in ENGLISH_STOPWORDS for w in found) / len(found)


def non_latin_share(text: str) -> float:
    """Share of the letters of ``text`` outside the Latin script (0.0 for no letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    return sum("LATIN" not in unicodedata.name(c, "") for c in letters) / len(letters)


def reads_as_english(text: str) -> bool:
    """Whether ``text`` reads as English prose: Latin script and enough English function words."""
    return non_latin_share(text) <= NON_LATIN_SHARE and english_stopword_share(text) >= ENGLISH_STOPWORD_SHARE


def wrong_language(text: str, parents: Sequence[str]) -> str | None:
    """Why ``text`` is in another language than its English parents, or None.

    Only English is judged: when no parent reads as English the check says nothing
    (a French writer's French variants are fine).
    """
    if not any(reads_as_english(p) for p in parents if p.strip()):
        return None
    latin = non_latin_share(text)
    if latin > NON_LATIN_SHARE:
        return f"another language: {latin:.0%} of its letters are not Latin script, its parents are English"
    share = english_stopword_share(text)
    if share < ENGLISH_STOPWORD_SHARE and len(word_list(text)) >= MIN_WORDS_TO_JUDGE:
        return (
            f"another language: {share:.0%} of its words are common English words "
            f"(English prose has at least {ENGLISH_STOPWORD_SHARE:.0%}), its parents are English"
        )
    return None


def label_opening(text: str, *, sources: Sequence[str] = (), complete: bool = True) -> str | None:
    """The label or meta opening ``text`` starts with ("Original:", "Here is", ...), or None.

    An opening one of ``sources`` starts with too is the writer's own, not a label.
    ``complete`` False: ``text`` is the start of a text still being written, and a
    label counts only if it ends before the text does ("Sure" could yet become "Surely").
    """
    opening = _opening(text)
    if complete:
        opening = opening.rstrip()
    found = _LABEL_RE.match(opening)
    if found is None or (not complete and found.end() >= len(opening)):
        return None
    label = found.group(0).strip()
    if any(_opening(s).lower().startswith(label.lower()) for s in sources):
        return None
    return label


def _opening(text: str) -> str:
    return text.lstrip().lstrip(" \"'\u201c\u2018*#>-_").replace("\u2019", "'")


def content_words(text: str) -> set[str]:
    """The words that carry ``text``'s meaning: lowercased, no stopwords, at least four letters.

    A plural or possessive 's' is dropped so that "lamps" matches "lamp".
    """
    found = set()
    for w in word_list(text):
        if w in ENGLISH_STOPWORDS or len(w) < MIN_CONTENT_LETTERS:
            continue
        found.add(stem(w))
    return found


def stem(word: str) -> str:
    """A crude stem: a possessive or a plural 's' off, nothing else (enough to match 'lamps' to 'lamp')."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word


def shared_content_words(text: str, parent: str) -> set[str]:
    """The content words of ``parent`` that ``text`` also uses."""
    return content_words(text) & content_words(parent)
