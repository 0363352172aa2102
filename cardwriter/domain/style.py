"""A writer's style profile and how far a text sits from it (stylometry on paragraphs).

The writer's own paragraphs (never replaced by an accepted variant) make the
baseline. Each paragraph becomes a vector of features a reader would not name
but does hear:

- function words: how often each of ~60 common words (the, of, and, but, which...)
  occurs per word; the classic signature of an author, hard to imitate on purpose;
- sentence length: mean and spread of words per sentence, and the shares of
  short (under 10 words) and long (over 30 words) sentences;
- word length and vocabulary: mean letters per word, share of long words (7+
  letters), and vocabulary richness as the moving-average type/token ratio
  (windows of 30 words, so it does not fall with paragraph length);
- punctuation habits: commas, semicolons, colons, dashes, exclamation and question
  marks, quotation marks and parentheses, per word;
- model likelihood (only when a scorer is given): the mean token log-probability
  the current language model gives the text; model-written text scores higher.

The distance from a text to a profile is averaged over feature groups, so the
many function words do not drown the rest: for function words the cosine
distance between the text's rates and the writer's (their pattern), for the
others a Burrows-Delta-like mean of absolute z-scores, clipped at 3. This
combination was chosen on the dev paragraphs (benchmarks/voice_profile.py). Each feature's scale is the writer's own spread, widened by a floor
(``_FLOORS``) so a feature the writer happens never to vary (no semicolons in ten
paragraphs) does not turn one semicolon into an enormous distance.

It is then divided by the writer's own paragraph-to-paragraph spread: the mean
distance of each baseline paragraph from the profile of the others. So 1.0 means
"as different from your voice as your own paragraphs are from each other";
below 1 is closer than usual, 2 is twice as far.

Pure standard library: the profile of a few hundred paragraphs is a few
thousand numbers.
"""

from __future__ import annotations

import functools
import math
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

Scorer = Callable[[list[str]], list[float]]
"""Mean token log-probability of each text under the current model (``LlamaEngine.score``)."""

FUNCTION_WORDS = (
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "that",
    "it",
    "is",
    "was",
    "he",
    "she",
    "for",
    "on",
    "with",
    "as",
    "his",
    "her",
    "at",
    "by",
    "be",
    "had",
    "have",
    "not",
    "but",
    "from",
    "this",
    "which",
    "or",
    "an",
    "they",
    "we",
    "you",
    "i",
    "my",
    "me",
    "all",
    "so",
    "there",
    "were",
    "would",
    "could",
    "their",
    "what",
    "when",
    "if",
    "no",
    "more",
    "been",
    "one",
    "very",
    "who",
    "then",
    "into",
    "upon",
    "some",
    "any",
    "than",
    "only",
    "should",
    "must",
    "our",
    "its",
    "him",
    "them",
    "though",
    "yet",
    "such",
)
PUNCTUATION = {
    "comma": ",",
    "semicolon": ";",
    "colon": ":",
    "dash": "—|–|--| - ",
    "exclamation": "!",
    "question": r"\?",
    "quote": '["“”]',
    "parenthesis": r"\(",
}
MATTR_WINDOW = 30
Z_CLIP = 3.0
FUNCTION_WORD_WEIGHT = 10.0
MIN_BASELINE = 3  # paragraphs: fewer cannot say how the writer varies

_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z]+)*")
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?:\s+|$)")
_PUNCT = {name: re.compile(pattern) for name, pattern in PUNCTUATION.items()}

GROUPS = ("function words", "sentence length", "words", "punctuation", "model likelihood")
# Smallest scale per feature group, in the feature's own units: a spread below this is chance.
_FLOORS = {
    "function words": 0.004,
    "sentence length": 0.08,
    "words": 0.02,
    "punctuation": 0.006,
    "model likelihood": 0.1,
}


def words(text: str) -> list[str]:
    """The text's words, lower-cased (apostrophes kept inside a word: don't, Darcy's)."""
    return [w.lower() for w in _WORD.findall(text)]


def sentences(text: str) -> list[str]:
    """The text cut at full stops, question and exclamation marks; pieces without words are dropped."""
    return [s for s in _SENTENCE_END.split(text) if words(s)]


def _mattr(tokens: list[str]) -> float:
    """Moving-average type/token ratio: vocabulary richness that does not depend on length."""
    if not tokens:
        return 0.0
    if len(tokens) <= MATTR_WINDOW:
        return len(set(tokens)) / len(tokens)
    ratios = [len(set(tokens[i : i + MATTR_WINDOW])) / MATTR_WINDOW for i in range(len(tokens) - MATTR_WINDOW + 1)]
    return sum(ratios) / len(ratios)


def features(text: str) -> dict[str, list[float]]:
    """The text's style features by group (without model likelihood, which needs a scorer)."""
    tokens = words(text)
    n = max(len(tokens), 1)
    counts: dict[str, int] = {}
    for token in tokens:
        counts[token] = counts.get(token, 0) + 1
    lengths = [len(words(s)) for s in sentences(text)] or [0]
    log_lengths = [math.log1p(length) for length in lengths]
    return {
        "function words": [counts.get(w, 0) / n for w in FUNCTION_WORDS],
        "sentence length": [
            statistics.fmean(log_lengths),
            statistics.pstdev(log_lengths),
            sum(length < 10 for length in lengths) / len(lengths),
            sum(length > 30 for length in lengths) / len(lengths),
        ],
        "words": [
            sum(len(t) for t in tokens) / n / 10.0,  # tenths of letters, so the floor is comparable
            sum(len(t) >= 7 for t in tokens) / n,
            _mattr(tokens),
        ],
        "punctuation": [len(pattern.findall(text)) / n for pattern in _PUNCT.values()],
    }


@functools.lru_cache(maxsize=20_000)
def _remembered_features(text: str) -> tuple[tuple[str, tuple[float, ...]], ...]:
    """``features`` of a text seen before: a profile is rebuilt after each edit, from mostly the same paragraphs."""
    return tuple((group, tuple(values)) for group, values in features(text).items())


def _with_likelihood(texts: Sequence[str], scorer: Scorer | None) -> list[dict[str, list[float]]]:
    rows = [{group: list(values) for group, values in _remembered_features(t)} for t in texts]
    if scorer is not None and texts:
        for row, score in zip(rows, scorer(list(texts)), strict=True):
            row["model likelihood"] = [float(score)]
    return rows


@dataclass(frozen=True)
class _Scales:
    mean: dict[str, list[float]]
    scale: dict[str, list[float]]


@dataclass(frozen=True)
class _Totals:
    """Per feature, the count, sum and sum of squares over the rows: means and spreads without another pass."""

    count: int
    sums: dict[str, list[float]]
    squares: dict[str, list[float]]

    def scales(self, without: dict[str, list[float]] | None = None) -> _Scales:
        """Means and scales of all the rows, or of all but the row ``without`` (leave-one-out in one step)."""
        n = self.count - (without is not None)
        mean: dict[str, list[float]] = {}
        scale: dict[str, list[float]] = {}
        for group, sums in self.sums.items():
            left = without[group] if without is not None else [0.0] * len(sums)
            means = [(s - x) / n for s, x in zip(sums, left, strict=True)]
            variances = [(q - x * x) / n - m * m for q, x, m in zip(self.squares[group], left, means, strict=True)]
            mean[group] = means
            scale[group] = [math.hypot(math.sqrt(max(v, 0.0)) if n > 1 else 0.0, _FLOORS[group]) for v in variances]
        return _Scales(mean, scale)


def _totals(rows: list[dict[str, list[float]]]) -> _Totals:
    sums = {group: [math.fsum(c) for c in zip(*(row[group] for row in rows), strict=True)] for group in rows[0]}
    squares = {
        group: [math.fsum(x * x for x in c) for c in zip(*(row[group] for row in rows), strict=True)]
        for group in rows[0]
    }
    return _Totals(len(rows), sums, squares)


def _scales(rows: list[dict[str, list[float]]]) -> _Scales:
    """Means and scales (the spread, widened by the group's floor) of each feature over ``rows``."""
    return _totals(rows).scales()


def _cosine_distance(x: list[float], y: list[float]) -> float:
    norm = math.sqrt(sum(a * a for a in x) * sum(b * b for b in y))
    return 1.0 - sum(a * b for a, b in zip(x, y, strict=True)) / norm if norm else 1.0


def _raw_distance(row: dict[str, list[float]], scales: _Scales) -> float:
    """Mean over feature groups of a per-group distance.

    Function words: cosine distance between the text's rates and the writer's mean
    rates (times FUNCTION_WORD_WEIGHT, to sit on the z-scores' scale); a paragraph
    is too short for each of 70 rates to be trusted alone, their pattern is.
    Other groups: mean absolute z-score, each clipped at Z_CLIP so one freak
    feature (a paragraph of dialogue full of quotation marks) cannot dominate.
    """
    per_group = []
    for group, mean in scales.mean.items():
        if group == "function words":
            per_group.append(FUNCTION_WORD_WEIGHT * _cosine_distance(row[group], mean))
            continue
        zs = [min(abs(x - m) / s, Z_CLIP) for x, m, s in zip(row[group], mean, scales.scale[group], strict=True)]
        per_group.append(sum(zs) / len(zs))
    return sum(per_group) / len(per_group)


@dataclass(frozen=True)
class StyleProfile:
    """The writer's voice: feature means and scales over their paragraphs, and their own spread."""

    scales: _Scales
    spread: float  # mean raw distance of a baseline paragraph from the profile of the others
    paragraphs: int
    scorer: Scorer | None = field(default=None, compare=False)

    def distance(self, text: str) -> float:
        """How far ``text`` is from this voice; 1.0 = as far as the writer's paragraphs are from each other."""
        return self.distances([text])[0]

    def distances(self, texts: Sequence[str]) -> list[float]:
        rows = _with_likelihood(texts, self.scorer)
        return [_raw_distance(row, self.scales) / self.spread for row in rows]

    def closeness(self, text: str) -> float:
        """1 / (1 + distance): 1 is the voice itself, 0.5 is a typical paragraph of the writer."""
        return self.closenesses([text])[0]

    def closenesses(self, texts: Sequence[str]) -> list[float]:
        """``closeness`` of each text, in one pass (the "keep my voice" term of a stack's selection).

        The profile is frozen and holds no project, so this may run on a worker thread.
        """
        return [1.0 / (1.0 + d) for d in self.distances(texts)]


def build_profile(paragraphs: Sequence[str], scorer: Scorer | None = None) -> StyleProfile | None:
    """The profile of the writer's own paragraphs, or None when there are too few (under MIN_BASELINE).

    ``scorer`` (optional) adds the model-likelihood feature: pass the current
    engine's ``score``; it is then called for the baseline and for every text measured.
    """
    texts = [p for p in paragraphs if len(words(p)) >= 3]
    if len(texts) < MIN_BASELINE:
        return None
    rows = _with_likelihood(texts, scorer)
    totals = _totals(rows)
    # Leave-one-out: how far each paragraph is from the others' voice. The others' means and spreads
    # come from the totals less that one row, so a baseline of n paragraphs costs n steps, not n².
    own = [_raw_distance(row, totals.scales(without=row)) for row in rows]
    spread = statistics.fmean(own) or 1.0
    return StyleProfile(totals.scales(), spread, len(texts), scorer)
