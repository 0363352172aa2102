"""Everyday English word frequencies: the background the writer's word habits are measured against.

They come from the English word list that pyspellchecker (already the app's
spelling dictionary, installed with it) ships: word counts from the
OpenSubtitles 2018 corpus, about 160,000 words. Spoken film English is not the
writer's kind of prose, and that is the point: it is what "the usual words"
sound like, so a writer's own habits stand out against it. Read once per run
(a third of a second): the window calls ``warm_up`` at start, so the reading
happens on a thread of its own and not when the first profile is built.
"""

from __future__ import annotations

import functools
import gzip
import json
import threading
from importlib import resources

from cardwriter.domain.word_habits import Reference

_reading = threading.Lock()  # a second caller waits for the first reading instead of reading again


def english_reference() -> Reference:
    """Relative frequency of each English word (lower case; the values sum to 1)."""
    with _reading:
        return _read()


def warm_up() -> threading.Thread:
    """Read the list on a background thread now, so that nobody waits for it later."""
    thread = threading.Thread(target=english_reference, name="cardwriter-english-words", daemon=True)
    thread.start()
    return thread


@functools.lru_cache(maxsize=1)
def _read() -> Reference:
    path = resources.files("spellchecker").joinpath("resources", "en.json.gz")
    counts: dict[str, int] = json.loads(gzip.decompress(path.read_bytes()))
    total = sum(counts.values())
    return {word: count / total for word, count in counts.items()}
