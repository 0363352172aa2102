"""Edit ▸ Mark as My Writing in a real window over a real project file: marked, counted, undone, redone."""

from __future__ import annotations

from cardwriter.domain.model import Provenance, Variant, VariantKind
from cardwriter.gui.draft import undo_commands
from cardwriter.gui.voice.voice_marks import edit_menu
from cardwriter.storage.project import Project

REWRITE = "Up the winding stairs each evening went the old keeper, counting every step aloud."


def test_marking_a_card_as_mine_counts_its_model_words_as_the_writers_and_undo_takes_it_back(window, project_path):
    model, session, view = window.model, window.session, window.view
    card_id = session.cards[0].id
    variant = Variant(REWRITE, Provenance(VariantKind.REWRITE))
    model.add_variants(card_id, [variant])
    window.push_stack_change(undo_commands.accept(model, card_id, variant.id))
    assert window.voice.gauge.reading.model_words > 0

    action = window.voice.marker.action
    assert action in edit_menu(window).actions() and action.text() == "Mark as My &Writing"
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
