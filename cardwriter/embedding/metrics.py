"""Diversity metrics: small pure functions over texts and unit-norm embeddings.

Texts are tokenised by ``tokens.words`` (lowercased words, punctuation dropped,
stopwords kept). Embeddings are rows as ``Embedder.encode`` returns them; functions
that need unit rows normalise their input themselves. A metric that is undefined for
its input (fewer than two variants for a pairwise measure, nothing to count) returns
``nan`` rather than a made-up number, so averages can skip it with ``numpy.nanmean``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from cardwriter.embedding.tokens import is_looping, ngrams, repeated_ngram_share, words

NAN = float("nan")


def _unit_rows(embeddings: np.ndarray) -> np.ndarray:
    arr = np.asarray(embeddings, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"expected a 2-D array of row vectors, got shape {arr.shape}")
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    if arr.shape[0] and not np.all(norms > 0):
        raise ValueError("an embedding is all zeros; its cosine is undefined")
    return arr / np.where(norms > 0, norms, 1.0)


# ----------------------------------------------------------------------------- lexical


def distinct_n(texts: Sequence[str], n: int = 2) -> float:
    """Corpus-level distinct-n: distinct word n-grams / all word n-grams, over all texts.

    N-grams never span two texts. 1.0 means no n-gram occurs twice anywhere in the set;
    lower means the texts repeat each other (or themselves). ``nan`` with no n-grams.
    """
    grams = [g for t in texts for g in ngrams(words(t), n)]
    if not grams:
        return NAN
    return len(set(grams)) / len(grams)


def sentence_bleu(hypothesis: Sequence[str], references: Sequence[Sequence[str]], max_n: int = 4) -> float:
    """Sentence BLEU of a token list against reference token lists, with add-one smoothing.

    ``BLEU = BP * exp(mean_{n=1..max_n} log p_n)`` where ``p_n`` is the clipped n-gram
    precision: each hypothesis n-gram counts at most as often as it occurs in the one
    reference that holds it most. ``p_1 = matches / total`` and, for ``n >= 2``,
    ``p_n = (matches + 1) / (total + 1)`` (Lin and Och's add-one smoothing), so one
    missing 4-gram does not zero the score. ``BP = 1`` if the hypothesis is longer than
    the reference closest in length (the shorter wins a tie), else
    ``exp(1 - ref_len / hyp_len)``. 0.0 for an empty hypothesis, no references, or no
    unigram match. Identical hypothesis and reference score 1.0.
    """
    if not hypothesis or not references:
        return 0.0
    hyp_len = len(hypothesis)
    log_sum = 0.0
    for n in range(1, max_n + 1):
        hyp_counts = Counter(ngrams(hypothesis, n))
        total = sum(hyp_counts.values())
        max_ref: Counter = Counter()
        for ref in references:
            for gram, c in Counter(ngrams(ref, n)).items():
                if c > max_ref[gram]:
                    max_ref[gram] = c
        matches = sum(min(c, max_ref[g]) for g, c in hyp_counts.items())
        if n == 1:
            if matches == 0:
                return 0.0
            p = matches / total
        else:
            p = (matches + 1) / (total + 1)
        log_sum += math.log(p)
    ref_len = min((len(r) for r in references), key=lambda r_len: (abs(r_len - hyp_len), r_len))
    bp = 1.0 if hyp_len > ref_len else math.exp(1.0 - ref_len / hyp_len)
    return bp * math.exp(log_sum / max_n)


def self_bleu(texts: Sequence[str], max_n: int = 4) -> float:
    """Self-BLEU: the mean, over each text, of its ``sentence_bleu`` against all the others.

    Tokens are ``tokens.words``. 1.0 means every text repeats the others word for word;
    near 0 means they share few n-grams. Lower is more diverse. ``nan`` for fewer than
    two texts.
    """
    if len(texts) < 2:
        return NAN
    toks = [words(t) for t in texts]
    scores = [sentence_bleu(toks[i], toks[:i] + toks[i + 1 :], max_n) for i in range(len(toks))]
    return float(np.mean(scores))


def repetition_rate(texts: Sequence[str], n: int = 4) -> float:
    """Mean over texts of the share of a text's word n-grams that repeat an earlier one in it.

    Per text this is ``1 - distinct / total`` over its own n-grams
    (``tokens.repeated_ngram_share``; 0 for a text with fewer than ``n`` words). It
    measures loops within a variant, not overlap between variants. ``nan`` for no texts.
    """
    if not texts:
        return NAN
    return float(np.mean([repeated_ngram_share(words(t), n) for t in texts]))


def top_tokens(text: str, k: int = 10) -> list[str]:
    """The ``k`` most frequent tokens of ``text`` (lowercased words, stopwords included).

    Ties are broken by first occurrence in the text, so the list is deterministic.
    """
    toks = words(text)
    first: dict[str, int] = {}
    for i, t in enumerate(toks):
        first.setdefault(t, i)
    counts = Counter(toks)
    return sorted(counts, key=lambda t: (-counts[t], first[t]))[:k]


def _share_of(texts: Sequence[str], vocabulary: set[str]) -> float:
    toks = [t for text in texts for t in words(text)]
    if not toks:
        return NAN
    return sum(1 for t in toks if t in vocabulary) / len(toks)


def top_k_overrepresentation(
    source: str,
    variants: Sequence[str],
    reference: Sequence[str] | None = None,
    k: int = 10,
) -> float:
    """How much more the variants lean on the source's top-``k`` tokens than a reference does.

    Let ``T`` be ``top_tokens(source, k)`` (the source's ``k`` most frequent lowercased
    words, stopwords included: over-using "the", "and", "of" is exactly what this
    detects). ``share(X)`` is the fraction of all tokens in texts ``X`` that belong to
    ``T``. The result is the relative difference

        (share(variants) - share(reference)) / share(reference)

    with ``reference`` defaulting to ``[source]``. 0.0 means the variants use those
    words exactly as often as the reference; +0.05 means 5% more often; negative means
    less. ``nan`` if the variants have no tokens or the reference share is 0.
    """
    vocab = set(top_tokens(source, k))
    ref_share = _share_of([source] if reference is None else reference, vocab)
    var_share = _share_of(variants, vocab)
    if math.isnan(var_share) or math.isnan(ref_share) or ref_share == 0:
        return NAN
    return (var_share - ref_share) / ref_share


# ----------------------------------------------------------------------------- embedding


def mean_pairwise_cosine(embeddings: np.ndarray) -> float:
    """Mean cosine similarity over all unordered pairs ``i < j`` of rows.

    1.0 means all variants point the same way; ``1 - mean_pairwise_cosine`` is the
    spread. ``nan`` for fewer than two rows.
    """
    unit = _unit_rows(embeddings)
    n = unit.shape[0]
    if n < 2:
        return NAN
    sims = unit @ unit.T
    return float(sims[np.triu_indices(n, k=1)].mean())


def vendi_score(embeddings: np.ndarray) -> float:
    """Vendi score: the effective number of distinct items (Friedman and Dieng, 2023).

    With ``K`` the ``n x n`` cosine similarity matrix of the rows (``K_ii = 1``) and
    ``lambda_i`` the eigenvalues of ``K / n`` (non-negative, summing to 1; tiny negative
    round-off is clipped to 0), ``VS = exp(-sum_i lambda_i log lambda_i)`` with
    ``0 log 0 = 0``. It is 1 for ``n`` identical rows, ``n`` for ``n`` orthogonal rows,
    and always within ``[1, n]``. ``nan`` for no rows.
    """
    unit = _unit_rows(embeddings)
    n = unit.shape[0]
    if n == 0:
        return NAN
    eig = np.clip(np.linalg.eigvalsh(unit @ unit.T / n), 0.0, None)
    eig = eig / eig.sum()
    nz = eig[eig > 0]
    return float(np.exp(-np.sum(nz * np.log(nz))))


COLLAPSE_COSINE = 0.8
"""A paragraph's variants have collapsed when their mean pairwise cosine is above this."""


def collapsed(embeddings: np.ndarray, threshold: float = COLLAPSE_COSINE) -> bool:
    """Whether a paragraph's variants have collapsed: mean pairwise cosine > ``threshold``.

    Fewer than two variants cannot collapse (False).
    """
    mean = mean_pairwise_cosine(embeddings)
    return not math.isnan(mean) and mean > threshold


def collapse_rate(groups: Iterable[np.ndarray], threshold: float = COLLAPSE_COSINE) -> float:
    """Share of paragraphs whose variants have collapsed (see ``collapsed``).

    ``groups`` holds one embedding matrix per paragraph. Paragraphs with fewer than two
    variants are left out of both numerator and denominator. ``nan`` if none remain.
    """
    flags = [collapsed(g, threshold) for g in groups if len(g) >= 2]
    if not flags:
        return NAN
    return sum(flags) / len(flags)


# ----------------------------------------------------------------------------- usable distinct

ON_TOPIC = (0.5, 0.95)
"""A usable variant's cosine to its source lies in ``[ON_TOPIC[0], ON_TOPIC[1])``: about the same thing, not a copy."""
CLUSTER_COSINE = 0.90
"""Usable variants at least this close to a cluster's founder count as one distinct variant."""
USABLE_MIN_LENGTH_RATIO = 1 / 3
"""A usable variant has at least this share of its source's word count."""


def usable_mask(
    source: str,
    variants: Sequence[str],
    source_embedding: np.ndarray,
    variant_embeddings: np.ndarray,
    *,
    on_topic: tuple[float, float] = ON_TOPIC,
    min_length_ratio: float = USABLE_MIN_LENGTH_RATIO,
) -> list[bool]:
    """Which variants are usable: on topic, not looping, and long enough.

    Variant ``i`` is usable when ``on_topic[0] <= cos(i, source) < on_topic[1]`` (about
    the same thing but not a copy), ``tokens.is_looping`` is false for it (default
    rule), and it has at least ``min_length_ratio`` times the source's word count.
    """
    if len(variants) == 0:
        return []
    unit = _unit_rows(variant_embeddings)
    if unit.shape[0] != len(variants):
        raise ValueError(f"{unit.shape[0]} embeddings for {len(variants)} variants")
    src = _unit_rows(np.asarray(source_embedding).reshape(1, -1))[0]
    cos = unit @ src
    needed = min_length_ratio * len(words(source))
    return [
        bool(on_topic[0] <= c < on_topic[1]) and not is_looping(t) and len(words(t)) >= needed
        for t, c in zip(variants, cos, strict=True)
    ]


def usable_distinct(
    source: str,
    variants: Sequence[str],
    source_embedding: np.ndarray,
    variant_embeddings: np.ndarray,
    *,
    on_topic: tuple[float, float] = ON_TOPIC,
    min_length_ratio: float = USABLE_MIN_LENGTH_RATIO,
    cluster_cosine: float = CLUSTER_COSINE,
) -> int:
    """How many genuinely different usable variants there are.

    Take the variants ``usable_mask`` accepts. Visit them in order of decreasing cosine
    to the source (ties by text, then index, so the input order does not matter); each
    joins the first existing cluster whose founding variant it matches with cosine
    ``>= cluster_cosine``, or else founds a new cluster. The result is the number of
    clusters: an integer between 0 and ``len(variants)``.
    """
    mask = usable_mask(
        source, variants, source_embedding, variant_embeddings, on_topic=on_topic, min_length_ratio=min_length_ratio
    )
    idx = [i for i, ok in enumerate(mask) if ok]
    if not idx:
        return 0
    unit = _unit_rows(variant_embeddings)
    src = _unit_rows(np.asarray(source_embedding).reshape(1, -1))[0]
    relevance = unit @ src
    idx.sort(key=lambda i: (-round(float(relevance[i]), 9), variants[i], i))
    founders: list[int] = []
    for i in idx:
        if not founders or float(np.max(unit[founders] @ unit[i])) < cluster_cosine:
            founders.append(i)
    return len(founders)
