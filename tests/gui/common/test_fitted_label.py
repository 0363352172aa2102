"""A fitted label shows the longest wording that fits, elides only the last, and keeps the whole text in its tooltip."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget

from cardwriter.gui.common.fitted_label import FittedLabel

WORDINGS = ("voice 0.62 ▮▮▮▯▯", "voice 0.62", "0.62")


def fits(label: FittedLabel) -> bool:
    return label.fontMetrics().horizontalAdvance(label.shown_text()) <= label.room()


def test_it_steps_down_through_its_wordings_as_it_narrows(qtbot):
    label = FittedLabel(WORDINGS, "How close to your voice")
    qtbot.addWidget(label)
    label.show()
    advance = label.fontMetrics().horizontalAdvance
    seen = []
    for wording in WORDINGS:
        label.resize(advance(wording) + label.sizeHint().width() - advance(WORDINGS[0]), 20)
        assert label.shown_text() == wording and fits(label)
        seen.append(label.toolTip())
    assert seen[0] == "How close to your voice", "whole: the tooltip only explains"
    assert all(tip == "voice 0.62 ▮▮▮▯▯\nHow close to your voice" for tip in seen[1:]), (
        "shortened: the whole text first"
    )


def test_it_asks_for_its_whole_text_and_accepts_its_last_wording_or_an_ellipsis(qtbot):
    keeps = FittedLabel(WORDINGS)
    elides = FittedLabel(("rewrite · fresh words · refined · pinned",), keep_last=False)
    for label in (keeps, elides):
        qtbot.addWidget(label)
        label.show()
    advance = keeps.fontMetrics().horizontalAdvance
    assert keeps.sizeHint().width() >= advance(WORDINGS[0])
    assert advance("0.62") <= keeps.minimumSizeHint().width() < advance("voice 0.62")
    assert elides.minimumSizeHint().width() < advance("rewrite")
    elides.resize(elides.minimumSizeHint().width(), 20)
    assert elides.shown_text().endswith("…") and fits(elides)
    assert elides.toolTip() == "rewrite · fresh words · refined · pinned"


def test_in_a_row_too_narrow_for_both_each_label_fits_its_own_rect(qtbot):
    row = QWidget()
    qtbot.addWidget(row)
    layout = QHBoxLayout(row)
    first = FittedLabel(("Card: 1,234 words · Draft: 56,789 words", "Card 1,234 · Draft 56,789", "56,789 words"))
    second = FittedLabel(("Model: SmolLM2-135M-Instruct.Q4_1 (CPU) ready", "Model ready"), keep_last=False)
    layout.addWidget(first)
    layout.addWidget(second)
    row.show()
    for width in (700, 400, 250, 160):
        row.resize(width, 30)
        qtbot.waitUntil(lambda w=width: second.width() <= w)
        for label in (first, second):
            assert fits(label), f"{label.shown_text()!r} at {width} px"
            assert not label.is_shortened() or label.toolTip().startswith(label.full_text())
    assert first.is_shortened() and second.is_shortened(), "the narrowest row shortened both"


def test_qlabels_own_setters_still_work(qtbot):
    label = FittedLabel(keep_last=False)
    qtbot.addWidget(label)
    label.show()
    label.setText("Model: failed to load")
    label.setToolTip("not a GGUF file")
    assert label.full_text() == "Model: failed to load" and "not a GGUF file" in label.toolTip()
    label.resize(label.minimumSizeHint())
    assert label.is_shortened() and label.toolTip() == "Model: failed to load\nnot a GGUF file"
