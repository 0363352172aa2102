"""Who wrote which words of a card: the writer, or the model through an accepted variant.

A card's attribution is a string with one letter per word of its text (words as
``str.split`` cuts them): ``w`` for the writer, ``m`` for the model. It is kept
up to date by diffing words, as ``word_diff`` does for the variant cards:

- accepting a variant: words the variant kept keep their letter, the words it
  changed or added are the model's;
- a saved edit: words left as they were keep their letter, typed ones are the writer's;
- splitting and merging cards cut and join the letters with the text.

Undo restores a card's snapshot, letters included, so it is exact.
"""

from __future__ import annotations

import difflib

WRITER = "w"
MODEL = "m"


def writer_only(text: str) -> str:
    """The attribution of a text typed by the writer."""
    return WRITER * len(text.split())


def valid(text: str, origins: str | None) -> str:
    """``origins`` if it fits ``text``; else the text counts as the writer's (a card from before attribution)."""
    if origins is not None and len(origins) == len(text.split()) and set(origins) <= {WRITER, MODEL}:
        return origins
    return writer_only(text)


def carry(old_text: str, old_origins: str | None, new_text: str, source: str) -> str:
    """The attribution of ``new_text``, which replaced ``old_text``: unchanged words keep theirs, the rest are ``source``'s."""
    old_words, new_words = old_text.split(), new_text.split()
    old_origins = valid(old_text, old_origins)
    result = [source] * len(new_words)
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            result[block.b + k] = old_origins[block.a + k]
    return "".join(result)


def split(text: str, origins: str | None, offset: int) -> tuple[str, str]:
    """The attributions of ``text[:offset]`` and ``text[offset:]``; a word cut in two gives its letter to both halves."""
    origins = valid(text, origins)
    head_words = len(text[:offset].split())
    cut_inside_word = 0 < offset < len(text) and not text[offset - 1].isspace() and not text[offset].isspace()
    tail_start = head_words - 1 if cut_inside_word else head_words
    return origins[:head_words], origins[tail_start:]


def join(first: str, first_origins: str | None, second: str, second_origins: str | None) -> str:
    """The attribution of ``first + second``; two word halves joined into one word count as the model's if either was."""
    a, b = valid(first, first_origins), valid(second, second_origins)
    glued = bool(first) and bool(second) and not first[-1].isspace() and not second[0].isspace() and a and b
    if glued:
        middle = MODEL if MODEL in (a[-1], b[0]) else WRITER
        return a[:-1] + middle + b[1:]
    return a + b


def counts(text: str, origins: str | None) -> tuple[int, int]:
    """(words by the writer, words by the model)."""
    origins = valid(text, origins)
    return origins.count(WRITER), origins.count(MODEL)
