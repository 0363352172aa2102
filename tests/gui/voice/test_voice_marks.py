"""Edit ▸ Mark as My Writing over a real project file: marked, counted, undone, redone; on a workspace and in a window."""

from __future__ import annotations

from PySide6.QtGui import QAction

from cardwriter.domain.model import Provenance, Variant, VariantKind
from cardwriter.gui.draft import undo_commands
from cardwriter.gui.voice.voice_actions import VoiceActions
from cardwriter.storage.project import Project

REWRITE = "Up the winding stairs each evening went the old keeper, counting every step aloud."


def test_marking_a_card_as_mine_counts_its_model_words_as_the_writers_and_undo_takes_it_back(window, project_path):
    model, session, view = window.model, window.session, window.view
    card_id = session.cards[0].id
    variant = Variant(REWRITE, Provenance(VariantKind.REWRITE))
    model.add_variants(card_id, [variant])
    window.workspace.push(undo_commands.accept(model, card_id, variant.id))
    assert window.voice.gauge.reading.model_words > 0

    action = window.voice.marker.action
    assert action is window.menu.mark_mine and action in window.menu.edit_menu.actions()
    assert action.text() == "Mark as My &Writing"
    view.go_to_card(card_id, 0)
    window.voice.marker.update()
    assert action.isEnabled() and not action.isChecked()
    action.trigger()
    assert card_id in window.project.mine_cards([card_id])
    assert window.voice.gauge.reading.model_words == 0, "the writer's own now, whatever was accepted"
    assert "your own writing" in window.status.currentMessage()
    window.voice.marker.update()
    assert action.isChecked()

    window.undo()
    assert card_id not in window.project.mine_cards([card_id])
    assert window.voice.gauge.reading.model_words > 0
    assert session.card(card_id).text == REWRITE, "undoing the mark leaves the accepted text alone"
    window.redo()
    assert card_id in window.project.mine_cards([card_id])

    action.trigger()  # checked: triggering again takes the mark off
    assert card_id not in window.project.mine_cards([card_id])
    window.undo()
    assert card_id in window.project.mine_cards([card_id])
    window.close()
    with Project.open(project_path) as project:
        assert project.mine_cards([card_id]) == {card_id}, "the mark is in the project file"


def test_the_mark_is_off_without_a_card_to_mark(window):
    window.close_project()
    window.voice.marker.update()
    assert not window.voice.marker.action.isEnabled()


def voice_with_mark(qtbot, workspace) -> tuple[VoiceActions, QAction]:
    """The voice feature on the workspace alone; the menu's action is a bare QAction here."""
    action = QAction()
    voice = VoiceActions(workspace, action)
    qtbot.addWidget(voice.gauge)
    workspace.show_draft(workspace.session.draft.id)
    return voice, action


def test_marking_a_card_as_mine_is_one_undoable_step_saved_in_the_file(qtbot, workspace, project_path):
    voice, action = voice_with_mark(qtbot, workspace)
    model, session, view = workspace.model, workspace.session, workspace.view
    card_id = session.cards[1].id
    variant = Variant(REWRITE, Provenance(VariantKind.REWRITE))
    model.add_variants(card_id, [variant])
    workspace.push(undo_commands.accept(model, card_id, variant.id))
    assert voice.gauge.reading.model_words > 0, "the gauge counts the accepted words as the model's"
    view.go_to_card(card_id, 0)
    voice.marker.update()
    assert action.isEnabled() and not action.isChecked()

    steps = workspace.undo_stack.count()
    action.trigger()
    assert workspace.project.mine_cards([card_id]) == {card_id}
    assert workspace.undo_stack.count() == steps + 1, "one step of undo"
    assert voice.gauge.reading.model_words == 0, "the writer's own now, whatever was accepted"
    assert any("your own writing" in said for said in workspace.said)
    voice.marker.update()
    assert action.isChecked()

    workspace.undo()
    assert workspace.project.mine_cards([card_id]) == set()
    assert voice.gauge.reading.model_words > 0 and session.card(card_id).text == REWRITE
    workspace.redo()
    assert workspace.project.mine_cards([card_id]) == {card_id}
    workspace.close_project()
    with Project.open(project_path) as project:
        assert project.mine_cards([card_id]) == {card_id}, "the mark is in the project file"


def test_without_a_shown_card_the_mark_is_off_and_does_nothing(qtbot, workspace):
    voice, action = voice_with_mark(qtbot, workspace)
    workspace.close_project()
    voice.marker.update()
    assert not action.isEnabled()
    voice.marker.mark(True)
    assert workspace.said == [] and workspace.undo_stack.count() == 0
