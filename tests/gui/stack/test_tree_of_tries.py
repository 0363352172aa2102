"""The tree of tries, driven with real widgets, clicks and keys over a real project file."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QTreeWidgetItem

from cardwriter.domain.model import Note, Provenance, Variant, VariantKind, VariantState
from cardwriter.generation.prompts import ANGLES
from cardwriter.gui.draft import undo_commands
from cardwriter.gui.draft.card_model import CardRole
from cardwriter.gui.stack.stack_actions import StackActions
from cardwriter.gui.stack.tree_of_tries import TreeOfTries

SEA = Note("The sea is all about us, said the book on the shelf.")


def variant(text: str, kind=VariantKind.REWRITE, **provenance) -> Variant:
    return Variant(text, Provenance(kind, **provenance))


@pytest.fixture
def grown(workspace):
    """The second card's tries: A (accepted), A1 refined from A, a fusion with a note, D discarded."""
    model, card_id = workspace.model, workspace.session.cards[1].id
    workspace.project.add_notes([SEA])
    a = variant("Below him the sea went grey and then black.")
    fusion = variant("The sea was all about him, grey, then black.", VariantKind.RECOMBINE, note_ids=(SEA.id,))
    dropped = variant("Under him grey water, then night.", VariantKind.RESTYLE, angle="terser")
    model.add_variants(card_id, [a, fusion, dropped])
    workspace.push(undo_commands.discard(model, card_id, dropped.id))
    workspace.push(undo_commands.accept(model, card_id, a.id))
    refined = variant("Below him the sea went grey, slowly, then black.", parent_id=a.id)
    model.add_variants(card_id, [refined])
    return {"card": card_id, "a": a, "a1": refined, "fusion": fusion, "dropped": dropped}


@pytest.fixture
def stacks(workspace, generation):
    return StackActions(workspace, generation, list(ANGLES))


def item(tree: TreeOfTries, node_id: str) -> QTreeWidgetItem:
    return tree.items[node_id]


def chosen_id(tree: TreeOfTries) -> str:
    node = tree.chosen()
    assert node is not None
    return node.id


def test_the_tree_shows_the_original_its_variants_a_refined_child_a_fusion_with_its_note_and_the_path(
    qtbot, workspace, stacks, grown
):
    tree = stacks.show_tree(grown["card"])
    assert tree is not None and tree.isVisible() and not tree.isModal()
    assert tree.windowTitle() == "Tree of tries · ¶2"
    assert tree.tree.topLevelItemCount() == 1
    root = tree.tree.topLevelItem(0)
    assert root.text(0).startswith("original — Below him the sea turned grey")
    children = [root.child(i).data(0, Qt.ItemDataRole.UserRole) for i in range(root.childCount())]
    assert children == [grown["a"].id, grown["fusion"].id, grown["dropped"].id], "oldest first, under the original"
    a = item(tree, grown["a"].id)
    assert [a.child(i).data(0, Qt.ItemDataRole.UserRole) for i in range(a.childCount())] == [grown["a1"].id]
    assert a.text(0).startswith("rewrite — ") and item(tree, grown["a1"].id).text(0).startswith("refined · rewrite — ")
    assert item(tree, grown["fusion"].id).text(0).startswith("fusion with “The sea is all…” — The sea was")
    assert a.text(1).startswith("accepted ") and a.text(2) == "● now"

    accent = tree.palette().color(QPalette.ColorRole.Highlight)
    for on_path in (root, a):
        assert on_path.font(0).bold() and on_path.foreground(0).color() == accent
    for off_path in (item(tree, grown["fusion"].id), item(tree, grown["a1"].id)):
        assert not off_path.font(0).bold() and off_path.foreground(0).color() != accent
    dropped = item(tree, grown["dropped"].id)
    assert dropped.font(0).italic() and dropped.text(2) == "discarded"
    assert dropped.foreground(0).color() == tree.palette().color(QPalette.ColorRole.PlaceholderText)
    assert chosen_id(tree) == grown["a"].id, "it opens on the text now"
    assert not tree.accept_button.isEnabled(), "the text now cannot be accepted again"
    assert tree.edited.isHidden()


def test_the_right_pane_marks_what_differs_from_the_paragraph_now(qtbot, workspace, stacks, grown):
    tree = stacks.show_tree(grown["card"])
    tree.choose(grown["fusion"].id)
    assert "text-decoration: underline" in tree.text.toHtml() or "underline" in tree.text.toHtml()
    assert "all about him" in tree.text.toPlainText() and tree.accept_button.isEnabled()
    assert "fusion with “The sea is all…”" in tree.caption.text()
    tree.choose(grown["a"].id)
    assert "underline" not in tree.text.toHtml(), "the text now has nothing marked"


def test_left_right_up_and_down_move_like_a_loom(qtbot, workspace, stacks, grown):
    tree = stacks.show_tree(grown["card"])
    keys = tree.tree
    assert chosen_id(tree) == grown["a"].id
    qtbot.keyClick(keys, Qt.Key.Key_Right)
    assert chosen_id(tree) == grown["a1"].id, "Right: down to the first child"
    qtbot.keyClick(keys, Qt.Key.Key_Right)
    assert chosen_id(tree) == grown["a1"].id, "no child: it stays"
    qtbot.keyClick(keys, Qt.Key.Key_Down)
    assert chosen_id(tree) == grown["a1"].id, "an only child has no sibling: Down does not leave its parent"
    qtbot.keyClick(keys, Qt.Key.Key_Left)
    assert chosen_id(tree) == grown["a"].id, "Left: up to the parent"
    qtbot.keyClick(keys, Qt.Key.Key_Down)
    assert chosen_id(tree) == grown["fusion"].id, "Down: the next sibling, not the next row (A1)"
    qtbot.keyClick(keys, Qt.Key.Key_Down)
    qtbot.keyClick(keys, Qt.Key.Key_Down)
    assert chosen_id(tree) == grown["dropped"].id, "the last sibling stays"
    qtbot.keyClick(keys, Qt.Key.Key_Up)
    assert chosen_id(tree) == grown["fusion"].id
    qtbot.keyClick(keys, Qt.Key.Key_Left)
    qtbot.keyClick(keys, Qt.Key.Key_Left)
    assert chosen_id(tree) == tree.root.id, "the root has no parent: it stays"
    assert "Left: up to the parent" in keys.toolTip()


def test_accept_from_the_tree_changes_the_card_and_undo_restores_it_and_the_tree_follows(
    qtbot, workspace, stacks, grown
):
    card_id = grown["card"]
    tree = stacks.show_tree(card_id)
    tree.choose(grown["fusion"].id)
    qtbot.mouseClick(tree.accept_button, Qt.MouseButton.LeftButton)
    assert workspace.session.card(card_id).text == grown["fusion"].text
    assert item(tree, grown["fusion"].id).text(2) == "● now" and item(tree, grown["a"].id).text(2) == "in stack"
    assert chosen_id(tree) == grown["fusion"].id, "the try chosen stays chosen"
    assert not tree.accept_button.isEnabled()

    workspace.undo()
    assert workspace.session.card(card_id).text == grown["a"].text
    assert item(tree, grown["a"].id).text(2) == "● now" and item(tree, grown["fusion"].id).text(2) == "in stack"
    assert item(tree, grown["fusion"].id).text(1) == "", "an accept undone is not history"
    assert chosen_id(tree) == grown["fusion"].id and tree.accept_button.isEnabled()

    qtbot.keyClick(tree.tree, Qt.Key.Key_Down)  # to the discarded one, and Return accepts it
    qtbot.keyClick(tree.tree, Qt.Key.Key_Return)
    assert workspace.session.card(card_id).text == grown["dropped"].text
    assert tree.isVisible(), "Return accepts; it does not close the window"
    qtbot.keyClick(tree.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert workspace.session.card(card_id).text == grown["a"].text, "Ctrl+Z in the tree undoes too"
    assert workspace.session.card(card_id).variants[2].state is VariantState.DISCARDED


def test_typing_since_the_last_accept_says_edited_since_and_nothing_is_now(qtbot, workspace, stacks, grown):
    tree = stacks.show_tree(grown["card"])
    workspace.model.apply_text(grown["card"], "Below him, as I wrote it myself.")
    assert tree.edited.isVisible() and "Edited since" in tree.edited.text()
    assert [i for i in tree.items.values() if i.text(2) == "● now"] == []
    assert item(tree, grown["a"].id).font(0).bold(), "the path still runs to the last accept"
    assert tree.accept_button.isEnabled(), "the accepted text can be taken back"


def test_refine_from_the_tree_grows_variants_under_the_discarded_try(qtbot, workspace, stacks, grown):
    card_id = grown["card"]
    tree = stacks.show_tree(card_id)
    tree.choose(grown["dropped"].id)
    with qtbot.waitSignal(stacks.generation.queue.finished, timeout=20_000):
        qtbot.mouseClick(tree.refine_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not workspace.model.index_of_card(card_id).data(CardRole.BUSY), timeout=5000)
    dropped = item(tree, grown["dropped"].id)
    assert dropped.childCount() > 0, "the new variants hang under the try they were refined from"
    assert all(dropped.child(i).text(0).startswith("refined · restyle · terser") for i in range(dropped.childCount()))
    assert chosen_id(tree) == grown["dropped"].id


def test_the_stack_s_tree_button_and_the_menu_open_the_tree_for_their_card(qtbot, window):
    second = window.session.cards[1].id
    window.stacks.unfurl(second)
    qtbot.mouseClick(window.stacks.panel.tree_button, Qt.MouseButton.LeftButton)
    tree = window.stacks.tree
    assert tree is not None and tree.isVisible() and tree.card_id == second and tree.parent() is window
    tree.close()
    qtbot.waitUntil(lambda: window.stacks.tree is None)

    third = window.session.cards[2].id
    window.stacks.fold()
    window.view.go_to_card(third)
    window.menu.tree_of_tries.trigger()
    tree = window.stacks.tree
    assert tree is not None and tree.card_id == third and tree.windowTitle() == "Tree of tries · ¶3"
    assert window.menu.shortcut_owners()["Ctrl+Shift+T"] == ["Tree of &Tries…"]
    window.view.go_to_card(second)
    window.menu.tree_of_tries.trigger()
    assert window.stacks.tree is tree and tree.card_id == second, "one tree at a time, on the card asked for"


def test_the_menu_opens_the_tree_of_the_unfurled_stack_even_when_another_card_is_current(qtbot, window):
    first, second = window.session.cards[0].id, window.session.cards[1].id
    window.view.go_to_card(first)
    window.stacks.unfurl(second)  # a click on the second card's peek leaves the first card current
    assert window.view.current_card_id() == first
    window.menu.tree_of_tries.trigger()
    assert window.stacks.tree is not None and window.stacks.tree.card_id == second
