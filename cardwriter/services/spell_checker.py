"""Spell checking with pyspellchecker's own dictionaries, plus the project's words.

pyspellchecker was chosen over Enchant: it ships its dictionaries (English,
German, French, Spanish, Italian, Portuguese, Dutch, Russian and more) inside
the wheel, so spelling works offline right after ``pip install`` on any system,
and needs no C library. Enchant needs libenchant and the system's Hunspell
dictionaries, which a plain install does not bring (this machine has neither).

Answers are cached per word: a paragraph is re-checked on every keystroke, and
a word seen once is then a dictionary look-up. Suggestions are only asked for
on a right-click (an edit-distance search, a few milliseconds per word).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from importlib import resources

from cardwriter.errors import UserError
from cardwriter.services.spelling_words import stem, words

LANGUAGE_NAMES = {
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "eu": "Basque",
    "fa": "Persian",
    "fr": "French",
    "it": "Italian",
    "lv": "Latvian",
    "nl": "Dutch",
    "pt": "Portuguese",
    "ru": "Russian",
}


def languages() -> dict[str, str]:
    """The languages whose dictionaries are installed: code -> name."""
    folder = resources.files("spellchecker").joinpath("resources")
    codes = sorted(p.name.split(".")[0] for p in folder.iterdir() if p.name.endswith(".json.gz"))
    return {code: LANGUAGE_NAMES.get(code, code) for code in codes}


@functools.lru_cache(maxsize=2)
def _dictionary(language: str):
    """Loading a dictionary takes a quarter of a second: once per language per run."""
    from spellchecker import SpellChecker  # imported late: the app starts without it

    if language not in languages():
        raise UserError(f"there is no spelling dictionary for {language!r}; choose one of {', '.join(languages())}")
    return SpellChecker(language=language, case_sensitive=False)


class SpellChecker:
    def __init__(self, language: str = "en", own_words: Iterable[str] = ()):
        self.language = language
        self._dictionary = _dictionary(language)
        self._own = {w.lower() for w in own_words}
        self._known: dict[str, bool] = {}

    def add(self, word: str) -> None:
        """Accept ``word`` from now on (the caller keeps it in the project)."""
        self._own.add(word.lower())
        self._known.pop(word, None)
        self._known = {w: k for w, k in self._known.items() if w.lower() != word.lower()}

    def is_known(self, word: str) -> bool:
        known = self._known.get(word)
        if known is None:
            base = stem(word).lower()
            known = base in self._own or word.lower() in self._own or base in self._dictionary
            if len(self._known) > 200_000:
                self._known.clear()
            self._known[word] = known
        return known

    def misspelt(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, word) of each word of ``text`` the dictionaries do not know."""
        return [(s, e, w) for s, e, w in words(text) if not self.is_known(w)]

    def suggestions(self, word: str, limit: int = 6) -> list[str]:
        """Likely corrections, most common first, in the word's own capitalisation."""
        found = self._dictionary.candidates(word.lower()) or set()
        ranked = sorted(found - {word.lower()}, key=lambda w: (-self._dictionary.word_usage_frequency(w), w))
        return [_like(word, w) for w in ranked[:limit]]


def _like(original: str, suggestion: str) -> str:
    if original.isupper() and len(original) > 1:
        return suggestion.upper()
    if original[:1].isupper():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion
