"""The gauge and panel of the voice meter on real widgets, with a real project file."""

from __future__ import annotations

from PySide6.QtWidgets import QStatusBar

from cardwriter.domain.model import Card, Draft, Provenance, Variant, VariantKind
from cardwriter.gui.voice_actions import VoiceActions
from cardwriter.services.draft_session import DraftSession
from cardwriter.storage.project import Project

MINE = [
    "He walked in. The room was cold. Nobody spoke. He sat down.",
    "She left early. The car would not start. She walked home. It rained.",
    "The dog barked. Then it stopped. The street was empty again. I waited.",
    "We ate bread. The soup was thin. Nobody complained. Night came on.",
]
ORNATE = (
    "It was, I confess, with a melancholy that I could neither explain nor entirely resist, that I "
    "wandered; for the evening, which had promised so much, had dissolved into a long and wearisome silence."
)


def test_an_acceptance_far_from_the_voice_fills_the_gauge_warns_once_and_plots(qtbot, tmp_path):
    project = Project.create(tmp_path / "p.cardwriter")
    draft = Draft("Cold", cards=[Card(t) for t in MINE] + [Card("He read the letter.")])
    project.add_draft(draft)
    session = DraftSession(project, draft.id)
    bar = QStatusBar()
    qtbot.addWidget(bar)
    voice = VoiceActions(bar, lambda: 1.5)
    voice.draft_shown(session)
    assert voice.gauge.reading.model_share == 0 and not voice.gauge.warning

    last = draft.cards[-1].id
    variant = Variant(text=ORNATE, provenance=Provenance(kind=VariantKind.RESTYLE))
    session.add_variants(last, [variant])
    session.accept(last, variant.id)
    assert voice.gauge.reading.model_share > 0.3
    assert voice.gauge.warning
    assert "far from your voice" in bar.currentMessage()
    assert len(project.voice_points(draft.id)) == 1
    assert "from the model" in voice.gauge.toolTip()

    dialog = voice.open_panel()
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    image = dialog.grab().toImage()
    assert image.width() >= 480
    dialog.close()
    project.close()
