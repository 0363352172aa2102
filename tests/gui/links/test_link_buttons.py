"""What each button of a link card does: insert, fuse, open, set aside (notes); go there, compare (echoes)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from cardwriter.domain.links import LinkKind
from cardwriter.domain.model import VariantKind
from cardwriter.domain.paragraphs import draft_from_text
from cardwriter.gui.draft.card_model import CardRole
from cardwriter.gui.links.compare_dialog import CompareDialog
from cardwriter.services.projects import Project
from tests.gui.links.conftest import SEA, click, echo_link


def unfurled_tile(stacks, shown, kind: LinkKind):
    stacks.unfurl(shown.session.cards[1].id)
    return next(card for card in stacks.panel.link_row.cards if card.link.kind is kind)


def texts(shown) -> list[str]:
    return [c.text for c in shown.session.cards]


def test_insert_as_card_puts_the_note_below_the_paragraph_and_undo_takes_it_out(qtbot, shown, stacks, links):
    click(qtbot, unfurled_tile(stacks, shown, LinkKind.NOTE), "insert")
    assert texts(shown)[2] == SEA.text and len(texts(shown)) == 4
    assert shown.view.current_card_id() == shown.session.cards[2].id
    shown.undo()
    assert SEA.text not in texts(shown) and len(texts(shown)) == 3


def test_fuse_asks_for_variants_that_fuse_the_note_into_the_paragraph(qtbot, shown, stacks, generation, links):
    card_id = shown.session.cards[1].id
    with qtbot.waitSignal(generation.queue.finished, timeout=20_000):
        click(qtbot, unfurled_tile(stacks, shown, LinkKind.NOTE), "fuse")
    stack = shown.session.card(card_id).stack()
    assert stack and all(v.provenance.kind is VariantKind.RECOMBINE for v in stack)
    assert all(v.provenance.note_ids == (SEA.id,) for v in stack)
    assert shown.session.card(card_id).text.startswith("Below him the sea"), "the paragraph itself is untouched"


def test_open_note_shows_the_dock_and_selects_the_note_even_behind_a_search(qtbot, shown, stacks, notes, links):
    notes.dock.hide()
    notes.panel.search.setText("bread")  # a search that hides the sea note
    assert SEA.id not in notes.panel.model.shown_ids()
    click(qtbot, unfurled_tile(stacks, shown, LinkKind.NOTE), "open")
    assert notes.dock.isVisible()
    assert notes.panel.selected_ids() == [SEA.id]
    assert notes.panel.list.currentIndex().row() == notes.panel.model.shown_ids().index(SEA.id)


def test_not_relevant_hides_the_link_at_once_for_good_and_undo_brings_it_back(
    qtbot, shown, stacks, notes, links, project_path
):
    card_id = shown.session.cards[1].id
    click(qtbot, unfurled_tile(stacks, shown, LinkKind.NOTE), "dismiss")
    assert [link.kind for link in shown.model.index(1).data(CardRole.LINKS)] == [LinkKind.ECHO]
    assert [c.link.kind for c in stacks.panel.link_row.cards] == [LinkKind.ECHO], "gone from the open stack"
    assert shown.project.dismissed_links([card_id]) == {card_id: {SEA.id}}
    shown.undo()
    assert [link.kind for link in shown.model.index(1).data(CardRole.LINKS)] == [LinkKind.NOTE, LinkKind.ECHO]
    assert shown.project.dismissed_links([card_id]) == {}
    shown.redo()
    with qtbot.waitSignal(links.links_set, timeout=5000):  # a refresh after the change offers it no more
        pass
    assert [link.kind for link in shown.model.index(1).data(CardRole.LINKS)] == [LinkKind.ECHO]

    shown.close_project()  # and when the project is opened again
    with qtbot.waitSignal(links.links_set, timeout=5000):
        shown.open_project(Project.open(project_path))
        qtbot.addWidget(shown.view)
    assert [link.kind for link in shown.model.index(1).data(CardRole.LINKS)] == [LinkKind.ECHO]
    shown.undo()
    assert len(shown.model.index(1).data(CardRole.LINKS)) == 1, "another session: nothing to undo"


def test_go_there_shows_the_other_draft_and_goes_to_the_paragraph(qtbot, shown, stacks, links, offer):
    second = draft_from_text("Chapter 2", "The lamp room was cold.\n\nThe keeper climbed the stairs each night.\n")
    shown.project.add_draft(second)
    card_id = shown.session.cards[1].id
    offer[card_id] = [echo_link(second.cards[1], second, 1)]
    links.refresh()
    qtbot.waitUntil(lambda: shown.model.index(1).data(CardRole.LINKS)[0].draft_id == second.id, timeout=5000)
    tile = unfurled_tile(stacks, shown, LinkKind.ECHO)
    assert tile.caption.full_text() == "echo · you said this in “Chapter 2”, ¶2"
    click(qtbot, tile, "go")
    qtbot.addWidget(shown.view)
    assert shown.session.draft.id == second.id
    assert shown.view.current_card_id() == second.cards[1].id


def test_go_there_in_the_same_draft_folds_the_stack_and_goes_up(qtbot, shown, stacks, links):
    click(qtbot, unfurled_tile(stacks, shown, LinkKind.ECHO), "go")
    assert shown.view.unfurled_id() == ""
    assert shown.view.current_card_id() == shown.session.cards[0].id


def test_compare_shows_both_paragraphs_side_by_side_and_can_go_there(qtbot, shown, stacks, links):
    click(qtbot, unfurled_tile(stacks, shown, LinkKind.ECHO), "compare")
    dialog = links.dialog
    assert isinstance(dialog, CompareDialog) and dialog.isVisible()
    titles = [label.text() for label in dialog.titles]
    assert titles == ["This paragraph · “Story”, ¶2", "Said above · “Story”, ¶1"]
    left, right = (t.toPlainText() for t in dialog.texts)
    assert left == shown.session.cards[1].text and right == shown.session.cards[0].text
    assert "underline" in dialog.texts[1].toHtml(), "the words one has and the other lacks are marked"
    qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert shown.view.current_card_id() == shown.session.cards[0].id


def test_switching_link_cards_off_takes_them_away_and_on_brings_them_back(qtbot, shown, links):
    import dataclasses

    shown.set_preferences(dataclasses.replace(shown.prefs, link_cards=False))
    assert all(not shown.model.index(n).data(CardRole.LINKS) for n in range(3))
    with qtbot.waitSignal(links.links_set, timeout=5000):
        shown.set_preferences(dataclasses.replace(shown.prefs, link_cards=True))
    assert len(shown.model.index(1).data(CardRole.LINKS)) == 2


def test_a_link_to_a_note_deleted_meanwhile_says_so(qtbot, shown, stacks, notes, links):
    notes.panel.delete_notes([SEA.id])
    click(qtbot, unfurled_tile(stacks, shown, LinkKind.NOTE), "insert")
    assert len(texts(shown)) == 3 and shown.said[-1] == "That note is no longer in your notes."


def test_link_cards_are_a_setting_of_the_writing_page_on_by_default(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from cardwriter.gui.common.app_settings import AppSettings
    from cardwriter.gui.settings.settings_dialog import SettingsDialog

    settings = AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    prefs = settings.preferences()
    assert prefs.link_cards
    dialog = SettingsDialog(prefs, ["balanced"])
    qtbot.addWidget(dialog)
    assert dialog.writing.link_cards.isChecked()
    dialog.writing.link_cards.setChecked(False)
    settings.save_preferences(dialog.preferences(prefs))
    assert not AppSettings(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)).preferences().link_cards
