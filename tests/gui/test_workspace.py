"""The workspace on its own: opening, switching drafts, closing, undo and preferences, without a window."""

from __future__ import annotations

import dataclasses

from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.gui.draft import undo_commands
from tests.gui.conftest import TEXT, saved_texts


def test_opening_shows_the_first_draft_and_closing_lets_go_of_the_file(workspace, project_path):
    assert workspace.session.draft.title == "Story"
    assert [c.text for c in workspace.session.cards] == TEXT.strip().split("\n\n")
    assert workspace.model.rowCount() == 3 and workspace.view.card_model() is workspace.model
    events = []
    workspace.project_closing.connect(lambda: events.append(("closing", workspace.project is not None)))
    workspace.draft_closing.connect(lambda: events.append(("draft", workspace.view is not None)))
    workspace.project_closed.connect(lambda: events.append(("closed", workspace.project is None)))
    workspace.close_project()
    assert events == [("closing", True), ("draft", True), ("closed", True)]
    assert saved_texts(project_path)[0].startswith("The old keeper")  # a fresh connection reads it


def test_switching_drafts_closes_the_old_one_first_and_clears_undo(workspace):
    second = draft_from_text("Second", "Another start.")
    workspace.project.add_draft(second)
    workspace.push(undo_commands.MoveCard(workspace.model, workspace.session.cards[0].id, 1))
    assert workspace.undo_stack.count() == 1
    shown = []
    workspace.draft_closing.connect(lambda: shown.append(("closing", workspace.session.draft.title)))
    workspace.draft_shown.connect(lambda view: shown.append(("shown", workspace.session.draft.title)))
    workspace.show_draft(second.id)
    assert shown == [("closing", "Story"), ("shown", "Second")]
    assert workspace.undo_stack.count() == 0 and workspace.session.cards[0].text == "Another start."


def test_undo_and_redo_go_through_the_workspace(workspace):
    first = workspace.session.cards[0].id
    workspace.push(undo_commands.MoveCard(workspace.model, first, 1))
    assert workspace.session.cards[1].id == first
    workspace.undo()
    assert workspace.session.cards[0].id == first
    workspace.redo()
    assert workspace.session.cards[1].id == first


def test_preferences_are_saved_and_announced(workspace, app_settings):
    seen = []
    workspace.preferences_changed.connect(seen.append)
    prefs = dataclasses.replace(workspace.prefs, variants_shown=3)
    workspace.set_preferences(prefs)
    assert seen == [prefs] and app_settings.preferences().variants_shown == 3


def test_warnings_are_remembered_and_announced(workspace):
    workspace.warn("Cannot export", "the folder is read-only")
    workspace.say("Saved")
    assert workspace.warned == [("Cannot export", "the folder is read-only")] and workspace.said == ["Saved"]
    assert workspace.last_warning == "the folder is read-only"
