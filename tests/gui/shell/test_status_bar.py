"""The status bar's word counts, in a real window with a real project file, as the writer types."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from cardwriter.gui.common.fitted_label import FittedLabel
from cardwriter.gui.draft.card_editor import CardEditor


def editing(window) -> CardEditor:
    found = [e for e in window.view.findChildren(CardEditor) if e.isVisible()]
    assert len(found) == 1
    return found[0]


def test_counts_show_the_card_and_the_draft_and_change_as_you_type(qtbot, window):
    label = window.status.counts_label
    # The fixture's draft: 13, 16 and 16 words; the first card is the current one.
    qtbot.waitUntil(lambda: label.text() == "Card: 13 words · Draft: 45 words", timeout=3000)
    qtbot.keyClicks(editing(window), "Two more ")
    qtbot.waitUntil(lambda: label.text() == "Card: 15 words · Draft: 47 words", timeout=3000)
    assert "Card: 15 words, 91 characters" in label.toolTip()
    # Another card: its own count; the draft's stays.
    qtbot.keyClick(editing(window), Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier)
    qtbot.keyClick(editing(window), Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier)
    qtbot.waitUntil(lambda: label.text() == "Card: 16 words · Draft: 47 words", timeout=3000)


def test_markdown_marks_are_not_words_and_a_new_card_counts(qtbot, window):
    label = window.status.counts_label
    window.view.insert_card_below()
    qtbot.waitUntil(lambda: label.text() == "Card: 0 words · Draft: 45 words", timeout=3000)
    qtbot.keyClicks(editing(window), "# *Lighthouse* at **night**")
    qtbot.waitUntil(lambda: label.text() == "Card: 3 words · Draft: 48 words", timeout=3000)


def test_counts_go_when_the_project_closes(qtbot, window):
    label = window.status.counts_label
    qtbot.waitUntil(lambda: label.text() != "", timeout=3000)
    window.close_project()
    qtbot.waitUntil(lambda: label.text() == "", timeout=3000)


def test_at_the_narrowest_window_the_labels_fit_or_elide_and_the_voice_gauge_stays_whole(qtbot, window):
    """A long model name and a queue message must not clip each other, nor push the gauge off the edge."""
    status = window.status
    status.show_model_state("ready", "SmolLM2-135M-Instruct.Q4_1 (CPU)")
    status.show_progress("Writing variants for 1 card")
    labels = (status.counts_label, status.queue_label, status.model_label)
    qtbot.waitUntil(lambda: status.counts_label.full_text().startswith("Card:"), timeout=3000)
    gauge = window.voice.gauge
    for width in (1366, window.minimumSizeHint().width()):
        window.resize(width, 768)
        qtbot.waitUntil(lambda w=width: window.width() == w and status.width() == w, timeout=3000)
        QApplication.processEvents()
        for label in labels:
            shown = label.shown_text()
            assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width(), (width, shown)
            if shown != label.full_text():
                assert label.toolTip().startswith(label.full_text()), "the whole text in the tooltip"
        assert gauge.isVisible() and status.rect().contains(gauge.geometry()), f"the gauge is whole at {width} px"
        if width == 1366:
            assert [label.shown_text() for label in labels] == [label.full_text() for label in labels]
    assert window.width() < 700, "narrower than a model name made the window before"
    assert any(label.is_shortened() for label in labels)


VOICE_WARNING = (
    "The model's words in this draft now sit 2.3× as far from your voice as your own paragraphs do from each other."
)


def ink_columns(image: QImage, left: int, right: int, top: int, bottom: int) -> list[int]:
    """The x of every column in [left, right) with a pixel clearly unlike the bar's background (text, marks)."""
    background = image.pixelColor(1, 1).lightness()
    return [
        x
        for x in range(max(0, left), right)
        if any(abs(image.pixelColor(x, y).lightness() - background) > 60 for y in range(top, bottom))
    ]


def test_at_1366_wide_the_voice_warning_has_its_own_room_and_never_runs_into_the_counts(qtbot, window):
    status = window.status
    status.show_model_state("ready", "SmolLM2-135M-Instruct.Q4_1 (CPU)")
    status.show_progress("Writing variants for 1 card")
    window.resize(1366, 768)
    qtbot.waitUntil(
        lambda: status.width() == 1366 and status.counts_label.full_text().startswith("Card:"), timeout=3000
    )
    window.workspace.say(VOICE_WARNING, 10000)  # as VoiceActions warns
    QApplication.processEvents()
    counts = status.counts_label.geometry()
    image = status.grab().toImage()
    ink = ink_columns(image, 0, counts.left(), counts.top(), counts.bottom() + 1)
    assert ink, "the warning is on screen"
    print(counts, max(ink), status.width(), [w.geometry() for w in (status.queue_label, status.model_label)])
    image.save("/tmp/desk-d/bar.png")
    assert counts.left() - max(ink) > 6, "a clear gap between the warning's last letter and the counts"
    shown = [w for w in status.findChildren(FittedLabel) if w.isVisible() and w.full_text() == VOICE_WARNING]
    assert len(shown) == 1, "the warning is a label with its own room in the bar"
    warning = shown[0]
    for other in (status.counts_label, status.queue_label, status.model_label, window.voice.gauge):
        assert not warning.geometry().intersects(other.geometry()), other
    assert [label.shown_text() for label in (status.counts_label, status.model_label)] == [
        label.full_text() for label in (status.counts_label, status.model_label)
    ], "the counts and the model keep their whole wording: the warning gives way"
    assert warning.shown_text() == VOICE_WARNING or (
        warning.shown_text().endswith("…") and warning.toolTip().startswith(VOICE_WARNING)
    )
    warning.hide()  # nothing else paints the warning (the bar's own message painting would run up to the counts)
    assert ink_columns(status.grab().toImage(), 0, counts.left(), counts.top(), counts.bottom() + 1) == []
    warning.show()
    status.clearMessage()
    assert warning.full_text() == "" and status.currentMessage() == ""


def test_an_accepted_variant_counts_at_once_in_the_card_and_the_draft(qtbot, window):
    from cardwriter.domain.counts import count_card
    from cardwriter.domain.model import Provenance, Variant, VariantKind
    from cardwriter.gui.draft import undo_commands

    label = window.status.counts_label
    qtbot.waitUntil(lambda: label.text() == "Card: 13 words · Draft: 45 words", timeout=3000)
    card_id = window.session.cards[0].id
    longer = "The old keeper climbed the long winding stairs every single evening, counting all the steps aloud."
    variant = Variant(longer, Provenance(VariantKind.REWRITE))
    window.model.add_variants(card_id, [variant])
    window.workspace.push(undo_commands.accept(window.model, card_id, variant.id))
    words = count_card(longer).words
    assert words == 16
    qtbot.waitUntil(lambda: label.text() == "Card: 16 words · Draft: 48 words", timeout=300)
    window.undo()
    qtbot.waitUntil(lambda: label.text() == "Card: 13 words · Draft: 45 words", timeout=300)


def test_a_typed_word_counts_within_300_ms_as_do_split_and_merge(qtbot, window):
    label = window.status.counts_label
    qtbot.waitUntil(lambda: label.text() == "Card: 13 words · Draft: 45 words", timeout=3000)
    editor = editing(window)
    qtbot.keyClick(editor, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, " Then")  # the last keystroke: no space after it, nothing saved yet
    qtbot.waitUntil(lambda: label.text() == "Card: 14 words · Draft: 46 words", timeout=300)
    assert window.session.cards[0].text.endswith("aloud."), "counted from the live text, before any save"
    qtbot.keyClick(editor, Qt.Key.Key_Home)
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # split before the first word: an empty card above
    qtbot.waitUntil(
        lambda: label.text() == "Card: 14 words · Draft: 46 words" and window.model.rowCount() == 4, timeout=300
    )
    qtbot.keyClick(editing(window), Qt.Key.Key_Backspace)  # merge back
    qtbot.waitUntil(
        lambda: window.model.rowCount() == 3 and label.text() == "Card: 14 words · Draft: 46 words", timeout=300
    )
