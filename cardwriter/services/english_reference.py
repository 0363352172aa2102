"""Everyday English word frequencies: the background the writer's word habits are measured against.

They come from the English word list that pyspellchecker (already the app's
spelling dictionary, installed with it) ships: word counts from the
OpenSubtitles 2018 corpus, about 160,000 words. Spoken film English is not the
writer's kind of prose, and that is the point: it is what "the usual words"
sound like, so a writer's own habits stand out against it. Read once per run
(a third of a second).
"""

from __future__ import annotations

import functools
import gzip
import json
from importlib import resources

from cardwriter.domain.word_habits import Reference


@functools.lru_cache(maxsize=1)
def english_reference() -> Reference:
    """Relative frequency of each English word (lower case; the values sum to 1)."""
    path = resources.files("spellchecker").joinpath("resources", "en.json.gz")
    counts: dict[str, int] = json.loads(gzip.decompress(path.read_bytes()))
    total = sum(counts.values())
    return {word: count / total for word, count in counts.items()}
