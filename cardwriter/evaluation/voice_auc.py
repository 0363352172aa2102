"""Does the style profile tell an author from the others? AUC per author, and the model's weights tuned on one half.

The dev paragraphs hold ten paragraphs of each of four authors (ids NNNN-00 to
NNNN-09). ``halves`` splits them by number: the even five of each author for
tuning, the odd five for reporting. Two protocols measure a profile
(``MakeProfile``: the writer's paragraphs in, a distance function out):

- ``leave_one_out`` (tuning, on the even half): a baseline of four, the fifth
  against the other authors' paragraphs, pooled over the five folds;
- ``baseline_then_scored`` (report): the even five as the baseline, the odd five
  against the other authors' odd fifteen, twenty paragraphs never seen in tuning.

AUC (``auc``) is the chance that a paragraph of the author sits closer to their
profile than one of another author's; ties count half.

``tune_model_weights`` chooses the weights of the profile's three model groups
(mean log-probability, top-1 share, top-10 share; ``domain.style``) on the tuning
half only, over a small grid, keeping the other groups' weights as they are.
The model's readings of every paragraph come from one decode each, made once and
remembered (``RememberedScorer``), so the grid costs no model time.
"""

from __future__ import annotations

import itertools
import json
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cardwriter.domain.likelihood import TextLikelihood
from cardwriter.domain.style import MODEL_LIKELIHOOD, MODEL_TOP1, MODEL_TOP10, build_profile
from cardwriter.domain.word_habits import Reference
from cardwriter.services.english_reference import english_reference

Distances = Callable[[list[str]], list[float]]
MakeProfile = Callable[[list[str]], Distances]

MODEL_GROUPS = (MODEL_LIKELIHOOD, MODEL_TOP1, MODEL_TOP10)
GRID = (0.0, 0.25, 0.5, 1.0, 2.0)
"""Weights tried for each model group; the word habits weigh 1, the other style groups a quarter."""
NO_MODEL = dict.fromkeys(MODEL_GROUPS, 0.0)


def auc(own: Sequence[float], other: Sequence[float]) -> float:
    """Share of (own, other) pairs where the own paragraph is closer (smaller distance); ties count half."""
    if not own or not other:
        raise ValueError("AUC needs at least one distance on each side")
    wins = sum((a < b) + 0.5 * (a == b) for a in own for b in other)
    return wins / (len(own) * len(other))


def author_of(source: str) -> str:
    """The author named in brackets in a dev paragraph's ``source`` ("Emma (Jane Austen)"), else the source."""
    return source.split("(")[1].split(")")[0] if "(" in source else source


def by_author(path: Path) -> dict[str, list[str]]:
    """The paragraphs of each author in a dev-paragraphs JSONL file, in file order."""
    found: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        found.setdefault(author_of(row["source"]), []).append(row["text"])
    return found


def halves(authors: Mapping[str, list[str]]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(tuning, report): each author's even-numbered paragraphs and their odd-numbered ones."""
    return {a: t[0::2] for a, t in authors.items()}, {a: t[1::2] for a, t in authors.items()}


def leave_one_out(authors: Mapping[str, list[str]], make: MakeProfile) -> dict[str, float]:
    """Per author: each paragraph against the profile of their others, the other authors' paragraphs likewise."""
    found = {}
    for author, texts in authors.items():
        others = [t for a, ts in authors.items() if a != author for t in ts]
        own, other = [], []
        for i in range(len(texts)):
            distances = make(texts[:i] + texts[i + 1 :])
            own += distances([texts[i]])
            other += distances(others)
        found[author] = auc(own, other)
    return found


def baseline_then_scored(
    baseline: Mapping[str, list[str]], scored: Mapping[str, list[str]], make: MakeProfile
) -> dict[str, float]:
    """Per author: the profile of their ``baseline`` paragraphs; their ``scored`` ones against the others'."""
    found = {}
    for author, texts in baseline.items():
        distances = make(texts)
        others = [t for a, ts in scored.items() if a != author for t in ts]
        found[author] = auc(distances(scored[author]), distances(others))
    return found


class RememberedScorer:
    """A scorer (``LlamaEngine.likelihoods``) that reads each text once and answers again from memory.

    Tuning builds hundreds of profiles of the same forty paragraphs; the model
    reads each of them once, in one decode.
    """

    def __init__(self, read: Callable[[list[str]], Sequence[TextLikelihood]]) -> None:
        self._read = read
        self.readings: dict[str, TextLikelihood] = {}

    def __call__(self, texts: list[str]) -> list[TextLikelihood]:
        missing = [t for t in dict.fromkeys(texts) if t not in self.readings]
        if missing:
            self.readings.update(zip(missing, self._read(missing), strict=True))
        return [self.readings[t] for t in texts]


def profile_maker(
    reference: Reference, scorer: RememberedScorer | None = None, weights: Mapping[str, float] | None = None
) -> MakeProfile:
    """Profiles with the word habits of ``reference``, the model groups of ``scorer`` and ``weights`` (None: WEIGHTS)."""

    def make(texts: list[str]) -> Distances:
        profile = build_profile(texts, scorer=scorer, reference=reference, weights=weights)
        if profile is None:
            raise ValueError(f"too few paragraphs for a profile: {len(texts)}")
        return profile.distances

    return make


@dataclass(frozen=True)
class Tried:
    """One setting of the model groups' weights and its AUC per author on the tuning half."""

    weights: dict[str, float]
    aucs: dict[str, float]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.aucs.values())


def tune_model_weights(
    tune: Mapping[str, list[str]], reference: Reference, scorer: RememberedScorer, grid: Sequence[float] = GRID
) -> list[Tried]:
    """Every grid setting of the three model groups' weights on the tuning half (leave-one-out), best first.

    Best is the highest mean AUC over the authors; among equals the one with the
    least model weight in all (all zero, the profile without the model, wins a
    tie), so the model must earn its place.
    """
    tried = []
    for values in itertools.product(grid, repeat=len(MODEL_GROUPS)):
        weights = dict(zip(MODEL_GROUPS, values, strict=True))
        tried.append(Tried(weights, leave_one_out(tune, profile_maker(reference, scorer, weights))))
    return sorted(tried, key=lambda t: (-round(t.mean, 9), sum(t.weights.values())))


def model_features_tables(authors: dict[str, list[str]], scorer: RememberedScorer) -> MakeProfile:
    """The author AUC table with the model's groups beside it without them; the weights tuned on the even half.

    Returns the profile with the chosen weights, for the rewrite tables.
    """
    reference = english_reference()
    tune, report = halves(authors)
    tried = tune_model_weights(tune, reference, scorer)
    chosen = tried[0].weights
    names = list(authors)
    print(f"\nModel weights tried on the tuning half ({len(tried)} settings of {', '.join(MODEL_GROUPS)}), best 5:\n")
    print("| " + " | ".join(MODEL_GROUPS) + " | " + " | ".join(names) + " | mean |")
    print("|" + "---:|" * (len(MODEL_GROUPS) + len(names) + 1))
    for t in [*tried[:5], *(t for t in tried[5:] if not any(t.weights.values()))]:
        cells = " | ".join(f"{t.aucs[a]:.3f}" for a in names)
        print("| " + " | ".join(f"{t.weights[g]:g}" for g in MODEL_GROUPS) + f" | {cells} | {t.mean:.3f} |")
    settings = {
        "without model features": NO_MODEL,
        "with model features, chosen on tune: " + ", ".join(f"{g} {w:g}" for g, w in chosen.items()): chosen,
        **{f"{group} alone (weight 1; not chosen)": {**NO_MODEL, group: 1.0} for group in MODEL_GROUPS},
    }
    print("\n| protocol | profile | " + " | ".join(names) + " | mean |")
    print("|---|---|" + "---:|" * (len(names) + 1))
    protocols = {
        "tune (even half, leave-one-out, baseline 4)": lambda make: leave_one_out(tune, make),
        "report (baseline: even 5; scored: odd 5 vs others' odd 15)": lambda make: baseline_then_scored(
            tune, report, make
        ),
    }
    for protocol, run in protocols.items():
        for label, weights in settings.items():
            got = run(profile_maker(reference, scorer, weights))
            cells = " | ".join(f"{got[a]:.3f}" for a in names)
            print(f"| {protocol} | {label} | {cells} | {statistics.fmean(got.values()):.3f} |", flush=True)
    return profile_maker(reference, scorer, chosen)
