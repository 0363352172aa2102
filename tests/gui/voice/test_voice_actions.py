"""The voice meter on a workspace with a real project file and no window: gauge, warning, panel, profile."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtGui import QAction

from cardwriter.domain.model import Card, Draft, Provenance, Variant, VariantKind
from cardwriter.gui.voice.voice_actions import VoiceActions
from cardwriter.gui.workspace import Workspace
from cardwriter.services import voice_meter
from cardwriter.storage.project import Project
from tests.support import MINE, ORNATE


def cold_project(tmp_path, cards=(*MINE, "He read the letter.")):
    project = Project.create(tmp_path / "p.cardwriter")
    draft = Draft("Cold", cards=[Card(t) for t in cards])
    project.add_draft(draft)
    return project, draft


@pytest.fixture
def blank(qtbot, app_settings):
    """A workspace with no project open yet (features are built first, as the window builds them)."""
    ws = Workspace(app_settings)
    ws.said = []
    ws.message.connect(lambda text, ms: ws.said.append(text))
    yield ws
    ws.close_project()


def voice_on(qtbot, workspace) -> VoiceActions:
    voice = VoiceActions(workspace, QAction())
    qtbot.addWidget(voice.gauge)
    return voice


def settled(qtbot, voice: VoiceActions) -> None:
    """Wait for the profile the background is building (the gauge is measured again when it comes)."""
    qtbot.waitUntil(voice.ready, timeout=10000)


def test_an_acceptance_far_from_the_voice_fills_the_gauge_warns_once_and_plots(qtbot, tmp_path, blank):
    voice = voice_on(qtbot, blank)
    project, draft = cold_project(tmp_path)
    blank.open_project(project)
    assert voice.gauge.reading.model_share == 0 and not voice.gauge.warning
    settled(qtbot, voice)

    session, last = blank.session, draft.cards[-1].id
    variant = Variant(text=ORNATE, provenance=Provenance(kind=VariantKind.RESTYLE))
    session.add_variants(last, [variant])
    session.accept(last, variant.id)
    assert voice.gauge.reading.model_share > 0.3, "the share of model words shows at once"
    settled(qtbot, voice)
    assert voice.gauge.warning
    assert [m for m in blank.said if "far from your voice" in m] == [blank.said[-1]], "said once, in the status bar"
    assert len(project.voice_points(draft.id)) == 1
    assert "from the model" in voice.gauge.toolTip()

    dialog = voice.open_panel()
    qtbot.addWidget(dialog)
    assert dialog.isVisible()
    image = dialog.grab().toImage()
    assert image.width() >= 480
    dialog.close()


def test_the_voice_follows_the_shown_draft_and_lets_go_when_the_project_closes(qtbot, workspace):
    voice = voice_on(qtbot, workspace)
    story = workspace.session.draft.id
    workspace.show_draft(story)
    assert voice.session is workspace.session and voice.gauge.reading.words > 0
    other = Draft("Other", cards=[Card("A short one.")])
    workspace.project.add_draft(other)
    workspace.show_draft(other.id)
    assert voice.session is workspace.session and voice.session.draft.id == other.id
    card = workspace.session.cards[0].id
    variant = Variant("A short one, said again.", Provenance(VariantKind.REWRITE))
    workspace.session.add_variants(card, [variant])
    workspace.session.accept(card, variant.id)
    project = workspace.project
    assert len(project.voice_points(other.id)) == 1 and project.voice_points(story) == [], (
        "the acceptance is recorded for the draft shown"
    )
    workspace.close_project()
    assert voice.session is None and voice.gauge.reading is None
    assert voice.profile() is None and voice.closenesses(["anything"]) == [None]


def test_the_threshold_is_the_one_set_in_the_preferences(qtbot, workspace):
    voice = voice_on(qtbot, workspace)
    workspace.set_preferences(dataclasses.replace(workspace.prefs, voice_threshold=0.7))
    assert voice.threshold() == 0.7


def test_closeness_of_variants_ranks_the_writers_voice_first_and_the_profile_is_kept_until_a_card_changes(
    qtbot, tmp_path, monkeypatch, blank
):
    voice = voice_on(qtbot, blank)
    assert voice.closenesses(["anything"]) == [None], "no draft shown: no voice"
    project, draft = cold_project(tmp_path)
    blank.open_project(project)
    settled(qtbot, voice)
    builds = []
    real = voice_meter.profile_of
    monkeypatch.setattr(voice_meter, "profile_of", lambda p: builds.append(1) or real(p))
    terse = "He shut the door. The hall was dark. Nobody answered. He went up."
    close_terse, close_ornate = voice.closenesses([terse, ORNATE])
    assert close_terse > 0.3 and close_terse > close_ornate + 0.1
    assert voice.closenesses([ORNATE, terse]) == [close_ornate, close_terse]
    assert builds == [], "the gauge built it when the draft was shown; the marks reuse it"
    blank.session.set_text(draft.cards[-1].id, "He read the letter twice and went out into the rain.")
    voice.closenesses([terse])
    settled(qtbot, voice)
    assert builds == [1], "a changed card makes the profile again"
    voice.closenesses([terse])
    assert builds == [1]


def test_too_few_paragraphs_of_the_writers_own_give_no_voice_mark(qtbot, tmp_path, blank):
    voice = voice_on(qtbot, blank)
    project, _draft = cold_project(tmp_path, cards=(MINE[0],))
    blank.open_project(project)
    assert voice.session is not None
    assert voice.profile() is None and voice.closenesses(["a", "b"]) == [None, None]


def test_an_unfurled_stack_marks_each_variant_with_its_closeness_to_the_writers_voice(qtbot, window):
    """The window's draft has three paragraphs of the writer's own: enough for a voice."""
    card = window.session.cards[0]
    close = Variant(
        "The keeper went up the stairs each night. He counted them aloud. The wind rose.",
        Provenance(VariantKind.REWRITE),
    )
    far = Variant(ORNATE, Provenance(VariantKind.RESTYLE))
    window.model.add_variants(card.id, [close, far])
    window.stacks.unfurl(card.id)  # perhaps before the voice is measured: the marks come when it is
    qtbot.waitUntil(lambda: all(c.closeness is not None for c in window.stacks.panel.cards), timeout=10000)
    cards = {c.variant.id: c for c in window.stacks.panel.cards}
    assert all(c.voice.isVisible() and c.voice.full_text().startswith("voice ") for c in cards.values())
    assert all(f"{c.closeness:.2f}" in c.voice.shown_text() for c in cards.values()), "the number shows, however narrow"
    assert cards[close.id].closeness > cards[far.id].closeness


def test_a_stack_unfurled_before_the_voice_is_measured_gets_its_marks_when_it_is(qtbot, window):
    window.voice.profile_call.cancel()  # as if the profile were still being built
    window.voice._profile = window.voice._profile_key = window.voice._wanted_key = None
    card = window.session.cards[0]
    window.model.add_variants(card.id, [Variant(ORNATE, Provenance(VariantKind.RESTYLE))])
    window.stacks.unfurl(card.id)
    assert window.stacks.panel.cards[0].closeness is None
    qtbot.waitUntil(lambda: window.stacks.panel.cards[0].closeness is not None, timeout=10000)
    assert window.stacks.panel.cards[0].voice.isVisible()
