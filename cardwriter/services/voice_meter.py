"""The voice meter: how much of a draft came from the model, and how far that text sits from the writer's voice.

The writer's baseline is every paragraph of the project (all drafts) with no
word from an accepted variant, plus those the writer marked "mine". The
model-sourced text of a draft is its cards holding model words; its distance
is the mean of their distances from the baseline (``domain.style``), each
weighted by its number of model words. 1.0 means "as different as your own
paragraphs are from each other".

``record_point`` is what a ``DraftSession`` accept listener calls: one history point
per acceptance, stored in the project file.
"""

from __future__ import annotations

from dataclasses import dataclass

from cardwriter.domain.attribution import MODEL, counts, valid
from cardwriter.domain.model import Draft
from cardwriter.domain.style import Scorer, StyleProfile, build_profile
from cardwriter.errors import UserError
from cardwriter.services.english_reference import english_reference
from cardwriter.services.transfer import choose_draft
from cardwriter.storage.project import Project
from cardwriter.storage.voice_records import VoicePoint

DEFAULT_THRESHOLD = 1.5  # distance at which the app warns, unless the writer sets another


@dataclass(frozen=True)
class VoiceReading:
    title: str
    words: int
    model_words: int
    distance: float | None  # None: no model text, or too few paragraphs of the writer's own
    baseline_paragraphs: int

    @property
    def model_share(self) -> float:
        return self.model_words / self.words if self.words else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "draft": self.title,
            "words": self.words,
            "model_words": self.model_words,
            "model_share": round(self.model_share, 4),
            "distance": None if self.distance is None else round(self.distance, 4),
            "baseline_paragraphs": self.baseline_paragraphs,
        }


def _with_origins(project: Project, draft: Draft) -> Draft:
    stored = project.card_origins(card.id for card in draft.cards)
    for card in draft.cards:
        card.origins = valid(card.text, stored.get(card.id))
    return draft


def own_paragraphs(project: Project, shown: Draft | None = None) -> list[str]:
    """The writer's own paragraphs across the project (headings left out): what their voice is measured on.

    ``shown``: a draft already in memory with its cards' origins (the window's), not read again."""
    own: list[str] = []
    for summary in project.drafts():
        draft = (
            shown
            if shown is not None and summary.id == shown.id
            else _with_origins(project, project.load_draft(summary.id))
        )
        mine = project.mine_cards(card.id for card in draft.cards)
        own.extend(c.text for c in draft.cards if c.id in mine or MODEL not in (c.origins or ""))
    return [t for t in own if not t.lstrip().startswith("#")]


def profile_of(paragraphs: list[str], scorer: Scorer | None = None) -> StyleProfile | None:
    """The voice of ``paragraphs`` (``own_paragraphs``), or None with too few; pure, so a worker may build it.

    Their word habits are measured against everyday English (``english_reference``).
    """
    return build_profile(paragraphs, scorer, english_reference())


def writer_profile(project: Project, scorer: Scorer | None = None) -> StyleProfile | None:
    """The writer's voice from their own paragraphs across the project, or None with too few."""
    return profile_of(own_paragraphs(project), scorer)


def measure(
    project: Project, draft_id: str, profile: StyleProfile | None = None, *, build: bool = True
) -> VoiceReading:
    """The meter of one draft now (pass ``profile`` to reuse one already built; with ``build=False`` a
    missing profile is not built here, and the reading has no distance)."""
    draft = _with_origins(project, project.load_draft(draft_id))
    if profile is None and build:
        profile = writer_profile(project)
    return measure_draft(draft, project.mine_cards(card.id for card in draft.cards), profile)


def measure_draft(draft: Draft, mine: set[str], profile: StyleProfile | None) -> VoiceReading:
    """The meter of a draft in memory (its cards' origins set; ``mine``: the cards marked the writer's)."""
    words = model_words = 0
    weighted: list[tuple[str, int]] = []
    for card in draft.cards:
        writer, model = counts(card.text, card.origins)
        if card.id in mine:
            writer, model = writer + model, 0
        words += writer + model
        model_words += model
        if model:
            weighted.append((card.text, model))
    distance = None
    if profile is not None and weighted:
        distances = profile.distances([text for text, _ in weighted])
        distance = sum(d * w for d, (_, w) in zip(distances, weighted, strict=True)) / sum(w for _, w in weighted)
    return VoiceReading(draft.title, words, model_words, distance, profile.paragraphs if profile else 0)


def record_point(
    project: Project, draft_id: str, profile: StyleProfile | None = None, *, build: bool = True
) -> VoicePoint:
    """Store the draft's meter as a history point (after an acceptance) and return it (``profile`` and
    ``build`` as for ``measure``)."""
    reading = measure(project, draft_id, profile, build=build)
    project.add_voice_point(draft_id, reading.model_share, reading.distance)
    return project.voice_points(draft_id)[-1]


def find_draft(project: Project, title: str | None) -> str:
    """The id of the draft called ``title`` (or with that id); the first draft when no title is given.

    A title is chosen by the same rule as everywhere (``transfer.choose_draft``): one that
    several drafts have, or that is another draft's id, is refused with their ids, never guessed.
    """
    drafts = project.drafts()
    if not drafts:
        raise UserError(f"{project.path} has no drafts")
    if title is None:
        return drafts[0].id
    return choose_draft(project, title)
