"""The writing tools on a workspace with a real project file and no window: they follow the draft shown."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtWidgets import QWidget

from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.gui.tools.writing_tools import WritingTools

SECOND = "# The lamp\n\nThe lamp turned all night.\n\nThe lamp never failed the ships.\n"


@pytest.fixture
def tools(qtbot, workspace):
    """The tools built over the workspace (as the window builds them), then the draft shown again."""
    tools = WritingTools(workspace, QWidget())
    qtbot.addWidget(tools.central)
    qtbot.addWidget(tools.navigator.dock)
    tools.central.show()  # the find bar finds only while it is on screen
    workspace.show_draft(workspace.session.draft.id)
    return tools


def second_draft(workspace) -> str:
    draft = draft_from_text("Lamp", SECOND)
    workspace.project.add_draft(draft)
    return draft.id


def test_focus_mode_follows_the_shown_draft_and_ends_with_the_project(qtbot, workspace, tools):
    focus, said = tools.focus, []
    focus.changed.connect(said.append)
    focus.toggle()
    assert focus.active and said == [True] and workspace.view.delegate.dim_others
    workspace.show_draft(second_draft(workspace))
    assert focus.view is workspace.view and workspace.view.delegate.dim_others, "the new draft is dimmed too"
    assert workspace.view.delegate.focus_pad == workspace.view.viewport().height() // 2
    workspace.view.delegate.escape_pressed.emit()  # Esc in the new draft's editor leaves
    assert not focus.active and said == [True, False] and not workspace.view.delegate.dim_others
    focus.toggle()
    workspace.close_project()
    assert not focus.active and said == [True, False, True, False], "no draft to hold: focus mode ends"
    focus.toggle()
    assert not focus.active, "nothing to focus on without a draft"


def test_focus_mode_hides_the_find_bar_and_brings_it_back(workspace, tools):
    tools.find(False)
    assert tools.find_bar.isVisible()
    tools.focus.toggle()
    assert not tools.find_bar.isVisible()
    tools.focus.toggle()
    assert tools.find_bar.isVisible()


def labels(tools):
    tree = tools.navigator.tree
    return [
        (
            tree.topLevelItem(i).text(0),
            [tree.topLevelItem(i).child(j).text(0).strip() for j in range(tree.topLevelItem(i).childCount())],
        )
        for i in range(tree.topLevelItemCount())
    ]


def test_the_navigator_follows_the_shown_draft_and_opens_another(workspace, tools):
    assert labels(tools) == [("Story", [])]
    lamp = second_draft(workspace)
    workspace.show_draft(lamp)
    assert labels(tools) == [("Story", []), ("Lamp", ["The lamp"])], "the shown draft's headings"
    tree = tools.navigator.tree
    tree.itemClicked.emit(tree.topLevelItem(0), 0)
    assert workspace.session.draft.title == "Story"
    tools.navigator.add("Sequel")
    assert workspace.session.draft.title == "Sequel" and len(labels(tools)) == 3
    tools.navigator.rename(workspace.session.draft.id, "Story")
    assert workspace.warned and "already has a draft" in workspace.warned[-1][1], "a clash is said, not raised"
    workspace.close_project()
    assert labels(tools) == []


def test_find_reaches_the_shown_draft(workspace, tools):
    tools.find(False)
    tools.find_bar.find_edit.setText("lamp")
    assert tools.find_bar.message.text() == "1 found", "the story's lamp"
    workspace.show_draft(second_draft(workspace))
    assert tools.find_bar.message.text() == "3 found", "the shown draft's lamps, not the old one's"
    tools.find_bar.replace_edit.setText("light")
    assert tools.find_bar.replace_all() == 3
    assert [c.text for c in workspace.session.cards][1] == "The light turned all night."
    workspace.undo()
    assert [c.text for c in workspace.session.cards][1] == "The lamp turned all night.", (
        "one step of the workspace's undo"
    )
    workspace.close_project()
    tools.find_bar.hide()
    tools.find(False)
    assert not tools.find_bar.isVisible(), "no draft, nothing to find in"


def test_the_session_target_counts_the_shown_draft(workspace, tools):
    tools.target.set_target(10)
    assert tools.target.label.text() == "Session: 0 / 10 words (0%)"
    workspace.model.apply_text(workspace.session.cards[0].id, workspace.session.cards[0].text + " one two three")
    tools.target.recount()
    assert tools.target.label.text() == "Session: 3 / 10 words (30%)"
    workspace.close_project()
    assert tools.target.label.text() == ""


def test_a_spelling_language_without_a_dictionary_is_said(workspace, tools):
    workspace.set_preferences(dataclasses.replace(workspace.prefs, spelling=True, spelling_language="xx-nowhere"))
    assert any("no spelling dictionary" in said for said in workspace.said)
    assert tools.spelling.checker is None
