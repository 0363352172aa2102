"""Progress, not raw text: a filling stack shows counts, and no dropped candidate's words reach the column."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from cardwriter.domain.model import VariantKind
from cardwriter.embedding.fake_embedder import FakeEmbedder
from cardwriter.generation.fake import FakeGenerator
from cardwriter.generation.protocol import GenerationRequest, SequenceDone, TextPiece
from cardwriter.gui.common.app_settings import Preferences
from cardwriter.gui.draft.card_model import CardListModel, CardRole
from cardwriter.gui.draft.peek_text import progress_label
from cardwriter.gui.stack.fill_progress import CountingGenerator
from cardwriter.gui.stack.generation_controller import GenerationController
from cardwriter.services.stack_filling import StackFiller

CHATTY = "Sure, here is your rewrite: I'm excited to assist you in refining your writing style."


class ChattyFirstGenerator(FakeGenerator):
    """Sequence 0 of every request answers like a chatbot (the filters drop that); the rest shuffle words."""

    def text_for(self, plan, request):
        return CHATTY.split() if plan.index == 0 else super().text_for(plan, request)


def test_counting_passes_every_event_on_and_reports_only_numbers():
    reports = []
    counting = CountingGenerator(FakeGenerator(model_name="fake-1"), lambda done, total: reports.append((done, total)))
    assert counting.model_name == "fake-1"
    events = list(counting.stream(GenerationRequest("One two three four five.", n=3), threading.Event()))
    assert sum(isinstance(e, TextPiece) for e in events) > 3 and sum(isinstance(e, SequenceDone) for e in events) == 3
    assert reports == [(0, 3), (1, 3), (2, 3), (3, 3)]
    list(counting.stream(GenerationRequest("One two three four five.", n=2), threading.Event()))
    assert reports[-3:] == [(3, 5), (4, 5), (5, 5)], "a top-up round adds to the total"
    assert progress_label(3, 8) == "checked 3 of 8" and progress_label(0, 0) == "queued…"
    # nothing finished yet: the model is at work, not "0 written"
    assert progress_label(0, 8) == "writing…"


def everything_the_model_says(model: CardListModel) -> list[str]:
    """Every string any role of any card gives, as a view or the unfurled stack would read it."""
    said = []
    for row in range(model.rowCount()):
        index = model.index(row)
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole, *CardRole):
            value = index.data(role)
            values = value if isinstance(value, (list, tuple)) else [value]
            said.extend(getattr(v, "text", v) for v in values)
    return [str(s) for s in said if s is not None]


def test_no_filtered_out_candidate_text_ever_reaches_the_card_model(qtbot, session):
    model = CardListModel(session)
    prefs = Preferences(variants_shown=2, overgenerate=2.0)
    controller = GenerationController(StackFiller(FakeEmbedder()), lambda: ChattyFirstGenerator(delay=0.002), prefs)
    qtbot.waitUntil(lambda: controller.queue.pending() == 0 and controller.queue._generator is not None, timeout=5000)
    seen: list[str] = []
    progress: list[tuple[int, int]] = []

    def watch(top_left, bottom_right):
        seen.extend(everything_the_model_says(model))
        value = model.index(1).data(CardRole.PROGRESS)
        if value is not None:
            progress.append(value)

    model.dataChanged.connect(watch)
    controller.set_model(model)
    card_id = session.cards[1].id
    with qtbot.waitSignal(controller.queue.finished, timeout=20_000) as finished:
        controller.generate(card_id, VariantKind.REWRITE)
    result = finished.args[1]
    dropped = [d.candidate.text for d in result.dropped]
    assert any("excited to assist" in text for text in dropped), "the chatty candidate was written, then dropped"
    assert result.variants and all(v.text in seen for v in result.variants), "the kept variants did reach the model"
    assert not any("excited" in text or "Sure," in text for text in seen), "no dropped candidate's words ever did"
    assert progress and progress[-1][0] == progress[-1][1] and progress[0][0] < progress[-1][0], "counts went up to all"
    assert model.index(1).data(CardRole.PROGRESS) is None, "and are gone once the fill ended"
    controller.shutdown()
