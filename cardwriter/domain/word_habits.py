"""The writer's word habits, measured against everyday English.

A reader hears a writer in the words they reach for more often than most
people do: Austen's "very", Conan Doyle's "upon", Morris's "therewith". Counting how often the writer uses a word is not enough
on its own: a short paragraph that happens to be plain sits close to any
writer's average. What tells a voice apart is how much *more* likely a text's
words are under the writer's habits than under everyday English.

So the writer's own paragraphs make a word model (their count of each word,
smoothed toward everyday English with ``ALPHA`` words' worth of weight, so a
word they have not used yet is merely as likely as in English), and a text is
scored by the mean, over its words, of log(writer's rate / English rate).
The distance is that score with the sign turned: a text full of the writer's
favourite words is near, a text of plain everyday words is further, and one
of words the writer avoids is far.

``reference`` is the relative frequency of each word in everyday English
(``services.english_reference`` reads one from the spelling dictionary's word
list). Words the reference does not know (names, rare spellings) are left out
of both the model and the score, so one invented name cannot decide a distance.

``ALPHA`` (300) was chosen on the even-numbered dev paragraphs only, among
30, 100, 300, 1,000 and 3,000 (benchmarks/voice_profile.py, ``--split tune``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ALPHA = 300.0

Reference = Mapping[str, float]
"""Relative frequency of each word in everyday English (the values sum to about 1)."""


def known_words(tokens: Iterable[str], reference: Reference) -> list[str]:
    """The tokens the reference knows (curly apostrophes read as straight ones: don’t is don't)."""
    normalised = (t.replace("\u2019", "'") for t in tokens)
    return [t for t in normalised if t in reference]


@dataclass(frozen=True)
class WordHabits:
    """How often the writer uses each word the reference knows, over all their paragraphs."""

    counts: Mapping[str, int]
    total: int
    reference: Reference

    @classmethod
    def of(cls, paragraphs_known: Iterable[list[str]], reference: Reference) -> WordHabits:
        """The habits of paragraphs given as their known words (``known_words``)."""
        counts: Counter[str] = Counter()
        for known in paragraphs_known:
            counts.update(known)
        return cls(counts, sum(counts.values()), reference)

    def distance(self, tokens: list[str], leave_out: bool = False) -> float:
        """Minus the mean log(writer's rate / English rate) over the text's known words.

        ``leave_out``: the text is one of the writer's own paragraphs; take its
        words out of the writer's model first (leave-one-out), so it is measured
        against the writer's other paragraphs only.
        A text with no known word is at distance 0, as plain as everyday English.
        """
        return self.distance_of_known(known_words(tokens, self.reference), leave_out)

    def distance_of_known(self, known: list[str], leave_out: bool = False) -> float:
        """``distance`` of a text given as its known words already (a profile's baseline is read once)."""
        if not known:
            return 0.0
        own = Counter(known) if leave_out else Counter()
        total = self.total - len(known) if leave_out else self.total
        score = 0.0
        for word in known:
            english = self.reference[word]
            writer = (self.counts.get(word, 0) - own[word] + ALPHA * english) / (total + ALPHA)
            score += math.log(writer / english)
        return -score / len(known)
