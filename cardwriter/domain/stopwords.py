"""English function words: what a paragraph is made of besides its meaning.

Shared by the language check and content words (``embedding.fluency``) and by the
recombine prompts that name a parent's key words (``generation.prompts``).
"""

from __future__ import annotations

ENGLISH_STOPWORDS: frozenset[str] = frozenset(
    """a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most my
    myself no nor not now of off on once only or other our ours ourselves out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your yours
    yourself yourselves upon shall may might must one every us again ever never also yet said whenever however
    though although without within whose something nothing anything everything another""".split()
)
"""Common English function words: frequent in any English paragraph, rare in any other language."""


def key_words(text: str, k: int = 3, min_letters: int = 5) -> list[str]:
    """Up to ``k`` words that carry ``text``'s meaning: the longest non-stopwords, first seen first on ties."""
    seen: dict[str, int] = {}
    for i, raw in enumerate(text.split()):
        word = raw.strip(".,;:!?\"'()[]{}-\u201c\u201d\u2018\u2019_*")
        low = word.lower()
        if len(low) < min_letters or not low.isalpha() or low in ENGLISH_STOPWORDS or low in seen:
            continue
        seen[low] = i
    ranked = sorted(seen, key=lambda w: (-len(w), seen[w]))[:k]
    return sorted(ranked, key=lambda w: seen[w])
