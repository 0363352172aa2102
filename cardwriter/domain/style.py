"""A writer's style profile and how far a text sits from it (stylometry on paragraphs).

The writer's own paragraphs (never replaced by an accepted variant) make the
baseline. A text is measured against it in feature groups, each a thing a reader
hears without naming it:

- word habits (``domain.word_habits``, when an everyday-English ``reference`` is
  given): how much more likely the text's words are under the writer's own word
  use than under everyday English; the writer's favourite words, function words
  included, bring a text near;
- sentence length: mean and spread of (log) words per sentence, and the shares of
  short (under 10 words) and long (over 30 words) sentences;
- words: mean letters per word, share of long words (7+ letters), and vocabulary
  richness as the moving-average type/token ratio (windows of 30 words, so it does
  not fall with paragraph length);
- punctuation habits: commas, semicolons, colons, dashes, exclamation and question
  marks, quotation marks and parentheses, per word;
- model likelihood (only when a scorer is given): the mean token log-probability
  the current language model gives the text; model-written text scores higher;
- the model's first choices and its top ten (only when the scorer reads a
  ``TextLikelihood``, ``LlamaEngine.likelihoods``): the shares of the text's tokens
  that were the model's most likely next token, or among its ten most likely.

Within every group but word habits a text's distance is the mean absolute z-score of its
features against the writer's means and spreads, each clipped at Z_CLIP so one
freak feature (a paragraph of dialogue full of quotation marks) cannot dominate;
each feature's spread is widened by a floor (``_FLOORS``) so a feature the writer
never varies (no semicolons in ten paragraphs) does not turn one semicolon into an
enormous distance.

Groups are put on one scale by the writer's own paragraphs: leave each out, measure
it against the profile of the others, and note the mean and the spread of those
distances per group. A text's distance in a group becomes "how many of the writer's
own spreads beyond their typical paragraph" (z), the groups are averaged with
``WEIGHTS``, and the distance is 2 ** z. So 1.0 is as far as the writer's own
paragraphs typically are from the others; each of the writer's spreads further out
doubles it (2.0, 4.0), each spread nearer halves it. Never negative, and the order
of texts is the order of z.

``WEIGHTS`` were chosen on the even-numbered dev paragraphs only and are reported
on the odd-numbered ones (benchmarks/voice_profile.py): word habits carry the
voice; on paragraphs of about 100 words the other groups vary almost as much
within an author as between authors, so they count a quarter each. The model's
three groups were weighed the same way (``--model-features``, a grid over the
tuning half): the four authors' prose is about equally probable to SmolLM2, so
they barely tell authors apart; the top-ten share won by a hair at a quarter,
the log-probability and the top-1 share weigh nothing. Model-written text is
another matter: SmolLM2's rewrites use its top-ten tokens far more often than
the authors do (README, "Keeping your voice").

Pure standard library: the profile of a few hundred paragraphs is a few thousand
numbers and one word count per word the writer used.
"""

from __future__ import annotations

import functools
import math
import re
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from cardwriter.domain.likelihood import TextLikelihood
from cardwriter.domain.word_habits import Reference, WordHabits, known_words

Scorer = Callable[[list[str]], Sequence[float | TextLikelihood]]
"""What the current model makes of each text: its mean token log-probability (``LlamaEngine.score``),
or that and the shares of its tokens among the model's top 1 and top 10 (``LlamaEngine.likelihoods``)."""

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
MIN_BASELINE = 3  # paragraphs: fewer cannot say how the writer varies
# Smallest spread of a group's distances over the writer's paragraphs, in the group's units:
# a writer whose few paragraphs happen to be alike must not make every small difference huge.
SPREAD_FLOOR = 0.2
HABITS_SPREAD_FLOOR = 0.05  # word habits are in nats per word, a smaller unit

WORD_HABITS = "word habits"
MODEL_LIKELIHOOD = "model likelihood"
MODEL_TOP1 = "model's first choices"
MODEL_TOP10 = "model's top ten"
WEIGHTS = {
    WORD_HABITS: 1.0,
    "sentence length": 0.25,
    "words": 0.25,
    "punctuation": 0.25,
    MODEL_LIKELIHOOD: 0.0,
    MODEL_TOP1: 0.0,
    MODEL_TOP10: 0.25,
}

_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:['’][A-Za-z]+)*")
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?:\s+|$)")
_PUNCT = {name: re.compile(pattern) for name, pattern in PUNCTUATION.items()}

# Smallest scale per feature, in the feature's own units: a spread below this is chance.
_FLOORS = {
    "sentence length": 0.08,
    "words": 0.02,
    "punctuation": 0.006,
    MODEL_LIKELIHOOD: 0.1,
    MODEL_TOP1: 0.02,
    MODEL_TOP10: 0.02,
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
    lengths = [len(words(s)) for s in sentences(text)] or [0]
    log_lengths = [math.log1p(length) for length in lengths]
    return {
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
    """The texts' features, with the model's groups when a scorer is given (one call for all the texts)."""
    rows = [{group: list(values) for group, values in _remembered_features(t)} for t in texts]
    if scorer is not None and texts:
        for row, score in zip(rows, scorer(list(texts)), strict=True):
            if isinstance(score, TextLikelihood):
                row[MODEL_LIKELIHOOD] = [score.log_prob]
                row[MODEL_TOP1] = [score.top1]
                row[MODEL_TOP10] = [score.top10]
            else:
                row[MODEL_LIKELIHOOD] = [float(score)]
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


def _raw_distances(
    row: dict[str, list[float]],
    known: list[str],
    scales: _Scales,
    habits: WordHabits | None,
    leave_out: bool = False,
) -> dict[str, float]:
    """The text's distance in each group, in the group's own units (see the module's docstring).

    ``known``: the text's words the word habits' reference knows (``known_words``).
    ``leave_out``: the text is a baseline paragraph, measured against the others
    (``scales`` must then be the others' too).
    """
    found = {}
    for group, mean in scales.mean.items():
        zs = [min(abs(x - m) / s, Z_CLIP) for x, m, s in zip(row[group], mean, scales.scale[group], strict=True)]
        found[group] = sum(zs) / len(zs)
    if habits is not None:
        found[WORD_HABITS] = habits.distance_of_known(known, leave_out)
    return found


@dataclass(frozen=True)
class StyleProfile:
    """The writer's voice: feature means and scales, word habits, and each group's typical distance and spread."""

    scales: _Scales
    habits: WordHabits | None
    centre: dict[str, float]  # per group: mean distance of a baseline paragraph from the profile of the others
    spread: dict[str, float]  # per group: the spread of those distances (at least the group's floor)
    paragraphs: int
    scorer: Scorer | None = field(default=None, compare=False)
    weights: Mapping[str, float] = field(default_factory=lambda: dict(WEIGHTS))

    def distance(self, text: str) -> float:
        """How far ``text`` is from this voice; 1.0 = as far as the writer's paragraphs typically are from the others'."""
        return self.distances([text])[0]

    def distances(self, texts: Sequence[str]) -> list[float]:
        rows = _with_likelihood(texts, self.scorer)
        habits = self.habits
        known = [known_words(words(t), habits.reference) if habits else [] for t in texts]
        return [
            self._combine(_raw_distances(row, words_known, self.scales, habits))
            for row, words_known in zip(rows, known, strict=True)
        ]

    def _combine(self, raw: dict[str, float]) -> float:
        """2 ** (the weighted mean over groups of (distance - the writer's typical) / the writer's spread)."""
        total = weights = 0.0
        for group, value in raw.items():
            total += self.weights[group] * (value - self.centre[group]) / self.spread[group]
            weights += self.weights[group]
        return 2.0 ** (total / weights) if weights else 1.0

    def closeness(self, text: str) -> float:
        """1 / (1 + distance): 1 is the voice itself, 0.5 is a typical paragraph of the writer."""
        return self.closenesses([text])[0]

    def closenesses(self, texts: Sequence[str]) -> list[float]:
        """``closeness`` of each text, in one pass (the "keep my voice" term of a stack's selection).

        The profile is frozen and holds no project, so this may run on a worker thread.
        """
        return [1.0 / (1.0 + d) for d in self.distances(texts)]


def build_profile(
    paragraphs: Sequence[str],
    scorer: Scorer | None = None,
    reference: Reference | None = None,
    weights: Mapping[str, float] | None = None,
) -> StyleProfile | None:
    """The profile of the writer's own paragraphs, or None when there are too few (under MIN_BASELINE).

    ``scorer`` (optional) adds the model's groups: pass the current engine's
    ``likelihoods`` (log-probability, top-1 and top-10 shares, one decode per text)
    or its ``score`` (the log-probability alone, which ``WEIGHTS`` weigh at 0); it
    is called once for the baseline and once per call of ``distances``.
    ``reference`` (optional, everyday English word frequencies) adds the word-habits
    group; the app always passes one (``services.english_reference``).
    ``weights`` (optional) replaces ``WEIGHTS``, group by group (the benchmark tunes with it).
    """
    texts = [p for p in paragraphs if len(words(p)) >= 3]
    if len(texts) < MIN_BASELINE:
        return None
    rows = _with_likelihood(texts, scorer)
    known = [known_words(words(t), reference) if reference is not None else [] for t in texts]
    totals = _totals(rows)
    habits = WordHabits.of(known, reference) if reference is not None else None
    # Leave-one-out: how far each paragraph is from the others' voice. The others' means and spreads
    # come from the totals less that one row, so a baseline of n paragraphs costs n steps, not n².
    own = [
        _raw_distances(row, words_known, totals.scales(without=row), habits, leave_out=True)
        for row, words_known in zip(rows, known, strict=True)
    ]
    centre = {group: statistics.fmean(d[group] for d in own) for group in own[0]}
    spread = {
        group: max(
            statistics.pstdev(d[group] for d in own), HABITS_SPREAD_FLOOR if group == WORD_HABITS else SPREAD_FLOOR
        )
        for group in own[0]
    }
    chosen = {**WEIGHTS, **(weights or {})}
    return StyleProfile(totals.scales(), habits, centre, spread, len(texts), scorer, chosen)
