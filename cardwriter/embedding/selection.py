"""Maximal marginal relevance: a shown set that stays on topic without repeating itself.

At each step MMR picks the candidate ``i`` (not yet picked) that maximises

    lambda_ * cos(i, source) - (1 - lambda_) * max_{j in picked or shown} cos(i, j)

where the max is 0 while nothing is picked and nothing is shown (``existing``), so the
first pick is the candidate most relevant to the source. ``lambda_ = 1`` ranks by
relevance alone, ``lambda_ = 0`` by novelty alone. Ties go to the lowest index, so the
result is deterministic.

With ``closeness`` (one value per candidate in [0, 1], e.g. how close each is to the
writer's own voice) and ``closeness_weight`` w > 0, each step's score gains
``w * closeness[i]``: a third term that changes which candidates are picked, not only
their order ("keep my voice").
"""

from __future__ import annotations

import numpy as np

DEFAULT_LAMBDA = 0.5


def mmr_select(
    candidate_embeddings: np.ndarray,
    source_embedding: np.ndarray,
    k: int,
    *,
    lambda_: float = DEFAULT_LAMBDA,
    existing: np.ndarray | None = None,
    closeness: np.ndarray | None = None,
    closeness_weight: float = 0.0,
) -> list[int]:
    """Indices of up to ``k`` candidates in the order MMR picks them.

    Embeddings are unit-norm rows. ``existing`` holds embeddings of variants already in
    the stack: they count as picked for redundancy but are never returned. Returns
    ``min(k, n)`` distinct indices (none if ``k <= 0``).
    """
    if not 0.0 <= lambda_ <= 1.0:
        raise ValueError(f"lambda_ must be within [0, 1], not {lambda_}")
    cand = np.asarray(candidate_embeddings, dtype=np.float64)
    if cand.ndim != 2:
        raise ValueError(f"candidate_embeddings must be 2-D, got shape {cand.shape}")
    n = cand.shape[0]
    k = min(max(k, 0), n)
    if k == 0:
        return []
    relevance = cand @ np.asarray(source_embedding, dtype=np.float64).reshape(-1)
    redundancy = np.zeros(n)
    if existing is not None and len(existing):
        redundancy = (cand @ np.asarray(existing, dtype=np.float64).reshape(len(existing), -1).T).max(axis=1)
        has_neighbour = True
    else:
        has_neighbour = False
    similarity = cand @ cand.T
    bonus: float | np.ndarray = 0.0
    if closeness is not None and closeness_weight:
        bonus = closeness_weight * np.asarray(closeness, dtype=np.float64).reshape(n)

    picked: list[int] = []
    available = np.ones(n, dtype=bool)
    for _ in range(k):
        score = lambda_ * relevance - (1.0 - lambda_) * (redundancy if has_neighbour else 0.0) + bonus
        score = np.where(available, score, -np.inf)
        best = int(np.argmax(score))  # first maximum: lowest index wins a tie
        picked.append(best)
        available[best] = False
        redundancy = np.maximum(redundancy, similarity[best]) if has_neighbour else similarity[best].copy()
        has_neighbour = True
    return picked
