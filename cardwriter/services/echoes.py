"""Echoes: paragraphs that say again what another paragraph of the project already says.

``echo_pairs`` is pure (numpy over unit-norm vectors); ``find_echoes`` does the whole
thing with a ``Project`` and an ``Embedder`` (the command line), embedding through the
project's cache so a second run embeds only the cards that changed.

Which cards take part
---------------------
Every card of every draft, except headings (text starting with '#') and cards of fewer
than ``MIN_WORDS`` words: a short line ("Later.", "He left.") is close in meaning to many
others without repeating anything a writer would cut. With ``draft_id`` only pairs with
at least one card in that draft are offered (its cards against each other and against
the rest of the project). Two cards with the same text are an echo like any other (their
similarity is 1.0); a card is never paired with itself.

Threshold (all-MiniLM-L6-v2, benchmarks/calibrate_echoes.py on
benchmarks/data/echo_pairs.jsonl, 60 pairs written for it)
---------------------------------------------------------------
True echoes (the same thing in other words) score 0.46 to 0.89, same-topic paragraphs
that say something else 0.23 to 0.62, unrelated ones under 0.1. On the tune half every
threshold from 0.58 to 0.60 offers 13 of 14 echoes and no same-topic pair; the middle,
``ECHO_MIN_SIMILARITY = 0.59``, gives on the report half precision 0.91 (10 of 11
offered) and recall 0.71. A second signal was tried on the tune half and left out: word
overlap (Jaccard of the two word sets) is 0.05 to 0.34 for echoes and 0.02 to 0.23 for
same-topic pairs, so it separates nothing the cosine does not. Adjacent cards of one
draft are kept: a paragraph that repeats the one before it is the commonest echo.

Scale
-----
The similarity matrix is computed a block of rows at a time (``BLOCK`` rows against all
later cards), and each card keeps at most ``per_card`` partners, so memory stays at
``BLOCK * n`` floats and a pathological draft (the same sentence pasted 1,000 times)
cannot flood the list. Pairing 5,000 embedded cards takes 1 to 2 s on two busy cores;
embedding them the first time takes minutes there (about 200 s), later runs read the cache.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cardwriter.embedding.embedder import Embedder, normalise_rows
from cardwriter.services.project_embeddings import project_embedder
from cardwriter.storage.project import Project

ECHO_MIN_SIMILARITY = 0.59  # calibrated on the tune half of benchmarks/data/echo_pairs.jsonl
MIN_WORDS = 8  # shorter cards take no part
PER_CARD = 5  # at most this many echoes of one card (its strongest)
BLOCK = 1024  # rows of the similarity matrix computed at once


@dataclass(frozen=True)
class EchoCard:
    """One paragraph of an echo: where it is and what it says."""

    card_id: str
    draft_id: str
    draft_title: str
    position: int  # 0-based index of the card in its draft
    text: str

    def as_dict(self) -> dict[str, object]:
        return {
            "card_id": self.card_id,
            "draft_id": self.draft_id,
            "draft_title": self.draft_title,
            "position": self.position,
            "text": self.text,
        }


@dataclass(frozen=True)
class Echo:
    """Two paragraphs that say the same thing; ``first`` comes earlier in the project."""

    first: EchoCard
    second: EchoCard
    similarity: float

    def as_dict(self) -> dict[str, object]:
        return {"similarity": round(self.similarity, 4), "first": self.first.as_dict(), "second": self.second.as_dict()}


@dataclass(frozen=True)
class EchoReport:
    """The echoes found, strongest first; ``cards`` compared, ``embedded`` now and ``cached`` from the file."""

    echoes: list[Echo]
    cards: int
    embedded: int
    cached: int


def takes_part(text: str, min_words: int = MIN_WORDS) -> bool:
    """Whether a card is compared at all: not a heading, and at least ``min_words`` words."""
    stripped = text.strip()
    return not stripped.startswith("#") and len(stripped.split()) >= min_words


def echo_pairs(
    vectors: np.ndarray,
    min_similarity: float = ECHO_MIN_SIMILARITY,
    *,
    per_card: int = PER_CARD,
    block: int = BLOCK,
    involving: Sequence[bool] | None = None,
) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, cosine)`` with ``i < j`` and cosine at least ``min_similarity``, strongest first.

    ``vectors`` holds one row per card (normalised here, so any embedding will do). Each
    card keeps at most ``per_card`` partners, its strongest: a pair is offered when it
    is among the strongest of either card. ``involving`` (one flag per row) keeps only
    pairs with a flagged row. Ties keep the cards' order.
    """
    if per_card < 1 or block < 1:
        raise ValueError(f"per_card and block must be at least 1, not {per_card} and {block}")
    unit = normalise_rows(vectors) if len(vectors) else np.zeros((0, 1), dtype=np.float32)
    n = unit.shape[0]
    flags = None if involving is None else np.asarray(involving, dtype=bool)
    if flags is not None and flags.shape != (n,):
        raise ValueError(f"involving must have one flag per vector ({n}), got {flags.shape}")
    kept: dict[tuple[int, int], float] = {}
    for start in range(0, n, block):
        rows = unit[start : start + block]
        sims = rows @ unit.T  # (b, n)
        index = np.arange(start, start + rows.shape[0])
        sims[np.arange(rows.shape[0]), index] = -np.inf  # never a card with itself
        if flags is not None:
            sims[~flags[index]] = np.where(flags, sims[~flags[index]], -np.inf)
        sims[sims < min_similarity] = -np.inf
        k = min(per_card, n - 1)
        if k < 1:
            break
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        for r, cols in enumerate(top):
            i = int(index[r])
            for j in cols:
                value = float(sims[r, j])
                if value == -np.inf:
                    continue
                key = (min(i, int(j)), max(i, int(j)))
                kept[key] = value
    return sorted(((i, j, s) for (i, j), s in kept.items()), key=lambda p: (-p[2], p[0], p[1]))


def project_cards(project: Project, min_words: int = MIN_WORDS) -> list[EchoCard]:
    """The cards of every draft that take part, in the project's order."""
    found = []
    for draft in project.load_drafts():
        for position, card in enumerate(draft.cards):
            if takes_part(card.text, min_words):
                found.append(EchoCard(card.id, draft.id, draft.title, position, card.text))
    return found


def find_echoes(
    project: Project,
    embedder: Embedder,
    *,
    draft_id: str | None = None,
    min_similarity: float = ECHO_MIN_SIMILARITY,
    per_card: int = PER_CARD,
    min_words: int = MIN_WORDS,
) -> EchoReport:
    """The echoes among the project's cards (those touching ``draft_id`` when given), strongest first.

    Embeds through the project's cache (on the thread that owns ``project``).
    """
    cards = project_cards(project, min_words)
    if draft_id is not None and not any(c.draft_id == draft_id for c in cards):
        return EchoReport([], len(cards), 0, 0)
    cached = project_embedder(project, embedder)
    vectors = cached.encode([c.text for c in cards]) if cards else np.zeros((0, 1), dtype=np.float32)
    involving = None if draft_id is None else [c.draft_id == draft_id for c in cards]
    pairs = echo_pairs(vectors, min_similarity, per_card=per_card, involving=involving)
    echoes = [Echo(cards[i], cards[j], s) for i, j, s in pairs]
    return EchoReport(echoes, len(cards), cached.misses, cached.hits)
