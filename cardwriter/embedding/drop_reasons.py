"""Why a candidate did not make it into the stack: ``DropReason`` and the ``Drop`` record.

``embedding.dedup`` gives the first eight reasons; the stack filler, its fusion
filters and its text rules (``services``) add the others. Each reason has a stable
name for JSON output and a few words for a report.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DropReason(StrEnum):
    """Why a candidate did not make it into the stack.

    The value is the stable name JSON output uses; ``label`` is the words a report shows.
    ``filter_candidates`` gives the first eight; the stack filler adds ``OFF_TOPIC`` (a
    rewrite that drifted from the source's subject), the fluency and fusion reasons of
    ``services.fusion_filters`` (``WRONG_LANGUAGE``, ``LABEL_OPENING``, ``IMPROBABLE``,
    ``IGNORES_PARENT``), the stack chain's text rules and keepability (``CUT_OFF``, ``SUMMARY``,
    ``LIST``, ``NOT_A_WORD``, ``INVENTS_FACTS``, ``LOSES_MEANING``) and ``NOT_PICKED`` (it survived the filters but selection
    preferred more varied ones).
    """

    EMPTY = "empty"
    TOO_SHORT = "too_short"
    LOOPING = "looping"
    ECHOES_PROMPT = "echoes_prompt"
    COPIES_SOURCE = "copies_source"
    DUPLICATES_SOURCE = "duplicates_source"
    DUPLICATES_STACK = "duplicates_stack"
    DUPLICATES_SIBLING = "duplicates_sibling"
    OFF_TOPIC = "off_topic"
    WRONG_LANGUAGE = "wrong_language"
    LABEL_OPENING = "label_opening"
    IMPROBABLE = "improbable"
    IGNORES_PARENT = "ignores_parent"
    CUT_OFF = "cut_off"
    SUMMARY = "summary"
    LIST = "list"
    NOT_A_WORD = "not_a_word"
    INVENTS_FACTS = "invents_facts"
    LOSES_MEANING = "loses_meaning"
    NOT_PICKED = "not_picked"

    @property
    def label(self) -> str:
        """A few words for a report, e.g. "near-duplicate of another candidate"."""
        return _LABELS[self]


_LABELS = {
    DropReason.EMPTY: "empty",
    DropReason.TOO_SHORT: "too short",
    DropReason.LOOPING: "looping",
    DropReason.ECHOES_PROMPT: "echoes the prompt",
    DropReason.COPIES_SOURCE: "copies the source",
    DropReason.DUPLICATES_SOURCE: "near-duplicate of the source",
    DropReason.DUPLICATES_STACK: "near-duplicate of a variant in the stack",
    DropReason.DUPLICATES_SIBLING: "near-duplicate of another candidate",
    DropReason.OFF_TOPIC: "off topic",
    DropReason.WRONG_LANGUAGE: "in another language than its parents",
    DropReason.LABEL_OPENING: "opens with a label or talks about the task",
    DropReason.IMPROBABLE: "the model finds it improbable (not fluent)",
    DropReason.IGNORES_PARENT: "does not take from both parents",
    DropReason.CUT_OFF: "cut off mid-sentence",
    DropReason.SUMMARY: "summarises or talks about the text",
    DropReason.LIST: "a list where the paragraph is prose",
    DropReason.NOT_A_WORD: "a misspelt or made-up word, or one written twice",
    DropReason.INVENTS_FACTS: "invents or changes a name, number or title",
    DropReason.LOSES_MEANING: "does not keep the paragraph's meaning",
    DropReason.NOT_PICKED: "not picked: the others were more varied",
}


@dataclass(frozen=True)
class Drop:
    """One dropped candidate: which, why, and against what."""

    index: int
    """Position in the candidate list."""
    reason: DropReason
    detail: str
    """A sentence a writer can read, e.g. "too short: 12 words, needs 30"."""
    other: int | None = None
    """For DUPLICATES_STACK or DUPLICATES_SIBLING: the stack item or candidate index it duplicates."""
    cosine: float | None = None
    overlap: float | None = None
