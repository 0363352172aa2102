"""The facts of a paragraph a variant must not invent or change: names, numbers, quoted titles.

A small model asked to reword "For eleven years she kept the light" writes "For a
century she kept the light in Lisbon": a number changed, a place invented. A
variant may drop a fact (a terser rewrite leaves some out) but every fact it
states must come from what it was given. This module finds them; what counts as
known (the paragraph, its neighbours, the notes) is the caller's choice
(``services.keepability``).

- **Names**: capitalised words that are not just starting a sentence. A word
  capitalised in the middle of a sentence is a name ("Daniel", "Lisbon",
  "Japanese", "Monday"); at the start of a sentence (or of a quotation) only if
  ``is_common`` says it is not an everyday word ("Nigel said" but not "Then she").
  "I" and its contractions are never names.
- **Numbers**: digits ("1987", "8:52", "2,000" as 2000) and number words, alone or
  combined ("eleven", "twenty-six", "two thousand" as 2000), ordinals from "third"
  on, "dozen", and the spans "decade" and "century". "One", "first" and "second"
  are left out: far more often "no one", "at first" and "a second" than counts.
- **Titles**: short spans in quotation marks with a capitalised word and no
  closing punctuation inside ('The Secret History'), where speech ("You said
  eight,") has some.

Pure functions, no model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from cardwriter.domain.sentences import split_sentences

UNITS = {
    "zero": 0,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "dozen": 12,
}
SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
ORDINALS = {
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "twentieth": 20,
    "hundredth": 100,
    "thousandth": 1000,
}
SPANS = {"decade": "decade", "decades": "decade", "century": "century", "centuries": "century"}
"""Words that state a length of time as a number does ("eleven years" is not "a century")."""

NUMBER_WORDS = frozenset(UNITS) | frozenset(SCALES)

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_DIGITS = re.compile(r"\d+(?:[.,:]\d+)*")
_NUMBER_PHRASE = re.compile(
    r"\b(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
    r"(?:(?:[\s-]+(?:and[\s]+)?)(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r"))*\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[\"“‘']([^\"“”‘’']{2,80})[\"”’']")
_OPENING_QUOTES = "\"“‘'([«"


@dataclass(frozen=True)
class Facts:
    """A text's names (lower case -> as written), numbers (normalised) and quoted titles (lower case)."""

    names: dict[str, str] = field(default_factory=dict)
    numbers: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()


def find_facts(text: str, is_common: Callable[[str], bool] = lambda _word: False) -> Facts:
    """The names, numbers and quoted titles of ``text``.

    ``is_common(word)`` (lower case) says whether a capitalised word at the start of
    a sentence is an everyday word rather than a name; by default none is.
    """
    return Facts(names=find_names(text, is_common), numbers=find_numbers(text), titles=find_titles(text))


def find_names(text: str, is_common: Callable[[str], bool] = lambda _word: False) -> dict[str, str]:
    """Capitalised words that name something: lower-cased key (without a possessive 's) -> as written."""
    found: dict[str, str] = {}
    for sentence in split_sentences(text):
        first = True
        for match in _WORD.finditer(sentence.text):
            word = match.group(0)
            starts = first or _after_opening_quote(sentence.text, match.start())
            first = False
            if not word[0].isupper():
                continue
            key = name_key(word)
            if key == "i" or key.startswith(("i'", "i’")) or _is_number_word(key):
                continue
            if starts and is_common(key):
                continue
            found.setdefault(key, word)
    return found


def name_key(word: str) -> str:
    """A name's key: lower case, without a possessive ("Darcy's" -> "darcy")."""
    key = word.lower()
    for suffix in ("'s", "’s"):
        if key.endswith(suffix):
            return key[: -len(suffix)]
    return key


def find_numbers(text: str) -> frozenset[str]:
    """The numbers ``text`` states, normalised: "2,000", "two thousand" -> "2000"; "8:52"; "century"."""
    found: set[str] = set()
    for match in _DIGITS.finditer(text):
        found.add(_normalise_digits(match.group(0)))
    for match in _NUMBER_PHRASE.finditer(text):
        found.add(str(_phrase_value(match.group(0))))
    for word in _WORD.findall(text):
        low = word.lower()
        if low in ORDINALS:
            found.add(str(ORDINALS[low]))
        elif low in SPANS:
            found.add(SPANS[low])
    return frozenset(found)


def find_titles(text: str) -> frozenset[str]:
    """Quoted spans that read as titles: up to eight words, one capitalised, no punctuation closing them."""
    found = set()
    for match in _QUOTED.finditer(text):
        span = " ".join(match.group(1).split())
        words = span.split()
        if not words or len(words) > 8 or span[-1] in ".,!?;:…":
            continue
        if any(w[0].isupper() for w in words) and sum(w[0].isupper() for w in words) * 2 >= len(words):
            found.add(span.lower())
    return frozenset(found)


def text_words(text: str) -> frozenset[str]:
    """Every word of ``text`` as a name key (lower case, no possessive): what a name may be taken from."""
    return frozenset(name_key(w) for w in _WORD.findall(text))


@dataclass(frozen=True)
class Invented:
    """What a variant states that its sources do not: each as written in the variant."""

    names: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.names or self.numbers or self.titles)

    def describe(self) -> str:
        """A sentence a writer can read: 'a name it was not given: "Lisbon"; a number: "1884"'."""
        parts = []
        for what, items in (("name", self.names), ("number", self.numbers), ("title", self.titles)):
            if items:
                listed = ", ".join(f'"{x}"' for x in items)
                parts.append(f"{what}{'s' if len(items) > 1 else ''} {listed}")
        return "invents " + "; ".join(parts)


def invented(
    variant: str,
    sources: Iterable[str],
    is_common: Callable[[str], bool] = lambda _word: False,
    *,
    numbers: bool = True,
) -> Invented:
    """The names, numbers and titles of ``variant`` that none of ``sources`` has.

    A name counts as given when any source has the word, capitalised or not (a
    variant may capitalise "the Drawing-Room"), or its plural or singular ("on
    Mondays" for "every Monday"). ``numbers`` False lets new numbers
    pass (a continuation may move the clock on).
    """
    given = list(sources)
    given_words: set[str] = set().union(*(text_words(s) for s in given)) if given else set()
    given_numbers: set[str] = set().union(*(find_numbers(s) for s in given)) if given else set()
    given_text = " ".join(" ".join(s.split()) for s in given).casefold()  # casefold: "Σ" lowers by context
    mine = find_facts(variant, is_common)
    new_names = tuple(surface for key, surface in mine.names.items() if not _given_name(key, given_words))
    new_numbers = tuple(sorted(n for n in mine.numbers if n not in given_numbers)) if numbers else ()
    new_titles = tuple(sorted(t for t in mine.titles if t.casefold() not in given_text))
    return Invented(new_names, new_numbers, new_titles)


def _given_name(key: str, given_words: set[str]) -> bool:
    """Whether a source has the name, or its plural or singular ("Mondays" for "every Monday", "the Bennets")."""
    return key in given_words or key + "s" in given_words or (key.endswith("s") and key[:-1] in given_words)


def _after_opening_quote(text: str, at: int) -> bool:
    """Whether the word at ``at`` directly follows an opening quotation mark (dialogue starts a sentence)."""
    before = text[:at].rstrip()
    return bool(before) and before[-1] in _OPENING_QUOTES and (len(before) == 1 or not before[-2].isalnum())


def _is_number_word(key: str) -> bool:
    parts = [p for p in re.split(r"[-\s]+", key) if p]
    return bool(parts) and all(p in NUMBER_WORDS or p in ORDINALS or p == "one" for p in parts)


def _normalise_digits(raw: str) -> str:
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", raw):
        return raw.replace(",", "")
    return raw.rstrip(".,:")


def _phrase_value(phrase: str) -> int:
    total, current = 0, 0
    for word in re.split(r"[\s-]+", phrase.lower()):
        if word in UNITS:
            current += UNITS[word]
        elif word in SCALES:
            scale = SCALES[word]
            if scale == 100:
                current = (current or 1) * scale
            else:
                total += (current or 1) * scale
                current = 0
    return total + current
