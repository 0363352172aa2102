"""The gauge and panel of the voice meter on real widgets, with a real project file."""

from __future__ import annotations

from PySide6.QtWidgets import QStatusBar

from cardwriter.domain.model import Card, Draft, Provenance, Variant, VariantKind
from cardwriter.gui.voice.voice_actions import VoiceActions
from cardwriter.services import voice_meter
from cardwriter.services.draft_session import DraftSession
from cardwriter.storage.project import Project
from tests.support import MINE, ORNATE


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


def cold_project(tmp_path):
    project = Project.create(tmp_path / "p.cardwriter")
    draft = Draft("Cold", cards=[Card(t) for t in MINE] + [Card("He read the letter.")])
    project.add_draft(draft)
    return project, draft


def test_closeness_of_variants_ranks_the_writers_voice_first_and_the_profile_is_kept_until_a_card_changes(
    qtbot, tmp_path, monkeypatch
):
    project, draft = cold_project(tmp_path)
    session = DraftSession(project, draft.id)
    bar = QStatusBar()
    qtbot.addWidget(bar)
    voice = VoiceActions(bar)
    assert voice.closenesses(["anything"]) == [None], "no draft shown: no voice"
    voice.draft_shown(session)
    builds = []
    real = voice_meter.writer_profile
    monkeypatch.setattr(voice_meter, "writer_profile", lambda p: builds.append(1) or real(p))
    terse = "He shut the door. The hall was dark. Nobody answered. He went up."
    close_terse, close_ornate = voice.closenesses([terse, ORNATE])
    assert close_terse > 0.3 and close_terse > close_ornate + 0.1
    assert voice.closenesses([ORNATE, terse]) == [close_ornate, close_terse]
    assert builds == [], "the gauge built it when the draft was shown; the marks reuse it"
    session.set_text(draft.cards[-1].id, "He read the letter twice and went out into the rain.")
    voice.closenesses([terse])
    assert builds == [1], "a changed card makes the profile again"
    project.close()


def test_too_few_paragraphs_of_the_writers_own_give_no_voice_mark(qtbot, tmp_path):
    project = Project.create(tmp_path / "p.cardwriter")
    draft = Draft("Short", cards=[Card(MINE[0])])
    project.add_draft(draft)
    bar = QStatusBar()
    qtbot.addWidget(bar)
    voice = VoiceActions(bar)
    voice.draft_shown(DraftSession(project, draft.id))
    assert voice.profile() is None and voice.closenesses(["a", "b"]) == [None, None]
    project.close()


def test_an_unfurled_stack_marks_each_variant_with_its_closeness_to_the_writers_voice(window):
    """The window's draft has three paragraphs of the writer's own: enough for a voice."""
    card = window.session.cards[0]
    close = Variant(
        "The keeper went up the stairs each night. He counted them aloud. The wind rose.",
        Provenance(VariantKind.REWRITE),
    )
    far = Variant(ORNATE, Provenance(VariantKind.RESTYLE))
    window.model.add_variants(card.id, [close, far])
    window.stacks.unfurl(card.id)
    cards = {c.variant.id: c for c in window.stacks.panel.cards}
    assert all(c.voice.isVisible() and c.voice.full_text().startswith("voice ") for c in cards.values())
    assert all(f"{c.closeness:.2f}" in c.voice.shown_text() for c in cards.values()), "the number shows, however narrow"
    assert cards[close.id].closeness > cards[far.id].closeness
